import { EXCHANGES, eventRoutingKey, type EventType, type Message } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Broker } from './broker';
import { newEnvelope, type EnvelopeIds } from './envelope';
import { MessageValidationError } from './errors';

/** Why an event never reached the broker: the `reason` label of oca_amqp_events_dropped_total. */
export type EventDropReason = 'buffer_full' | 'invalid' | 'closed';

export interface EventPublisherOptions {
  broker: Pick<Broker, 'publish'>;
  logger: Logger;
  /** Where oca_amqp_events_dropped_total and oca_amqp_events_buffered go (re-used when already there). */
  registry?: Registry;
  /**
   * Events held in memory while the broker has not confirmed them; when full, the newest event is
   * dropped (and counted), so a broker outage costs memory up to this bound and nothing more.
   * @default 10000
   */
  maxBuffered?: number;
  /**
   * Events taken from the buffer per round. A round sends one message per event type: the type's
   * events as one `event.batch` (a single event as itself), so a burst costs the broker one
   * persistent, confirmed message per type and round instead of one per event. @default 100
   */
  batchSize?: number;
  /** Pause after a round with failed publishes (broker down, not confirmed in time) before trying again. @default 1000 */
  retryDelayMs?: number;
}

/**
 * Publishes domain events to `oca.events` off the request path. `publish()` only appends to a
 * bounded in-memory buffer: it never awaits the broker and never throws, so an event can neither
 * slow nor fail a user's request. A background loop sends the buffer with confirmed publishes,
 * the events of one type and round in one `event.batch` message; unconfirmed events go back to
 * the front and are retried after `retryDelayMs`. Events are
 * telemetry: a crash loses what is buffered, and a full buffer drops the newest (both counted or
 * bounded, never blocking).
 */
export class EventPublisher {
  private readonly buffer: Message<EventType>[] = [];
  private readonly maxBuffered: number;
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly dropped: (reason: EventDropReason) => void;
  private readonly buffered: (count: number) => void;
  private draining: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private closed = false;
  /** Why the last round's publishes failed, for the retry warning */
  private lastError: string | undefined;

  constructor(private readonly options: EventPublisherOptions) {
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.batchSize = options.batchSize ?? 100;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    ({ dropped: this.dropped, buffered: this.buffered } = eventMetrics(options.registry));
  }

  /** Events waiting for the broker. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Queues an event for publishing; returns at once, whatever the broker's state. */
  publish<T extends EventType>(type: T, payload: Message<T>['payload'], ids: EnvelopeIds): void {
    try {
      if (this.closed) return this.dropped('closed');
      if (this.buffer.length >= this.maxBuffered) return this.dropped('buffer_full');
      this.buffer.push(newEnvelope(type, payload, ids));
      this.buffered(this.buffer.length);
      this.kick();
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message, type, ...ids }, 'event not queued');
      this.dropped('invalid');
    }
  }

  /**
   * Stops taking events and waits up to `deadlineMs` for the buffer to reach the broker; whatever
   * is left is dropped (`closed`). Call before closing the broker. Safe to call twice.
   */
  async close(deadlineMs = 5_000): Promise<void> {
    this.closed = true;
    if (this.draining) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.draining, new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
      clearTimeout(timer);
    }
    this.wakeUp?.();
    const left = this.buffer.splice(0);
    for (let i = 0; i < left.length; i += 1) this.dropped('closed');
    this.buffered(0);
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // An event queued after the loop's last check but before this ran would otherwise wait.
      if (this.buffer.length > 0 && !this.closed) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Start after the caller's synchronous work: events published in one tick share a round.
    await Promise.resolve();
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      const retry = (await Promise.all([...groupByType(batch).values()].map((events) => this.send(events)))).flat();
      if (retry.length > 0) {
        // Back to the front (each type's in order); events that arrived meanwhile may now overflow the bound.
        const room = Math.max(0, this.maxBuffered - this.buffer.length);
        for (let i = room; i < retry.length; i += 1) this.dropped('buffer_full');
        this.buffer.unshift(...retry.slice(0, room));
        this.options.logger.warn({ failed: retry.length, err: this.lastError }, 'events not confirmed; retrying');
        if (this.closed) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.retryDelayMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
        if (this.closed) break;
      }
      this.buffered(this.buffer.length);
    }
  }

  /**
   * One type's events of a round: one message (a batch, or the event itself). Answers the events
   * to retry (not confirmed). A batch its schema refuses is sent again event by event, so only the
   * invalid events are dropped.
   */
  private async send(events: Message<EventType>[]): Promise<Message<EventType>[]> {
    const [first] = events;
    if (!first) return [];
    const routingKey = eventRoutingKey(first.type);
    const message = events.length === 1 ? first : newEnvelope('event.batch', { events }, { jobId: null, correlationId: first.correlationId });
    try {
      await this.options.broker.publish(EXCHANGES.events, routingKey, message);
      return [];
    } catch (err) {
      if (!(err instanceof MessageValidationError)) {
        this.lastError = (err as Error).message;
        return events;
      }
      if (events.length === 1) {
        this.options.logger.warn({ err: err.message, type: first.type }, 'event refused by its schema; dropped');
        this.dropped('invalid');
        return [];
      }
      return (await Promise.all(events.map((event) => this.send([event])))).flat();
    }
  }
}

/** The round's events by type, each type's in the order they were published. */
function groupByType(events: Message<EventType>[]): Map<EventType, Message<EventType>[]> {
  const groups = new Map<EventType, Message<EventType>[]>();
  for (const event of events) {
    const group = groups.get(event.type);
    if (group) group.push(event);
    else groups.set(event.type, [event]);
  }
  return groups;
}

function eventMetrics(registry?: Registry): { dropped: (reason: EventDropReason) => void; buffered: (count: number) => void } {
  if (!registry) return { dropped: () => undefined, buffered: () => undefined };
  const dropped =
    (registry.getSingleMetric('oca_amqp_events_dropped_total') as Counter<'reason'> | undefined) ??
    new Counter({
      name: 'oca_amqp_events_dropped_total',
      help: 'Domain events never published, by reason (buffer_full: broker slow or down; invalid: refused by its schema; closed: left at shutdown)',
      labelNames: ['reason'],
      registers: [registry],
    });
  const buffered =
    (registry.getSingleMetric('oca_amqp_events_buffered') as Gauge | undefined) ??
    new Gauge({ name: 'oca_amqp_events_buffered', help: 'Domain events held in memory, waiting for the broker to confirm them', registers: [registry] });
  return { dropped: (reason) => dropped.inc({ reason }), buffered: (count) => buffered.set(count) };
}
