import { AsyncLocalStorage } from 'node:async_hooks';
import { EXCHANGES, HEADERS, JobExecute, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import { createLogger, currentLogContext, type Logger } from '@oca/observability';
import { MessageValidationError, TransientError, type ConsumeContext } from '../src';
import { jobExecute, metricValue, sleep, startBroker, stopBroker, uniquePrefix, waitFor, type TestBroker } from './helpers';

/** A logger whose JSON lines are kept, parsed, for assertions. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const logger = createLogger({ service: 'amqp-test', level: 'debug', destination: { write: (line: string) => void raw.push(line) } });
  return {
    logger,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

/** How often `key` appears in one raw JSON line (pino writes a key twice when bound and logged). */
const occurrences = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe('publish and consume (real RabbitMQ)', () => {
  let t: TestBroker | undefined;
  afterEach(async () => {
    await stopBroker(t);
    t = undefined;
  });

  it('round-trips a confirmed, validated message with its headers and log context', async () => {
    const capture = capturingLogger();
    t = await startBroker(uniquePrefix(), { logger: capture.logger });
    const { broker, registry } = t;
    const seen: { message: JobExecute; ctx: ConsumeContext; logContext: object }[] = [];
    await broker.consume(QUEUES.agentExecution, JobExecute, async (message, ctx) => {
      seen.push({ message, ctx, logContext: currentLogContext() });
      ctx.log.info('handled');
    });

    const sent = jobExecute();
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, sent, { priority: 3 });
    await waitFor(() => seen.length === 1, 5_000, 'delivery');

    const [{ message, ctx, logContext }] = seen as [(typeof seen)[0]];
    expect(message).toEqual(sent);
    expect(ctx).toMatchObject({ attempt: 1, redelivered: false, messageId: sent.id, priority: 3, correlationId: sent.correlationId });
    expect(ctx.headers[HEADERS.correlationId]).toBe(sent.correlationId);
    expect(ctx.headers[HEADERS.jobId]).toBe(sent.jobId);
    expect(logContext).toEqual({ jobId: sent.jobId, correlationId: sent.correlationId });
    expect(ctx.logContext).toEqual({ jobId: sent.jobId, correlationId: sent.correlationId });
    // The implicit context puts the ids on ctx.log's lines, once each (not bound a second time).
    const handled = capture.raw.find((line) => line.includes('"msg":"handled"'))!;
    expect(JSON.parse(handled)).toMatchObject({ jobId: sent.jobId, correlationId: sent.correlationId, messageId: sent.id, queue: QUEUES.agentExecution });
    expect([occurrences(handled, 'jobId'), occurrences(handled, 'correlationId')]).toEqual([1, 1]);
    await waitFor(async () => (await metricValue(registry, 'oca_amqp_messages_consumed_total', { outcome: 'ack' })) === 1);
    expect(await metricValue(registry, 'oca_amqp_messages_published_total', { exchange: EXCHANGES.jobs })).toBe(1);
    expect(await broker.queueDepth(QUEUES.agentExecution)).toEqual({ messages: 0, consumers: 1 });
  });

  it('with asyncLogContext off, binds the ids on ctx.log and never enters an AsyncLocalStorage', async () => {
    const capture = capturingLogger();
    t = await startBroker(uniquePrefix(), { logger: capture.logger, asyncLogContext: false });
    const { broker } = t;
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      const seen: { ctx: ConsumeContext; implicit: object }[] = [];
      await broker.consume(QUEUES.agentExecution, JobExecute, async (_message, ctx) => {
        seen.push({ ctx, implicit: currentLogContext() });
        ctx.log.info({ attempt: ctx.attempt }, 'handled');
        // A failure and its retry log through the same per-message logger.
        if (ctx.attempt === 1) throw new TransientError('busy');
      });
      const sent = jobExecute();
      await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, sent);
      await waitFor(() => seen.length === 2, 5_000, 'the delivery and its retry');

      expect(seen.map(({ ctx }) => ctx.logContext)).toEqual([
        { jobId: sent.jobId, correlationId: sent.correlationId },
        { jobId: sent.jobId, correlationId: sent.correlationId },
      ]);
      expect(seen.map(({ implicit }) => implicit)).toEqual([{}, {}]);
      const ids = { jobId: sent.jobId, correlationId: sent.correlationId, messageId: sent.id, queue: QUEUES.agentExecution };
      const about = ['handled', 'handler failed', 'message scheduled for retry'];
      const lines = capture.raw.filter((line) => about.some((msg) => line.includes(`"msg":"${msg}"`)));
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg).sort()).toEqual(['handled', 'handled', 'handler failed', 'message scheduled for retry']);
      for (const line of lines) {
        expect(JSON.parse(line)).toMatchObject(ids);
        expect([occurrences(line, 'jobId'), occurrences(line, 'correlationId')]).toEqual([1, 1]);
      }
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });

  it('refuses to publish an invalid envelope or to an unknown exchange', async () => {
    t = await startBroker(uniquePrefix());
    const bad = { ...jobExecute(), payload: { agent: '', params: {}, priority: 42, userId: 'nope' } };
    await expect(t.broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, bad)).rejects.toBeInstanceOf(MessageValidationError);
    await expect(t.broker.publish('no.such.exchange', 'x', jobExecute())).rejects.toThrow(/unknown exchange/);
    expect(await t.broker.queueDepth(QUEUES.agentExecution)).toEqual({ messages: 0, consumers: 0 });
    // The publisher channel is still healthy afterwards.
    await t.broker.sendToQueue(QUEUES.agentExecution, jobExecute());
    expect((await t.broker.queueDepth(QUEUES.agentExecution)).messages).toBe(1);
  });

  it('rejects consume() on an undeclared queue and stays healthy', async () => {
    t = await startBroker(uniquePrefix());
    const { broker, registry } = t;
    await expect(broker.consume('no-such-queue', JobExecute, async () => undefined)).rejects.toThrow(/cannot consume from .*no-such-queue/);
    await sleep(600); // past the channel-recovery delay: a dead consumer channel must not force a reconnect
    expect(await metricValue(registry, 'oca_amqp_reconnects_total')).toBe(0);
    await broker.sendToQueue(QUEUES.agentExecution, jobExecute());
    expect((await broker.queueDepth(QUEUES.agentExecution)).messages).toBe(1);
  });

  it('delivers higher priority first on agent-execution', async () => {
    t = await startBroker(uniquePrefix());
    const { broker } = t;
    const low = jobExecute({ priority: 1 });
    const high = jobExecute({ priority: 8 });
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, low, { priority: 1 });
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, high, { priority: 8 });
    expect((await broker.queueDepth(QUEUES.agentExecution)).messages).toBe(2);

    const order: string[] = [];
    await broker.consume(
      QUEUES.agentExecution,
      JobExecute,
      async (message) => {
        order.push(message.id);
      },
      { prefetch: 1 },
    );
    await waitFor(() => order.length === 2, 5_000, 'both deliveries');
    expect(order).toEqual([high.id, low.id]);
  });

  it('close() waits for the in-flight handler, whose ack lands', async () => {
    const prefix = uniquePrefix();
    t = await startBroker(prefix);
    let started = false;
    let finished = false;
    await t.broker.consume(QUEUES.agentExecution, JobExecute, async () => {
      started = true;
      await sleep(700);
      finished = true;
    });
    await t.broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, jobExecute());
    await waitFor(() => started, 5_000, 'handler start');

    const closing = t.broker.close({ deadlineMs: 5_000 });
    let closed = false;
    void closing.then(() => (closed = true));
    await sleep(200);
    expect(closed).toBe(false);
    await closing;
    expect(finished).toBe(true);
    await t.broker.close(); // second call is a no-op
    expect(t.broker.isConnected()).toBe(false);
    await expect(t.broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, jobExecute())).rejects.toThrow(/closed/);

    // The message was acked before the channel closed: nothing comes back to the queue.
    const observer = await startBroker(prefix);
    try {
      await sleep(200);
      expect(await observer.broker.queueDepth(QUEUES.agentExecution)).toEqual({ messages: 0, consumers: 0 });
    } finally {
      await observer.broker.close();
    }
  });

  it('Consumer.cancel() stops deliveries after in-flight work finishes', async () => {
    t = await startBroker(uniquePrefix());
    const { broker } = t;
    let handled = 0;
    const consumer = await broker.consume(QUEUES.agentCompletion, JobExecute, async () => {
      await sleep(300);
      handled += 1;
    });
    await broker.sendToQueue(QUEUES.agentCompletion, jobExecute());
    await waitFor(async () => (await broker.queueDepth(QUEUES.agentCompletion)).messages === 0);
    await consumer.cancel();
    expect(handled).toBe(1);
    await broker.sendToQueue(QUEUES.agentCompletion, jobExecute());
    await sleep(300);
    expect(handled).toBe(1);
    expect(await broker.queueDepth(QUEUES.agentCompletion)).toEqual({ messages: 1, consumers: 0 });
  });
});
