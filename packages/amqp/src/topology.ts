import { ANALYTICS_EVENTS_MAX_LENGTH, EXCHANGES, QUEUES, ROUTING_KEYS, type QueueName } from '@oca/contracts';
import type { Channel, Options } from 'amqplib';

/**
 * The whole broker topology in one place. Every channel's setup function declares the shared part
 * (exchanges, work queues, bindings, dead-letter; idempotent), so whichever channel comes back first
 * after a reconnect finds them, even on a broker that lost its state. A work queue's retry queues are
 * declared only by its consumer: their TTLs are that consumer's back-off configuration, and a
 * service that merely publishes must not declare them with other (default) TTLs — RabbitMQ refuses
 * a re-declaration with different arguments.
 */

/** Back-off steps (ms) of each work queue; see BrokerOptions.retryDelaysMs. */
export const DEFAULT_RETRY_DELAYS_MS: Readonly<Record<QueueName, readonly number[]>> = {
  [QUEUES.agentExecution]: [1_000, 5_000, 30_000],
  [QUEUES.agentCompletion]: [1_000, 5_000, 30_000],
  [QUEUES.webhookDelivery]: [5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000],
  // A fill that waits out a Redis outage is still worth having (a miss otherwise).
  [QUEUES.cacheCompletions]: [1_000, 5_000, 30_000],
  // An RPC caller waits seconds at most: a late answer helps nobody.
  [QUEUES.authRpc]: [],
  [QUEUES.cacheRpc]: [],
  // Waits out an InfluxDB or PostgreSQL outage of about 12 minutes before a dead letter (replayable).
  [QUEUES.analyticsEvents]: [1_000, 5_000, 30_000, 120_000, 600_000],
  [QUEUES.analyticsRpc]: [],
  [QUEUES.deadLetter]: [],
};

/**
 * analytics.events is bounded: a long analytics outage drops the oldest events (drop-head) rather
 * than filling the broker's disk. RabbitMQ does not tell anyone what it dropped; see the README
 * (published − consumed − depth) for how drops are counted.
 */
const EVENTS_BOUND_ARGS = { 'x-max-length': ANALYTICS_EVENTS_MAX_LENGTH, 'x-overflow': 'drop-head' };

/** RabbitMQ 3.x classic-queue priorities; contracts MAX_PRIORITY is the same ceiling. */
export const MAX_QUEUE_PRIORITY = 9;

export interface ExchangeDecl {
  name: string;
  type: 'direct' | 'fanout' | 'topic';
}
export interface QueueDecl {
  name: string;
  args: Record<string, unknown>;
}
export interface BindingDecl {
  queue: string;
  exchange: string;
  routingKey: string;
}

export interface TopologyPlan {
  exchanges: ExchangeDecl[];
  /** Work queues and the dead-letter queue. */
  queues: QueueDecl[];
  /** Retry queues per logical work queue, declared by that queue's consumer. */
  retryQueueDecls: Map<string, QueueDecl[]>;
  bindings: BindingDecl[];
  /** Prefixed retry queue names per logical work queue: index i holds the (i+1)-th back-off step. */
  retryQueues: Map<string, string[]>;
}

export interface TopologyConfig {
  prefix: string;
  queueType: 'classic' | 'quorum';
  retryDelaysMs: Record<string, readonly number[]>;
}

/** `<prefix><base>`; the default exchange ('') and amq.* names are never prefixed. */
export function prefixed(prefix: string, base: string): string {
  return base === '' || base.startsWith('amq.') ? base : `${prefix}${base}`;
}

export function retryQueueName(prefixedQueue: string, step: number): string {
  return `${prefixedQueue}.retry.${step}`;
}

const WORK_QUEUES: readonly QueueName[] = [
  QUEUES.agentExecution,
  QUEUES.agentCompletion,
  QUEUES.webhookDelivery,
  QUEUES.authRpc,
  QUEUES.cacheCompletions,
  QUEUES.cacheRpc,
  QUEUES.analyticsEvents,
  QUEUES.analyticsRpc,
];

const EXCHANGE_TYPES: Record<(typeof EXCHANGES)[keyof typeof EXCHANGES], ExchangeDecl['type']> = {
  [EXCHANGES.jobs]: 'direct',
  [EXCHANGES.completions]: 'fanout',
  [EXCHANGES.events]: 'topic',
  [EXCHANGES.webhooks]: 'direct',
  [EXCHANGES.rpc]: 'direct',
  [EXCHANGES.retry]: 'direct',
  [EXCHANGES.deadLetter]: 'fanout',
};

