import { HEADERS } from '@oca/contracts';
import { withLogContext, type LogContext, type Logger } from '@oca/observability';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { z } from 'zod';
import type { AmqpMetrics } from './metrics';
import type { ConsumeContext, ConsumeOptions, Consumer, HandlerResult } from './options';
import { outcomeOfError, outcomeOfResult, parseAttempt, settle, truncateReason, type Outcome } from './outcome';
import { declareTopology, type TopologyPlan } from './topology';

/** What a consumer needs from its Broker. */
export interface ConsumerDeps {
  connection: AmqpConnectionManager;
  plan: TopologyPlan;
  logger: Logger;
  metrics: AmqpMetrics;
  /** Confirmed publish of raw bytes to an already-prefixed exchange (the Broker's publisher channel). */
  republish(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish): Promise<void>;
  /** Prefixed dead-letter exchange. */
  deadLetterExchange: string;
  /** Logs channel errors and restores a channel the broker closed (see Broker). */
  watchChannel(channel: Channel, label: string, isActive: () => boolean): void;
  /** Called once the consumer is cancelled for good, so the Broker forgets it. */
  onClosed(consumer: QueueConsumer): void;
  /** Handlers run inside withLogContext (BrokerOptions.asyncLogContext). */
  asyncLogContext: boolean;
}

export interface QueueConsumerOptions<S extends z.ZodType> {
  /** Logical (unprefixed) queue name: metrics label, origin header. */
  queue: string;
  /** Prefixed queue name on the broker. */
  queueName: string;
  schema: S;
  handler(message: z.infer<S>, ctx: ConsumeContext): Promise<HandlerResult | void>;
  options: ConsumeOptions;
  /** Prefixed retry queues of this queue; empty → failures dead-letter at once. */
  retryQueues: readonly string[];
  /** This is the dead-letter queue itself: dead-lettering again would loop, so failures are dropped. */
  isDeadLetterQueue: boolean;
}

const DEFAULT_PREFETCH = 10;

/** One message on its way through the consumer: where it came from and how its lines are logged. */
interface Delivery {
  channel: Channel;
  msg: ConsumeMessage;
  headers: Record<string, unknown>;
  /** 1-based, from HEADERS.attempt */
  attempt: number;
  logContext: LogContext;
  /** The consumer's logger with the message's ids (see ConsumeContext.log) */
  log: Logger;
}

/**
 * One queue, one channel. The channel's single setup function declares the topology, sets the
 * prefetch and starts consuming; amqp-connection-manager re-runs it on every reconnect. Messages are
 * acked on the raw channel they came from: a delivery tag means nothing on the next channel.
 */
export class QueueConsumer implements Consumer {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log: Logger;
  private wrapper: ChannelWrapper | undefined;
  private current: { channel: Channel; consumerTag: string } | undefined;
  private cancelled = false;
  private cancelling: Promise<void> | undefined;

  constructor(
    private readonly deps: ConsumerDeps,
    private readonly config: QueueConsumerOptions<z.ZodType>,
  ) {
    this.log = deps.logger.child({ queue: config.queue });
  }

