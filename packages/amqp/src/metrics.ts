import { Counter, Histogram, type Registry } from 'prom-client';

export type ConsumeOutcome = 'ack' | 'retry' | 'dead_letter';
/** Why a message was dead-lettered, as a bounded label set. */
export type DeadLetterKind = 'invalid_json' | 'schema' | 'permanent' | 'handler' | 'retries_exhausted';

export interface AmqpMetrics {
  published(exchange: string): void;
  consumed(queue: string, outcome: ConsumeOutcome): void;
  retried(queue: string): void;
  deadLettered(queue: string, kind: DeadLetterKind): void;
  reconnected(): void;
  /** Returns a function that records the elapsed handler time when called. */
  startHandlerTimer(queue: string): () => void;
}

/** Re-uses a metric another Broker in the same process already registered on this registry. */
function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** No-op metrics when no registry is given, so the broker code never branches on it. */
export function createAmqpMetrics(registry?: Registry): AmqpMetrics {
  if (!registry) {
    return {
      published: () => undefined,
      consumed: () => undefined,
      retried: () => undefined,
      deadLettered: () => undefined,
      reconnected: () => undefined,
      startHandlerTimer: () => () => undefined,
    };
  }
  const registers = [registry];
  const published = getOrCreate(
    registry,
    'oca_amqp_messages_published_total',
    () =>
      new Counter({
        name: 'oca_amqp_messages_published_total',
        help: 'Messages confirmed by the broker, by exchange (unprefixed; "default" for direct-to-queue)',
        labelNames: ['exchange'],
        registers,
      }),
  );
  const consumed = getOrCreate(
    registry,
    'oca_amqp_messages_consumed_total',
    () =>
      new Counter({
        name: 'oca_amqp_messages_consumed_total',
        help: 'Messages settled by consumers, by queue and outcome (ack, retry, dead_letter)',
        labelNames: ['queue', 'outcome'],
        registers,
      }),
  );
  const retried = getOrCreate(
    registry,
    'oca_amqp_messages_retried_total',
    () =>
      new Counter({
        name: 'oca_amqp_messages_retried_total',
        help: 'Messages moved to a retry queue, by work queue',
        labelNames: ['queue'],
        registers,
      }),
  );
  const deadLettered = getOrCreate(
    registry,
    'oca_amqp_messages_dead_lettered_total',
    () =>
      new Counter({
        name: 'oca_amqp_messages_dead_lettered_total',
        help: 'Messages sent to the dead-letter exchange, by origin queue and reason kind',
        labelNames: ['queue', 'reason_kind'],
        registers,
      }),
  );
  const reconnects = getOrCreate(
    registry,
    'oca_amqp_reconnects_total',
    () => new Counter({ name: 'oca_amqp_reconnects_total', help: 'Connections re-established after a drop', registers }),
  );
  const duration = getOrCreate(
    registry,
    'oca_amqp_handler_duration_seconds',
    () =>
      new Histogram({
        name: 'oca_amqp_handler_duration_seconds',
        help: 'Consumer handler run time, by queue',
        labelNames: ['queue'],
        buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers,
      }),
  );
  return {
    published: (exchange) => published.inc({ exchange: exchange === '' ? 'default' : exchange }),
    consumed: (queue, outcome) => consumed.inc({ queue, outcome }),
    retried: (queue) => retried.inc({ queue }),
    deadLettered: (queue, kind) => deadLettered.inc({ queue, reason_kind: kind }),
    reconnected: () => reconnects.inc(),
    startHandlerTimer: (queue) => duration.startTimer({ queue }),
  };
}