/** Pure: what to declare for this configuration (unit-tested without a broker). */
export function planTopology(config: TopologyConfig): TopologyPlan {
  const n = (base: string) => prefixed(config.prefix, base);
  const typeArgs = config.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {};

  const exchanges = Object.entries(EXCHANGE_TYPES).map(([name, type]) => ({ name: n(name), type }));
  const queues: QueueDecl[] = [];
  const bindings: BindingDecl[] = [
    { queue: n(QUEUES.agentExecution), exchange: n(EXCHANGES.jobs), routingKey: ROUTING_KEYS.jobExecute },
    { queue: n(QUEUES.agentCompletion), exchange: n(EXCHANGES.completions), routingKey: '' },
    { queue: n(QUEUES.webhookDelivery), exchange: n(EXCHANGES.webhooks), routingKey: ROUTING_KEYS.webhookDeliver },
    { queue: n(QUEUES.authRpc), exchange: n(EXCHANGES.rpc), routingKey: ROUTING_KEYS.authRpc },
    // Declared by every service, not only by the cache: completions published while the cache
    // service is down (or not yet deployed) wait in its queue and fill the cache when it starts.
    { queue: n(QUEUES.cacheCompletions), exchange: n(EXCHANGES.completions), routingKey: '' },
    { queue: n(QUEUES.cacheRpc), exchange: n(EXCHANGES.rpc), routingKey: ROUTING_KEYS.cacheRpc },
    // Like cache.completions: declared by every publisher, so events wait for analytics to start.
    { queue: n(QUEUES.analyticsEvents), exchange: n(EXCHANGES.events), routingKey: '#' },
    { queue: n(QUEUES.analyticsRpc), exchange: n(EXCHANGES.rpc), routingKey: ROUTING_KEYS.analyticsRpc },
    { queue: n(QUEUES.deadLetter), exchange: n(EXCHANGES.deadLetter), routingKey: '' },
  ];
  const retryQueues = new Map<string, string[]>();
  const retryQueueDecls = new Map<string, QueueDecl[]>();

  for (const queue of WORK_QUEUES) {
    const name = n(queue);
    const priorityArgs =
      queue === QUEUES.agentExecution && config.queueType === 'classic' ? { 'x-max-priority': MAX_QUEUE_PRIORITY } : {};
    queues.push({ name, args: { ...typeArgs, ...priorityArgs, ...(queue === QUEUES.analyticsEvents ? EVENTS_BOUND_ARGS : {}) } });
    // oca.retry routes by queue name to the work queue, for tools that re-drive messages by hand.
    bindings.push({ queue: name, exchange: n(EXCHANGES.retry), routingKey: name });

    const delays = config.retryDelaysMs[queue] ?? [];
    const decls: QueueDecl[] = [];
    const names = delays.map((delayMs, i) => {
      const retryName = retryQueueName(name, i + 1);
      // A retry queue has no consumer: messages wait out their TTL, then the default exchange
      // ('' + routing key = work queue name) puts them back on the work queue.
      decls.push({
        name: retryName,
        args: {
          ...typeArgs,
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': name,
        },
      });
      return retryName;
    });
    retryQueues.set(queue, names);
    retryQueueDecls.set(queue, decls);
  }
  queues.push({ name: n(QUEUES.deadLetter), args: { ...typeArgs } });

  return { exchanges, queues, bindings, retryQueues, retryQueueDecls };
}

/**
 * Declares the shared plan on `channel`, plus the retry queues of `consumedQueue` (logical name)
 * when given; durable everything. Run from every channel's setup function.
 */
export async function declareTopology(channel: Channel, plan: TopologyPlan, consumedQueue?: string): Promise<void> {
  await Promise.all(plan.exchanges.map((e) => channel.assertExchange(e.name, e.type, { durable: true })));
  const queues = [...plan.queues, ...(consumedQueue ? (plan.retryQueueDecls.get(consumedQueue) ?? []) : [])];
  await Promise.all(
    queues.map((q) => channel.assertQueue(q.name, { durable: true, arguments: q.args } satisfies Options.AssertQueue)),
  );
  await Promise.all(plan.bindings.map((b) => channel.bindQueue(b.queue, b.exchange, b.routingKey)));
}

/** Deletes every queue and exchange of the plan (tests). */
export async function deleteTopology(channel: Channel, plan: TopologyPlan): Promise<void> {
  const retries = [...plan.retryQueueDecls.values()].flat();
  await Promise.all([...plan.queues, ...retries].map((q) => channel.deleteQueue(q.name)));
  await Promise.all(plan.exchanges.map((e) => channel.deleteExchange(e.name)));
}
