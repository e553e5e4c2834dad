import { randomUUID } from 'node:crypto';
import type { FinishedJob, Job } from './job';
import { publishFinished, publishSubmitted, type JobEvents } from './job-events';

function recorder(): JobEvents & { sent: { type: string; payload: Record<string, unknown> }[] } {
  const sent: { type: string; payload: Record<string, unknown> }[] = [];
  return { sent, publish: ((type: string, payload: Record<string, unknown>) => void sent.push({ type, payload })) as JobEvents['publish'] };
}

const created = new Date('2026-12-01T10:00:00.000Z');
const job = (over: Partial<Job> = {}): Job => ({
  id: randomUUID(),
  userId: randomUUID(),
  agent: 'address',
  params: { network: 'devnet', address: `0x${'ab'.repeat(20)}` },
  priority: 4,
  status: 'queued',
  result: null,
  error: null,
  webhookUrl: null,
  correlationId: 'c-1',
  idempotencyKey: null,
  requestHash: null,
  createdAt: created,
  enqueuedAt: created,
  startedAt: null,
  finishedAt: null,
  cache: { status: 'miss' },
  leaderJobId: null,
  plan: 'premium',
  ...over,
});
const finished = (over: Partial<Job>) => job({ status: 'succeeded', ...over }) as FinishedJob;

describe('job events', () => {
  it('job.submitted carries the plan of the request', () => {
    const events = recorder();
    publishSubmitted(events, job({ plan: null }), 'user');
    expect(events.sent).toEqual([{ type: 'event.job.submitted', payload: expect.objectContaining({ plan: 'user', network: 'devnet', cache: 'miss' }) }]);
  });

  it('job.completed carries the plan kept on the job, the run time and the RPC calls the executor reported', () => {
    const events = recorder();
    const ran = finished({ status: 'failed', error: { code: 'rpc_error', message: 'x', retryable: true }, startedAt: new Date(created.getTime() + 20), finishedAt: new Date(created.getTime() + 320) });
    publishFinished(events, ran, { correlationId: 'c-2', rpcCalls: 9 });
    expect(events.sent).toEqual([
      {
        type: 'event.job.completed',
        payload: { agent: 'address', userId: ran.userId, network: 'devnet', plan: 'premium', cache: 'miss', status: 'failed', errorCode: 'rpc_error', queueMs: 20, runMs: 300, rpcCalls: 9 },
      },
    ]);
  });

  it('a cache hit: job.completed and job.cache_hit with the plan, and no run figures', () => {
    const events = recorder();
    const source = randomUUID();
    publishFinished(events, finished({ plan: 'admin', cache: { status: 'hit', sourceJobId: source, ageSeconds: 3 } }), { correlationId: 'c-3' });
    expect(events.sent.map((e) => [e.type, e.payload.plan])).toEqual([
      ['event.job.completed', 'admin'],
      ['event.job.cache_hit', 'admin'],
    ]);
    expect(events.sent[0]!.payload).not.toHaveProperty('rpcCalls');
    expect(events.sent[0]!.payload).not.toHaveProperty('runMs');
    expect(events.sent[1]!.payload).toMatchObject({ sourceJobId: source, ageSeconds: 3 });
  });

  it('a job from before plans were kept has no plan; nothing is sent without a publisher', () => {
    const events = recorder();
    publishFinished(events, finished({ plan: null, params: null, cache: null }), { correlationId: 'c-4' });
    expect(events.sent[0]!.payload).toEqual({ agent: 'address', userId: expect.any(String), status: 'succeeded' });
    expect(() => publishFinished(undefined, finished({}), { correlationId: 'c-5' })).not.toThrow();
  });
});
