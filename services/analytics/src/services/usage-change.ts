import type { DomainEvent } from '@oca/contracts';

/** What one event adds to its (user, day, agent) usage row. */
export interface UsageDelta {
  submitted: number;
  succeeded: number;
  failed: number;
  cacheHits: number;
  computeMs: number;
}

export interface UsageChange {
  userId: string;
  /** UTC day of the event's createdAt, YYYY-MM-DD */
  day: string;
  agent: string;
  delta: UsageDelta;
}

const ZERO: UsageDelta = { submitted: 0, succeeded: 0, failed: 0, cacheHits: 0, computeMs: 0 };

/**
 * The usage rollup change an event makes, or null when it makes none (webhook and auth events,
 * canceled jobs). A cache hit counts as submitted (job.submitted), succeeded (job.completed, no
 * run time) and a cache hit (job.cache_hit): three events, each counted once.
 */
export function usageChangeOf(event: DomainEvent): UsageChange | null {
  const day = event.createdAt.slice(0, 10);
  switch (event.type) {
    case 'event.job.submitted':
      return { userId: event.payload.userId, day, agent: event.payload.agent, delta: { ...ZERO, submitted: 1 } };
    case 'event.job.cache_hit':
      return { userId: event.payload.userId, day, agent: event.payload.agent, delta: { ...ZERO, cacheHits: 1 } };
    case 'event.job.completed': {
      const { status, runMs } = event.payload;
      if (status === 'canceled') return null;
      const delta = { ...ZERO, [status]: 1, computeMs: Math.round(runMs ?? 0) };
      return { userId: event.payload.userId, day, agent: event.payload.agent, delta };
    }
    default:
      return null;
  }
}
