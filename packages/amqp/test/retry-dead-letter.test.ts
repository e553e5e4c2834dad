import { EXCHANGES, HEADERS, JobExecute, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import { PermanentError, TransientError } from '../src';
import {
  getMessages,
  jobExecute,
  metricValue,
  publishRaw,
  sleep,
  startBroker,
  stopBroker,
  uniquePrefix,
  waitFor,
  type TestBroker,
} from './helpers';

// startBroker gives agent-execution back-off steps [100, 200] ms: attempts 1, 2, 3, then dead-letter.
describe('retry and dead-letter (real RabbitMQ)', () => {
  let t: TestBroker | undefined;
  afterEach(async () => {
    await stopBroker(t);
    t = undefined;
  });

  it('retries a TransientError after the retry queue TTL with attempt 2, then succeeds', async () => {
    t = await startBroker(uniquePrefix());
    const { broker, registry } = t;
    const attempts: { attempt: number; at: number; id: string; priority?: number }[] = [];
    await broker.consume(QUEUES.agentExecution, JobExecute, async (message, ctx) => {
      attempts.push({ attempt: ctx.attempt, at: Date.now(), id: message.id, priority: ctx.priority });
      if (ctx.attempt === 1) throw new TransientError('rpc node busy');
    });
    const sent = jobExecute();
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, sent, { priority: 5 });
    await waitFor(() => attempts.length === 2, 5_000, 'second attempt');

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]).toMatchObject({ id: sent.id, priority: 5 });
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(90); // waited out retry.1's TTL
    await waitFor(async () => (await metricValue(registry, 'oca_amqp_messages_consumed_total', { outcome: 'ack' })) === 1);
    expect(await metricValue(registry, 'oca_amqp_messages_retried_total', { queue: QUEUES.agentExecution })).toBe(1);
    await sleep(300);
    expect(attempts).toHaveLength(2);
    expect(await broker.queueDepth(QUEUES.deadLetter)).toMatchObject({ messages: 0 });
  });

  it('dead-letters an always-failing message with its reason after the last back-off step', async () => {
    t = await startBroker(uniquePrefix());
    const { broker, registry, prefix } = t;
    const attempts: number[] = [];
    await broker.consume(QUEUES.agentExecution, JobExecute, async (_message, ctx) => {
      attempts.push(ctx.attempt);
      return { action: 'retry', reason: 'upstream 503' };
    });
    const sent = jobExecute();
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, sent);

    const [dead] = await getMessages(`${prefix}${QUEUES.deadLetter}`, 1, 5_000);
    expect(attempts).toEqual([1, 2, 3]);
    const headers = dead!.properties.headers ?? {};
    expect(headers[HEADERS.deadLetterReason]).toMatch(/retries exhausted after 3 attempt\(s\): upstream 503/);
    expect(headers[HEADERS.originQueue]).toBe(QUEUES.agentExecution);
    expect(dead!.properties.messageId).toBe(sent.id);
    expect(JSON.parse(dead!.content.toString())).toEqual(sent);
    // The dead letter can be read before its publish confirm reached the consumer: wait for the count.
    await waitFor(async () => (await metricValue(registry, 'oca_amqp_messages_dead_lettered_total', { reason_kind: 'retries_exhausted' })) === 1);
    expect(await metricValue(registry, 'oca_amqp_messages_retried_total')).toBe(2);
    await sleep(300);
    expect(attempts).toHaveLength(3);
  });

  it('dead-letters PermanentError, schema-invalid and invalid-JSON messages at once', async () => {
    t = await startBroker(uniquePrefix());
    const { broker, registry, prefix } = t;
    const handled: string[] = [];
    await broker.consume(QUEUES.agentExecution, JobExecute, async (message) => {
      handled.push(message.id);
      throw new PermanentError('unknown agent "nope"');
    });
    const permanent = jobExecute({ agent: 'nope' });
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, permanent);
    const [first] = await getMessages(`${prefix}${QUEUES.deadLetter}`, 1, 5_000);
    expect(first!.properties.headers?.[HEADERS.deadLetterReason]).toBe('unknown agent "nope"');
    expect(handled).toEqual([permanent.id]);

    const invalid = { ...jobExecute(), payload: { agent: 'market' } };
    await publishRaw(`${prefix}${QUEUES.agentExecution}`, Buffer.from(JSON.stringify(invalid)));
    await publishRaw(`${prefix}${QUEUES.agentExecution}`, Buffer.from('{not json'));
    const rest = await getMessages(`${prefix}${QUEUES.deadLetter}`, 2, 5_000);
    const reasons = rest.map((m) => String(m.properties.headers?.[HEADERS.deadLetterReason])).sort();
    expect(reasons[0]).toMatch(/^invalid JSON/);
    expect(reasons[1]).toMatch(/^schema validation failed/);
    expect(rest.find((m) => m.content.toString() === '{not json')).toBeDefined();
    expect(handled).toHaveLength(1); // the handler never saw the bad ones
    await waitFor(async () => (await metricValue(registry, 'oca_amqp_messages_dead_lettered_total')) === 3);
    expect(await metricValue(registry, 'oca_amqp_messages_retried_total')).toBe(0);
    expect(await metricValue(registry, 'oca_amqp_messages_dead_lettered_total', { reason_kind: 'permanent' })).toBe(1);
    expect(await metricValue(registry, 'oca_amqp_messages_dead_lettered_total', { reason_kind: 'schema' })).toBe(1);
    expect(await metricValue(registry, 'oca_amqp_messages_dead_lettered_total', { reason_kind: 'invalid_json' })).toBe(1);
    expect(await broker.queueDepth(QUEUES.agentExecution)).toMatchObject({ messages: 0 });
  });

  it('dead-letters the first failure on a queue without back-off steps (auth.rpc)', async () => {
    t = await startBroker(uniquePrefix());
    const { broker, prefix } = t;
    let calls = 0;
    await broker.consume(QUEUES.authRpc, JobExecute, async () => {
      calls += 1;
      throw new Error('socket hang up');
    });
    await broker.sendToQueue(QUEUES.authRpc, jobExecute());
    const [dead] = await getMessages(`${prefix}${QUEUES.deadLetter}`, 1, 5_000);
    expect(calls).toBe(1);
    expect(dead!.properties.headers?.[HEADERS.attempt]).toBeUndefined();
    expect(dead!.properties.headers?.[HEADERS.deadLetterReason]).toMatch(/after 1 attempt\(s\): socket hang up/);
    expect(dead!.properties.headers?.[HEADERS.originQueue]).toBe(QUEUES.authRpc);
  });
});