  /** Resolves once consuming; rejects (and cleans up) if the first setup fails, e.g. unknown queue. */
  async start(): Promise<void> {
    let firstSetup: { resolve: () => void; reject: (err: Error) => void } | undefined;
    const started = new Promise<void>((resolve, reject) => (firstSetup = { resolve, reject }));
    const wrapper = this.deps.connection.createChannel({
      name: `consume:${this.config.queueName}`,
      confirm: false,
      setup: async (channel: Channel) => {
        try {
          await this.setup(channel);
          firstSetup?.resolve();
        } catch (err) {
          firstSetup?.reject(err as Error);
          throw err;
        } finally {
          firstSetup = undefined;
        }
      },
    });
    wrapper.on('error', (err: Error) => this.log.error({ err: err.message }, 'consumer channel setup failed'));
    this.wrapper = wrapper;
    try {
      await started;
    } catch (err) {
      this.cancelled = true;
      await wrapper.close().catch(() => undefined);
      this.deps.onClosed(this);
      throw new Error(`cannot consume from ${this.config.queueName}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async setup(channel: Channel): Promise<void> {
    this.current = undefined;
    this.deps.watchChannel(channel, `consume:${this.config.queueName}`, () => !this.cancelled);
    await declareTopology(channel, this.deps.plan, this.config.queue);
    if (this.cancelled) return;
    await channel.prefetch(this.config.options.prefetch ?? DEFAULT_PREFETCH);
    const { consumerTag } = await channel.consume(
      this.config.queueName,
      (msg) => this.onMessage(channel, msg),
      { noAck: false, consumerTag: this.config.options.consumerTag },
    );
    this.current = { channel, consumerTag };
    if (this.cancelled) await this.stopReceiving();
  }

  private onMessage(channel: Channel, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled us (queue deleted). A reconnect re-declares and consumes again.
      this.log.warn('consumer cancelled by the broker');
      return;
    }
    const task = this.process(channel, msg)
      .catch((err: unknown) => this.log.error({ err }, 'message processing failed'))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async process(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const headers: Record<string, unknown> = { ...(msg.properties.headers ?? {}) };
    const messageId = msg.properties.messageId as string | undefined;
    let body: unknown;
    let invalidJson: string | undefined;
    try {
      body = JSON.parse(msg.content.toString('utf8'));
    } catch (err) {
      invalidJson = `invalid JSON: ${(err as Error).message}`;
    }
    const logContext = logContextOf(body, headers);
    // The ids are bound here unless the implicit context adds them to every line anyway.
    const log = this.log.child(this.deps.asyncLogContext ? { messageId } : { ...logContext, messageId });
    const delivery: Delivery = { channel, msg, headers, attempt: parseAttempt(headers[HEADERS.attempt]), logContext, log };
    const run = () =>
      invalidJson === undefined
        ? this.handle(delivery, body)
        : this.finish(delivery, { action: 'dead-letter', kind: 'invalid_json', reason: invalidJson });
    return this.deps.asyncLogContext ? withLogContext(logContext, run) : run();
  }

  private async handle(delivery: Delivery, body: unknown): Promise<void> {
    const { msg, headers, attempt, log } = delivery;
    const parsed = this.config.schema.safeParse(body);
    if (!parsed.success) {
      const reason = `schema validation failed: ${z.prettifyError(parsed.error)}`;
      return this.finish(delivery, { action: 'dead-letter', kind: 'schema', reason });
    }
    const ctx: ConsumeContext = {
      attempt,
      redelivered: msg.fields.redelivered,
      headers,
      log,
      logContext: delivery.logContext,
      messageId: msg.properties.messageId as string | undefined,
      priority: msg.properties.priority as number | undefined,
      replyTo: msg.properties.replyTo as string | undefined,
      correlationId: msg.properties.correlationId as string | undefined,
    };
    const stopTimer = this.deps.metrics.startHandlerTimer(this.config.queue);
    let outcome: Outcome;
    try {
      outcome = outcomeOfResult(await this.config.handler(parsed.data, ctx));
    } catch (err) {
      outcome = outcomeOfError(err);
      log.warn({ err, attempt }, 'handler failed');
    } finally {
      stopTimer();
    }
    return this.finish(delivery, outcome);
  }

  /**
   * Moves the message on, then acks it. The republish is confirmed before the ack, so a crash in
   * between duplicates (at-least-once) rather than loses. Never nack-requeues a failing message.
   */
  private async finish(delivery: Delivery, outcome: Outcome): Promise<void> {
    const { channel, msg, headers, attempt, log } = delivery;
    const { queue } = this.config;
    const { metrics } = this.deps;
    const next = settle(outcome, attempt, this.config.retryQueues);
    if (next.action === 'dead-letter' && this.config.isDeadLetterQueue) {
      log.error({ reason: next.reason, reasonKind: next.kind, bytes: msg.content.length }, 'dead letter dropped by its consumer');
      metrics.consumed(queue, 'dead_letter');
      safely(() => channel.nack(msg, false, false), log);
      return;
    }
    try {
      if (next.action === 'retry') {
        await this.deps.republish('', next.retryQueue, msg.content, {
          ...copyProperties(msg),
          headers: { ...headers, [HEADERS.attempt]: next.nextAttempt },
        });
        metrics.retried(queue);
        log.info({ attempt, reason: next.reason, retryQueue: next.retryQueue }, 'message scheduled for retry');
      } else if (next.action === 'dead-letter') {
        const reason = truncateReason(next.reason);
        await this.deps.republish(this.deps.deadLetterExchange, '', msg.content, {
          ...copyProperties(msg),
          headers: { ...headers, [HEADERS.deadLetterReason]: reason, [HEADERS.originQueue]: queue },
        });
        metrics.deadLettered(queue, next.kind);
        log.warn({ attempt, reason, reasonKind: next.kind }, 'message dead-lettered');
      }
    } catch (err) {
      // The broker refused or never confirmed the move: keep the message. Requeue once; if the channel
      // is gone the broker redelivers it anyway.
      log.error({ err: (err as Error).message, action: next.action }, 'could not move message; requeueing');
      safely(() => channel.nack(msg, false, true), log);
      return;
    }
    metrics.consumed(queue, next.action === 'dead-letter' ? 'dead_letter' : next.action);
    safely(() => channel.ack(msg), log);
  }

  /** Stops deliveries; in-flight handlers keep their channel open to ack. */
  async stopReceiving(): Promise<void> {
    this.cancelled = true;
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    try {
      await current.channel.cancel(current.consumerTag);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'cancel on a closed channel');
    }
  }

  /** Resolves when every handler in flight has settled its message (or the deadline passed: false). */
  async drain(deadlineMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const all = (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return true;
    })();
    if (!Number.isFinite(deadlineMs)) return all;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    try {
      return await Promise.race([all, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Closes the channel: anything still unacked goes back to the queue. */
  async closeChannel(): Promise<void> {
    await this.wrapper?.close().catch(() => undefined);
    this.deps.onClosed(this);
  }

  cancel(): Promise<void> {
    this.cancelling ??= (async () => {
      await this.stopReceiving();
      await this.drain();
      await this.closeChannel();
    })();
    return this.cancelling;
  }
}

function logContextOf(body: unknown, headers: Record<string, unknown>): LogContext {
  const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const pick = (bodyValue: unknown, headerValue: unknown): string | undefined =>
    typeof bodyValue === 'string' ? bodyValue : typeof headerValue === 'string' ? headerValue : undefined;
  const ctx: LogContext = {};
  const jobId = pick(fromBody.jobId, headers[HEADERS.jobId]);
  const correlationId = pick(fromBody.correlationId, headers[HEADERS.correlationId]);
  if (jobId) ctx.jobId = jobId;
  if (correlationId) ctx.correlationId = correlationId;
  return ctx;
}

/** Properties a moved message keeps: same id, type, priority and correlation. */
/** The properties a moved message keeps (headers are set by the mover). */
export function copyProperties(msg: Pick<ConsumeMessage, 'properties'>): Options.Publish {
  const p = msg.properties;
  const props: Options.Publish = { persistent: true };
  if (p.messageId !== undefined) props.messageId = p.messageId as string;
  if (p.type !== undefined) props.type = p.type as string;
  if (p.contentType !== undefined) props.contentType = p.contentType as string;
  if (p.priority !== undefined) props.priority = p.priority as number;
  if (p.correlationId !== undefined) props.correlationId = p.correlationId as string;
  if (p.replyTo !== undefined) props.replyTo = p.replyTo as string;
  if (p.appId !== undefined) props.appId = p.appId as string;
  if (p.timestamp !== undefined) props.timestamp = p.timestamp as number;
  return props;
}

/** ack/nack throw on a closed channel; the broker then redelivers, which is the right outcome. */
function safely(fn: () => void, log: Logger): void {
  try {
    fn();
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'channel closed before settling; the broker will redeliver');
  }
}
