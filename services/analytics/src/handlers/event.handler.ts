import { TransientError, type Broker, type ConsumeContext, type Consumer } from '@oca/amqp';
import { EventMessage, eventsOf, QUEUES, type DomainEvent } from '@oca/contracts';
import type { AnalyticsMetrics } from '../metrics';
import { pointOf, type EventPoint } from '../services/event-points';
import type { InfluxWriter } from '../services/influx-writer';
import { usageChangeOf } from '../services/usage-change';
import type { UsageStore } from '../services/usage-store';

export interface EventHandlerOptions {
  broker: Pick<Broker, 'consume'>;
  usage: Pick<UsageStore, 'apply'>;
  /** Absent when INFLUX_URL is unset: rollups only */
  influx?: Pick<InfluxWriter, 'write'>;
  metrics: AnalyticsMetrics;
  /** ANALYTICS_PREFETCH */
  prefetch: number;
}

/**
 * Consumes `analytics.events`: the usage rollup first (idempotent per event id), then the time
 * series point. Either failing throws TransientError, so the event comes back through the retry
 * queues and is acked only once both are stored: a redelivery skips the rollup (its id is
 * recorded) and writes the point it could not write before. An InfluxDB outage therefore waits
 * in RabbitMQ (then the dead-letter queue, replayable) instead of losing events.
 */
export class EventHandler {
  private consumer: Consumer | undefined;

  constructor(private readonly options: EventHandlerOptions) {}

  async start(): Promise<void> {
    this.consumer = await this.options.broker.consume(QUEUES.analyticsEvents, EventMessage, (message, ctx) => this.handleMessage(message, ctx), {
      prefetch: this.options.prefetch,
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.cancel();
  }

  /**
   * One event, or a batch of one type's events (EventPublisher's bursts): each handled as if it
   * came alone, side by side (their rollups share the usage store's transaction). One failing
   * brings the whole message back; the redelivery skips the rollups already recorded.
   */
  async handleMessage(message: EventMessage, ctx: Pick<ConsumeContext, 'log'>): Promise<void> {
    await Promise.all(eventsOf(message).map((event) => this.handle(event, ctx)));
  }

  async handle(event: DomainEvent, ctx: Pick<ConsumeContext, 'log'>): Promise<void> {
    const change = usageChangeOf(event);
    let outcome = 'no_rollup';
    if (change) {
      try {
        outcome = await this.options.usage.apply(event.id, change);
      } catch (err) {
        throw new TransientError(`usage rollup failed: ${(err as Error).message}`);
      }
    }
    if (this.options.influx) await this.writePoint(this.options.influx, pointOf(event));
    this.options.metrics.events.inc({ type: event.type, outcome });
    ctx.log.debug({ type: event.type, outcome }, 'event stored');
  }

  private async writePoint(influx: Pick<InfluxWriter, 'write'>, point: EventPoint): Promise<void> {
    try {
      await influx.write(point);
    } catch (err) {
      throw new TransientError(`influx write failed: ${(err as Error).message}`);
    }
  }
}
