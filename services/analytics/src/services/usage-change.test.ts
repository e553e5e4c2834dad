import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@oca/contracts';
import { usageChangeOf } from './usage-change';

const userId = randomUUID();
const base = { v: 1 as const, id: randomUUID(), jobId: null, correlationId: 'c', createdAt: '2026-12-01T23:59:59.999Z' };
const job = { agent: 'market', userId };

describe('usageChangeOf', () => {
  it('counts a job on the UTC day of its event, run time only for jobs that ran', () => {
    const completed = { ...base, type: 'event.job.completed', payload: { ...job, status: 'failed', runMs: 12.6 } } as DomainEvent;
    expect(usageChangeOf(completed)).toEqual({
      userId,
      day: '2026-12-01',
      agent: 'market',
      delta: { submitted: 0, succeeded: 0, failed: 1, cacheHits: 0, computeMs: 13 },
    });
    const hit = { ...base, type: 'event.job.completed', payload: { ...job, status: 'succeeded', cache: 'hit' } } as DomainEvent;
    expect(usageChangeOf(hit)?.delta).toEqual({ submitted: 0, succeeded: 1, failed: 0, cacheHits: 0, computeMs: 0 });
    expect(usageChangeOf({ ...base, type: 'event.job.cache_hit', payload: job } as DomainEvent)?.delta.cacheHits).toBe(1);
    expect(usageChangeOf({ ...base, type: 'event.job.submitted', payload: job } as DomainEvent)?.delta.submitted).toBe(1);
  });

  it('leaves canceled jobs, webhooks and auth events out of the rollups', () => {
    expect(usageChangeOf({ ...base, type: 'event.job.completed', payload: { ...job, status: 'canceled' } } as DomainEvent)).toBeNull();
    expect(usageChangeOf({ ...base, type: 'event.auth.login_failed', payload: { reason: 'x' } } as DomainEvent)).toBeNull();
  });
});
