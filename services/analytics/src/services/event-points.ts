import { Point } from '@influxdata/influxdb-client';
import type { DomainEvent } from '@oca/contracts';

/** The InfluxDB measurements this service writes. */
export type Measurement = 'jobs' | 'webhooks' | 'auth';

export interface EventPoint {
  measurement: Measurement;
  point: Point;
}

/** `event.job.cache_hit` → `cache_hit`: the `event` tag. */
const eventTag = (type: DomainEvent['type']) => type.slice(type.lastIndexOf('.') + 1);

function tagged(measurement: Measurement, event: DomainEvent, tags: Record<string, string | undefined>): Point {
  const point = new Point(measurement).timestamp(new Date(event.createdAt)).tag('event', eventTag(event.type)).intField('count', 1);
  for (const [name, value] of Object.entries(tags)) if (value !== undefined) point.tag(name, value);
  return point;
}

/**
 * One point per event, timestamped with the event's createdAt (ms). Tags are the low-cardinality
 * dimensions operators group by (agent, network, plan, status, cache, outcome); user ids are not
 * tags (unbounded series) — per-user questions are answered by the PostgreSQL rollups.
 */
export function pointOf(event: DomainEvent): EventPoint {
  switch (event.type) {
    case 'event.job.submitted':
    case 'event.job.cache_hit': {
      const { agent, network, plan, cache } = event.payload;
      return { measurement: 'jobs', point: tagged('jobs', event, { agent, network, plan, cache }) };
    }
    case 'event.job.completed': {
      const { agent, network, plan, cache, status, errorCode, queueMs, runMs, rpcCalls } = event.payload;
      const point = tagged('jobs', event, { agent, network, plan, cache, status, errorCode });
      if (queueMs !== undefined) point.floatField('queueMs', queueMs);
      if (runMs !== undefined) point.floatField('runMs', runMs);
      if (rpcCalls !== undefined) point.intField('rpcCalls', rpcCalls);
      return { measurement: 'jobs', point };
    }
    case 'event.webhook.delivered':
    case 'event.webhook.failed': {
      const { agent, outcome, final, attempt, statusCode, durationMs } = event.payload;
      const point = tagged('webhooks', event, { agent, outcome, final: String(final) }).intField('attempt', attempt).floatField('durationMs', durationMs);
      if (statusCode !== null) point.intField('statusCode', statusCode);
      return { measurement: 'webhooks', point };
    }
    case 'event.auth.registered':
      return { measurement: 'auth', point: tagged('auth', event, { plan: event.payload.plan }) };
    case 'event.auth.login_failed':
      return { measurement: 'auth', point: tagged('auth', event, { reason: event.payload.reason }) };
  }
}
