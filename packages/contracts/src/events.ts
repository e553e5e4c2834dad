import { z } from 'zod';
import { JobCache } from './api';
import { JobErrorCode, Network, Role } from './common';
import { envelope } from './envelope-schema';

/**
 * Domain events on the `oca.events` topic exchange, for analytics. The envelope `type` is
 * `event.<name>` (`job.completed` already names the completions-fanout message) and the routing
 * key is `<name>` (EVENT_ROUTING_KEY): bind `job.#`, `webhook.#`, `auth.#` or `#`.
 * Publishers never let an event block or fail a request (EventPublisher in @oca/amqp): events are
 * best-effort telemetry, never the source of truth for billing or quotas.
 */

/** Who and what a job event is about: the tags of the `jobs` time series. */
const JobFacts = {
  agent: z.string().min(1).max(64),
  /** The params' network; absent for agents without one */
  network: Network.optional(),
  userId: z.uuid(),
  /** The owner's role (plan) at submission, kept on the job for its later events; absent for jobs from before it was kept */
  plan: Role.optional(),
  /** How the result cache answered the job */
  cache: JobCache.shape.status.optional(),
};

export const JobSubmittedEvent = envelope('event.job.submitted', z.object(JobFacts));
export type JobSubmittedEvent = z.infer<typeof JobSubmittedEvent>;

export const JobCompletedEvent = envelope(
  'event.job.completed',
  z.object({
    ...JobFacts,
    status: z.enum(['succeeded', 'failed', 'canceled']),
    errorCode: JobErrorCode.optional(),
    /** startedAt − createdAt, in ms; absent when the job never started (cache hit, cancel while queued) */
    queueMs: z.number().nonnegative().optional(),
    /** finishedAt − startedAt, in ms; absent when the job never started */
    runMs: z.number().nonnegative().optional(),
    /** Chain JSON-RPC calls of the run (its last attempt), when the executor reported them; absent for cache hits, followers, cancels and sweeps */
    rpcCalls: z.number().int().min(0).optional(),
  }),
);
export type JobCompletedEvent = z.infer<typeof JobCompletedEvent>;

export const JobCacheHitEvent = envelope(
  'event.job.cache_hit',
  z.object({ ...JobFacts, sourceJobId: z.uuid().optional(), ageSeconds: z.number().int().min(0).optional() }),
);
export type JobCacheHitEvent = z.infer<typeof JobCacheHitEvent>;

const WebhookFacts = z.object({
  agent: z.string().min(1).max(64),
  userId: z.uuid(),
  /** 1-based delivery attempt */
  attempt: z.number().int().min(1),
  /** delivered; failed (will be retried unless `final`), rejected (SSRF rules), gone (HTTP 410) */
  outcome: z.enum(['delivered', 'failed', 'rejected', 'gone']),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** No further attempt follows */
  final: z.boolean(),
});
export const WebhookDeliveredEvent = envelope('event.webhook.delivered', WebhookFacts);
export type WebhookDeliveredEvent = z.infer<typeof WebhookDeliveredEvent>;
export const WebhookFailedEvent = envelope('event.webhook.failed', WebhookFacts);
export type WebhookFailedEvent = z.infer<typeof WebhookFailedEvent>;

export const AuthRegisteredEvent = envelope('event.auth.registered', z.object({ userId: z.uuid(), plan: Role }));
export type AuthRegisteredEvent = z.infer<typeof AuthRegisteredEvent>;

/** No user id or email: a failed login may name an account that does not exist, or someone else's. */
export const AuthLoginFailedEvent = envelope('event.auth.login_failed', z.object({ reason: z.string().min(1).max(64) }));
export type AuthLoginFailedEvent = z.infer<typeof AuthLoginFailedEvent>;

export const EVENT_CATALOG = {
  'event.job.submitted': JobSubmittedEvent,
  'event.job.completed': JobCompletedEvent,
  'event.job.cache_hit': JobCacheHitEvent,
  'event.webhook.delivered': WebhookDeliveredEvent,
  'event.webhook.failed': WebhookFailedEvent,
  'event.auth.registered': AuthRegisteredEvent,
  'event.auth.login_failed': AuthLoginFailedEvent,
} as const;
export type EventType = keyof typeof EVENT_CATALOG;
export type DomainEvent = z.infer<(typeof EVENT_CATALOG)[EventType]>;

/** Every event, by its envelope type: what `analytics.events` carries. */
export const DomainEvent = z.discriminatedUnion('type', [
  JobSubmittedEvent,
  JobCompletedEvent,
  JobCacheHitEvent,
  WebhookDeliveredEvent,
  WebhookFailedEvent,
  AuthRegisteredEvent,
  AuthLoginFailedEvent,
]);

/** At most this many events ride in one `event.batch` message. */
export const EVENT_BATCH_MAX = 500;

/**
 * Several events of one type in one message (routing key: that type's, so bindings by type keep
 * working): what a publisher sends when events pile up faster than the broker confirms them —
 * one message, one confirm and one delivery for many events. Each event keeps its own envelope
 * (id, jobId, correlationId); consumers handle them one by one (idempotent per event id).
 */
export const EventBatch = envelope('event.batch', z.object({ events: z.array(DomainEvent).min(1).max(EVENT_BATCH_MAX) }));
export type EventBatch = z.infer<typeof EventBatch>;

/** What `analytics.events` carries: one event, or a batch of events of one type. */
export const EventMessage = z.union([DomainEvent, EventBatch]);
export type EventMessage = z.infer<typeof EventMessage>;

/** The events a message carries, in order. */
export function eventsOf(message: EventMessage): DomainEvent[] {
  return message.type === 'event.batch' ? message.payload.events : [message];
}

/** The routing key of an event on `oca.events`: its type without the `event.` prefix (`job.completed`). */
export function eventRoutingKey(type: EventType): string {
  return type.slice('event.'.length);
}
