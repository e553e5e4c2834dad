import { EXCHANGES, HEADERS, JobExecute, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import { PermanentError } from '../src';
import { jobExecute, startBroker, stopBroker, uniquePrefix, waitFor, type TestBroker } from './helpers';

describe('dead-letter queue inspection, replay and drop (real RabbitMQ)', () => {
  let t: TestBroker | undefined;
  afterEach(async () => {
    await stopBroker(t);
    t = undefined;
  });

  it('lists dead letters without consuming them, replays one into its origin as the next attempt, and drops another', async () => {
    t = await startBroker(uniquePrefix());
    const { broker } = t;
    let failing = true;
    const handled: { id: string; attempt: number }[] = [];
    await broker.consume(QUEUES.agentExecution, JobExecute, async (message, ctx) => {
      if (failing) throw new PermanentError(`agent ${message.payload.agent} is broken`);
      handled.push({ id: message.id, attempt: ctx.attempt });
    });
    const sent = [jobExecute({ agent: 'a' }), jobExecute({ agent: 'b' }), jobExecute({ agent: 'c' })];
    for (const m of sent) await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, m, { priority: 3 });
    await waitFor(async () => (await broker.queueDepth(QUEUES.deadLetter)).messages === 3, 5_000, 'three dead letters');

    const listed = await broker.listDeadLetters(10);
    expect(listed.total).toBe(3);
    expect(listed.items.map((i) => i.messageId)).toEqual(sent.map((m) => m.id));
    expect(listed.items[0]).toMatchObject({
      type: 'job.execute',
      jobId: sent[0]!.jobId,
      correlationId: sent[0]!.correlationId,
      originQueue: QUEUES.agentExecution,
      reason: expect.stringMatching(/agent a is broken/),
      replayable: true,
    });
    // Listing is a peek: everything is still there, in the same order.
    await waitFor(async () => (await broker.queueDepth(QUEUES.deadLetter)).messages === 3, 5_000, 'peeked messages requeued');
    expect((await broker.listDeadLetters(2)).items.map((i) => i.messageId)).toEqual(sent.slice(0, 2).map((m) => m.id));

    failing = false;
    await expect(broker.settleDeadLetter(sent[1]!.id, 'replay')).resolves.toEqual({ found: true, queue: QUEUES.agentExecution });
    await waitFor(() => handled.length === 1, 5_000, 'replayed message handled');
    // It failed on attempt 1 (PermanentError, no retries); the replay is attempt 2.
    expect(handled[0]).toMatchObject({ id: sent[1]!.id, attempt: 2 });

    await expect(broker.settleDeadLetter(sent[2]!.id, 'drop')).resolves.toEqual({ found: true, queue: null });
    await expect(broker.settleDeadLetter(sent[2]!.id, 'drop')).resolves.toEqual({ found: false, queue: null });
    await waitFor(async () => (await broker.queueDepth(QUEUES.deadLetter)).messages === 1, 5_000, 'one left');
    const left = await broker.listDeadLetters(10);
    expect(left.items.map((i) => i.messageId)).toEqual([sent[0]!.id]);
    expect(handled).toHaveLength(1);
  });

  it('refuses to replay a dead letter whose origin header names no work queue', async () => {
    t = await startBroker(uniquePrefix());
    const { broker } = t;
    const forged = jobExecute();
    // A message that reached the dead-letter exchange claiming to come from the auth RPC queue.
    await broker.publish(EXCHANGES.deadLetter, '', forged, { headers: { [HEADERS.originQueue]: QUEUES.authRpc } });
    await waitFor(async () => (await broker.queueDepth(QUEUES.deadLetter)).messages === 1, 5_000, 'dead letter');
    expect((await broker.listDeadLetters(5)).items[0]).toMatchObject({ messageId: forged.id, replayable: false });
    await expect(broker.settleDeadLetter(forged.id, 'replay')).resolves.toEqual({ found: true, queue: null, notReplayable: true });
    await waitFor(async () => (await broker.queueDepth(QUEUES.deadLetter)).messages === 1, 5_000, 'still there');
  });
});
