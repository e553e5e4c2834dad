/**
 * Exchange, queue and routing-key names.
 *
 * WARNING: these names are a public API between services and with the broker's stored state.
 * Renaming one orphans durable queues and in-flight messages: it needs a migration plan
 * (declare the new name, bind both, drain the old one), never a plain edit.
 */
export const EXCHANGES = {
  /** direct: job.execute → agent-execution */
  jobs: 'oca.jobs',
  /** fanout: every job.started / job.completed goes to each subscriber queue */
  completions: 'oca.completions',
  /** topic: domain events for analytics (job.*, webhook.*) */
  events: 'oca.events',
  /** direct: webhook.deliver → webhook-delivery */
  webhooks: 'oca.webhooks',
  /** direct: RPC requests routed by service name */
  rpc: 'oca.rpc',
  /** direct: routes expired retry messages back to their work queue (routing key = queue name) */
  retry: 'oca.retry',
  /** fanout: terminal failures with the reason in headers */
  deadLetter: 'oca.dead-letter',
} as const;

export const QUEUES = {
  agentExecution: 'agent-execution',
  agentCompletion: 'agent-completion',
  webhookDelivery: 'webhook-delivery',
  authRpc: 'auth.rpc',
  /** The cache service's copy of every completion (bound to the oca.completions fanout) */
  cacheCompletions: 'cache.completions',
  cacheRpc: 'cache.rpc',
  /** The analytics service's copy of every domain event (bound to the oca.events topic with `#`) */
  analyticsEvents: 'analytics.events',
  analyticsRpc: 'analytics.rpc',
  deadLetter: 'dead-letter',
} as const;

export const ROUTING_KEYS = {
  jobExecute: 'job.execute',
  webhookDeliver: 'webhook.deliver',
  authRpc: 'auth.rpc',
  cacheRpc: 'cache.rpc',
  analyticsRpc: 'analytics.rpc',
} as const;

/**
 * Length bound of `analytics.events` (queue argument `x-max-length`, `x-overflow: drop-head`): a
 * long analytics outage drops the oldest events instead of filling the broker. Every service
 * declares the queue with this value (RabbitMQ refuses a re-declaration with other arguments);
 * operators lower it without a redeploy with a RabbitMQ policy (`max-length`; the lower applies).
 */
export const ANALYTICS_EVENTS_MAX_LENGTH = 200_000;

/** Message headers carried across queues so logs can follow one job end to end. */
export const HEADERS = {
  correlationId: 'x-correlation-id',
  jobId: 'x-job-id',
  attempt: 'x-attempt',
  deadLetterReason: 'x-dead-letter-reason',
  originQueue: 'x-origin-queue',
} as const;

export type ExchangeName = (typeof EXCHANGES)[keyof typeof EXCHANGES];
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
