import { EXCHANGES, JobExecute, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import { TransientError } from '../src';
import { jobExecute, startBroker, stopBroker, uniquePrefix, waitFor, type TestBroker } from './helpers';

describe('quorum queues (real RabbitMQ)', () => {
  let t: TestBroker | undefined;
  afterEach(async () => {
    await stopBroker(t);
    t = undefined;
  });

  it('declares the topology as quorum queues and retries through them', async () => {
    t = await startBroker(uniquePrefix(), { queueType: 'quorum' });
    const attempts: number[] = [];
    await t.broker.consume(QUEUES.agentExecution, JobExecute, async (_message, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) throw new TransientError('again');
    });
    await t.broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, jobExecute());
    await waitFor(() => attempts.length === 2, 5_000, 'retry through a quorum retry queue');
    expect(attempts).toEqual([1, 2]);
  });
});
