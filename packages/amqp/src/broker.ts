import { randomUUID } from 'node:crypto';
import { EXCHANGES, QUEUES, RpcRequest, type DeadLetterView, type QueueName } from '@oca/contracts';
import { currentLogContext, type Logger } from '@oca/observability';
import { AmqpConnectionManagerClass, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, Options } from 'amqplib';
import type { z } from 'zod';
import { QueueConsumer, type ConsumerDeps } from './consumer';
import { assertKnownExchange, encode, propertiesFor } from './codec';
import { peekDeadLetters, settleDeadLetter, type DeadLetterAction, type SettleResult } from './dead-letters';
import { newEnvelope, type Envelope } from './envelope';
import { createAmqpMetrics, type AmqpMetrics } from './metrics';
import type {
  BrokerOptions,
  CloseOptions,
  ConsumeContext,
  ConsumeOptions,
  Consumer,
  HandlerResult,
  PublishOptions,
  RpcOptions,
} from './options';
import { redactUrl, scrubSecret } from './redact';
import { RpcClient } from './rpc-client';
import { answerRpc, type RpcHandle } from './rpc-server';
import { DEFAULT_RETRY_DELAYS_MS, declareTopology, deleteTopology, planTopology, prefixed, type TopologyPlan } from './topology';

const DEFAULTS = {
  heartbeatSeconds: 10,
  reconnectDelayMs: 2_000,
  connectTimeoutMs: 15_000,
  publishTimeoutMs: 15_000,
  rpcTimeoutMs: 5_000,
  closeDeadlineMs: 10_000,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One connection to RabbitMQ per process, kept alive by amqp-connection-manager. A confirm channel
 * publishes; each consumer gets its own channel (own prefetch, acks on the channel that delivered);
 * RPC calls share one channel subscribed to direct reply-to. Every channel's setup declares the
 * whole topology, so a reconnect restores exchanges, queues and consumers.
 */
export class Broker {
  private readonly log: Logger;
  private readonly metrics: AmqpMetrics;
  private readonly plan: TopologyPlan;
  private readonly prefix: string;
  private readonly connection: AmqpConnectionManager;
  private readonly consumers = new Set<QueueConsumer>();
  private readonly rpcClient: RpcClient;
  private readonly consumerDeps: ConsumerDeps;
  private publisher: ChannelWrapper | undefined;
  private connectedOnce = false;
  private closing: Promise<void> | undefined;
  private closed = false;
  private recoveryTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: BrokerOptions) {
    this.prefix = options.prefix ?? '';
    this.log = options.logger.child({ component: 'amqp', connection: options.connectionName });
    this.metrics = createAmqpMetrics(options.registry);
    this.plan = planTopology({
      prefix: this.prefix,
      queueType: options.queueType ?? 'classic',
      retryDelaysMs: { ...DEFAULT_RETRY_DELAYS_MS, ...withoutUndefined(options.retryDelaysMs ?? {}) },
    });
    this.connection = new AmqpConnectionManagerClass(
      [{ url: options.url, connectionOptions: { ...options.tls, clientProperties: { connection_name: options.connectionName } } }],
      {
        heartbeatIntervalInSeconds: options.heartbeatSeconds ?? DEFAULTS.heartbeatSeconds,
        reconnectTimeInSeconds: (options.reconnectDelayMs ?? DEFAULTS.reconnectDelayMs) / 1000,
      },
    );
    this.rpcClient = new RpcClient(this.connection, this.plan, this.log, this.metrics, (ch, label) =>
      this.watchChannel(ch, label),
    );
    this.consumerDeps = {
      connection: this.connection,
      plan: this.plan,
      logger: this.log,
      metrics: this.metrics,
      deadLetterExchange: this.name(EXCHANGES.deadLetter),
      republish: (exchange, routingKey, content, properties) =>
        this.publishRaw(exchange, routingKey, content, properties, exchange === '' ? '' : EXCHANGES.deadLetter),
      watchChannel: (channel, label, isActive) => this.watchChannel(channel, label, isActive),
      onClosed: (consumer) => this.consumers.delete(consumer),
    };
  }

  /** Connects and declares the topology; rejects after `connectTimeoutMs` with the (redacted) URL and cause. */
  static async connect(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await broker.start();
    return broker;
  }

  private async start(): Promise<void> {
    const { url } = this.options;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    let lastError = 'no answer';
    this.connection.on('connect', () => {
      if (this.connectedOnce) {
        this.metrics.reconnected();
        this.log.info('amqp reconnected');
      } else {
        this.log.info({ broker: redactUrl(url) }, 'amqp connected');
      }
      this.connectedOnce = true;
    });
    this.connection.on('disconnect', ({ err }: { err?: Error }) => {
      if (this.closing) return;
      this.log.warn({ err: err ? scrubSecret(err.message, url) : undefined }, 'amqp disconnected; reconnecting');
    });
    this.connection.on('connectFailed', ({ err }: { err: Error }) => {
      lastError = scrubSecret(err.message, url);
      this.log.warn({ err: lastError, broker: redactUrl(url) }, 'amqp connect failed; retrying');
    });
    this.connection.on('blocked', ({ reason }: { reason: string }) =>
      this.log.warn({ reason }, 'amqp connection blocked by the broker (resource alarm)'),
    );
    this.connection.on('unblocked', () => this.log.info('amqp connection unblocked'));

    let topologyReady!: () => void;
    let topologyFailed!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      topologyReady = resolve;
      topologyFailed = reject;
    });
    const publisher = this.connection.createChannel({
      name: 'publisher',
      confirm: true,
      setup: async (channel: Channel) => {
        this.watchChannel(channel, 'publisher');
        try {
          await declareTopology(channel, this.plan);
          topologyReady();
        } catch (err) {
          topologyFailed(err as Error);
          throw err;
        }
      },
    });
    publisher.on('error', (err: Error) => this.log.error({ err: err.message }, 'publisher channel setup failed'));
    this.publisher = publisher;

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(lastError)), timeoutMs);
    });
    try {
      // connect() rejects early only on ACCESS_REFUSED; otherwise the manager keeps retrying.
      await Promise.race([this.connection.connect().then(() => ready), ready, timeout]);
    } catch (err) {
      await this.connection.close().catch(() => undefined);
      this.closed = true;
      const cause = scrubSecret((err as Error).message, url);
      throw new Error(`RabbitMQ at ${redactUrl(url)} not ready within ${timeoutMs} ms: ${cause}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `<prefix><base>`; '' and amq.* are left alone. */
  name(base: string): string {
    return prefixed(this.prefix, base);
  }

  isConnected(): boolean {
    return !this.closed && this.connection.isConnected();
  }

  /**
   * Validates `message` against MESSAGE_CATALOG[message.type] and resolves once the broker confirmed
   * it (persistent, so it survives a broker restart). `exchange` is an unprefixed EXCHANGES value.
   */
  async publish(exchange: string, routingKey: string, message: Envelope, options: PublishOptions = {}): Promise<void> {
    assertKnownExchange(exchange);
    const content = encode(message);
    await this.publishRaw(this.name(exchange), routingKey, content, propertiesFor(message, options), exchange);
  }

  /** Like publish(), through the default exchange straight to `queue` (unprefixed). */
  async sendToQueue(queue: QueueName | string, message: Envelope, options: PublishOptions = {}): Promise<void> {
    const content = encode(message);
    await this.publishRaw('', this.name(queue), content, propertiesFor(message, options), '');
  }

  /**
   * Consumes `queue` (unprefixed): each message is parsed, validated with `schema`, handled inside
   * withLogContext({jobId, correlationId}), then acked, moved to a retry queue or dead-lettered
   * (see HandlerResult, TransientError, PermanentError). Resolves once the consumer is active.
   */
  async consume<S extends z.ZodType>(
    queue: QueueName | string,
    schema: S,
    handler: (message: z.infer<S>, ctx: ConsumeContext) => Promise<HandlerResult | void>,
    options: ConsumeOptions = {},
  ): Promise<Consumer> {
    this.assertOpen();
    const consumer = new QueueConsumer(this.consumerDeps, {
      queue,
      queueName: this.name(queue),
      schema,
      handler,
      options,
      retryQueues: this.plan.retryQueues.get(queue) ?? [],
      isDeadLetterQueue: queue === QUEUES.deadLetter,
    });
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  /**
   * Answers RpcRequest envelopes on `queue` (unprefixed). `handle` throws RpcHandlerError to answer
   * with that code; any other error answers `internal` without its message.
   */
  rpcServer(queue: string, handle: RpcHandle): Promise<Consumer> {
    return this.consume(queue, RpcRequest, async (request, ctx) => {
      if (!ctx.replyTo || !ctx.correlationId) {
        return { action: 'dead-letter', reason: 'rpc request without reply-to or correlation-id' };
      }
      const answer = await answerRpc(handle, request.payload.method, request.payload.params, ctx);
      const response = newEnvelope('rpc.response', answer, { jobId: request.jobId, correlationId: request.correlationId });
      await this.publishRaw(
        '',
        ctx.replyTo,
        encode(response),
        { ...propertiesFor(response, {}), correlationId: ctx.correlationId, persistent: false },
        '',
      );
      return { action: 'ack' };
    });
  }

  /**
   * Calls `method` on the RPC server bound to `exchange`/`routingKey` (unprefixed). Resolves with its
   * result; throws RpcRemoteError on an error answer, RpcTimeoutError when none came in time.
   */
  async rpc<T>(
    exchange: string,
    routingKey: string,
    method: string,
    params: unknown,
    options: RpcOptions = {},
  ): Promise<T> {
    this.assertOpen();
    assertKnownExchange(exchange);
    const context = currentLogContext();
    const correlationId = options.correlationId ?? context.correlationId ?? randomUUID();
    const jobId = context.jobId && UUID.test(context.jobId) ? context.jobId : null;
    const request = newEnvelope('rpc.request', { method, params }, { jobId, correlationId });
    return this.rpcClient.call<T>({
      exchange: this.name(exchange),
      exchangeLabel: exchange,
      routingKey,
      method,
      requestId: request.id,
      content: encode(request),
      // Nobody waits for an answer across a broker restart: RPC requests are not persisted.
      properties: { ...propertiesFor(request, {}), persistent: false },
      timeoutMs: options.timeoutMs ?? DEFAULTS.rpcTimeoutMs,
    });
  }

  /** Drops every message waiting in `queue` (unprefixed). */
  async purge(queue: QueueName | string): Promise<void> {
    await this.withAdminChannel((ch) => ch.purgeQueue(this.name(queue)));
  }

  /** Ready messages (not those held unacked by consumers) and consumer count of `queue` (unprefixed). */
  async queueDepth(queue: QueueName | string): Promise<{ messages: number; consumers: number }> {
    const reply = await this.withAdminChannel((ch) => ch.checkQueue(this.name(queue)));
    return { messages: reply.messageCount, consumers: reply.consumerCount };
  }

  /** The oldest `limit` dead letters, left in the queue (see peekDeadLetters). */
  async listDeadLetters(limit: number): Promise<{ items: DeadLetterView[]; total: number }> {
    return this.withAdminChannel((ch) => peekDeadLetters(ch, this.name(QUEUES.deadLetter), limit));
  }

  /** Replays a dead letter into its origin work queue, or drops it (see settleDeadLetter). */
  async settleDeadLetter(messageId: string, action: DeadLetterAction): Promise<SettleResult> {
    return this.withAdminChannel((ch) =>
      settleDeadLetter(ch, this.name(QUEUES.deadLetter), messageId, action, (queue, content, properties) =>
        this.publishRaw('', this.name(queue), content, properties, ''),
      ),
    );
  }

  /** Deletes every queue and exchange this Broker declared (tests; with a prefix). */
  async deleteTopology(): Promise<void> {
    await this.withAdminChannel((ch) => deleteTopology(ch, this.plan));
  }

  /**
   * Cancels every consumer, waits for in-flight handlers (up to `deadlineMs`; the rest are
   * redelivered), then closes channels and the connection. Safe to call twice.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.deadlineMs ?? DEFAULTS.closeDeadlineMs);
    return this.closing;
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    clearTimeout(this.recoveryTimer);
    const consumers = [...this.consumers];
    await Promise.all(consumers.map((c) => c.stopReceiving()));
    const drained = await Promise.all(consumers.map((c) => c.drain(deadlineMs)));
    if (drained.includes(false)) {
      const inFlight = consumers.reduce((n, c) => n + c.inFlightCount, 0);
      this.log.warn({ inFlight, deadlineMs }, 'close deadline passed with handlers in flight; their messages will be redelivered');
    }
    await Promise.all(consumers.map((c) => c.closeChannel()));
    await this.rpcClient.close();
    await this.publisher?.close().catch(() => undefined);
    await this.connection.close().catch((err: Error) => this.log.warn({ err: err.message }, 'amqp close failed'));
    this.closed = true;
    this.log.info('amqp connection closed');
  }

  private async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
    exchangeLabel: string,
  ): Promise<void> {
    if (this.closed || !this.publisher) throw new Error('broker is closed');
    const timeout = this.options.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs;
    try {
      await this.publisher.publish(exchange, routingKey, content, { ...properties, timeout });
    } catch (err) {
      const reason = (err as Error).message === 'timeout' ? `not confirmed within ${timeout} ms` : (err as Error).message;
      throw new Error(`publish to ${exchange || '(default exchange)'} "${routingKey}" failed: ${reason}`, { cause: err });
    }
    this.metrics.published(exchangeLabel);
  }

  /**
   * amqp-connection-manager re-creates channels only when the connection comes back, so a channel the
   * broker closed with an error (e.g. 404 on a deleted queue) would stay dead. Force a reconnect,
   * rate-limited so a persistent error cannot spin.
   */
  private watchChannel(channel: Channel, label: string, isActive: () => boolean = () => true): void {
    let failed = false;
    channel.on('error', (err: Error) => {
      failed = true;
      this.log.error({ channel: label, err: err.message }, 'amqp channel closed by the broker');
    });
    channel.on('close', () => {
      if (!failed || !isActive() || this.closing || this.recoveryTimer) return;
      this.recoveryTimer = setTimeout(() => {
        this.recoveryTimer = undefined;
        if (this.closing || !isActive() || !this.connection.isConnected()) return;
        this.log.warn({ channel: label }, 'forcing reconnect to restore the channel');
        this.connection.reconnect();
      }, this.options.reconnectDelayMs ?? DEFAULTS.reconnectDelayMs);
    });
  }

  /** Short-lived plain channel for checks that close their channel on failure (404 on checkQueue). */
  private async withAdminChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = this.connection.connection;
    if (this.closed || !connection) throw new Error('not connected to RabbitMQ');
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return await fn(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private assertOpen(): void {
    if (this.closing || this.closed) throw new Error('broker is closing');
  }
}

function withoutUndefined<T>(record: Partial<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, T] => entry[1] !== undefined));
}
