import { randomUUID } from 'node:crypto';
import { EXCHANGES, QUEUES, RpcRequest, type DeadLetterView, type QueueName } from '@oca/contracts';
import { currentLogContext, type Logger } from '@oca/observability';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Options } from 'amqplib';
import type { z } from 'zod';
import { BrokerAdmin } from './broker-admin';
import { ChannelRecovery } from './channel-recovery';
import { assertKnownExchange, encode, propertiesFor } from './codec';
import { BROKER_DEFAULTS, connectWithin, createConnection, watchConnection } from './connection';
import { QueueConsumer, type ConsumerDeps } from './consumer';
import type { DeadLetterAction, SettleResult } from './dead-letters';
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
import { ConfirmPublisher } from './publisher';
import { RpcClient } from './rpc-client';
import { rpcRequestHandler, type RpcHandle } from './rpc-server';
import { DEFAULT_RETRY_DELAYS_MS, planTopology, prefixed, type TopologyPlan } from './topology';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One connection to RabbitMQ per process, kept alive by amqp-connection-manager. A confirm channel
 * publishes (ConfirmPublisher); each consumer gets its own channel (own prefetch, acks on the
 * channel that delivered); RPC calls share one channel subscribed to direct reply-to (RpcClient);
 * admin actions use short-lived channels (BrokerAdmin). Every long-lived channel's setup declares
 * the whole topology, so a reconnect restores exchanges, queues and consumers.
 */
export class Broker {
  private readonly log: Logger;
  private readonly metrics: AmqpMetrics;
  private readonly plan: TopologyPlan;
  private readonly prefix: string;
  private readonly connection: AmqpConnectionManager;
  private readonly recovery: ChannelRecovery;
  private readonly consumers = new Set<QueueConsumer>();
  private readonly rpcClient: RpcClient;
  private readonly consumerDeps: ConsumerDeps;
  private readonly admin: BrokerAdmin;
  private publisher: ConfirmPublisher | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly options: BrokerOptions) {
    this.prefix = options.prefix ?? '';
    this.log = options.logger.child({ component: 'amqp', connection: options.connectionName });
    this.metrics = createAmqpMetrics(options.registry);
    this.plan = planTopology({
      prefix: this.prefix,
      queueType: options.queueType ?? 'classic',
      retryDelaysMs: { ...DEFAULT_RETRY_DELAYS_MS, ...withoutUndefined(options.retryDelaysMs ?? {}) },
    });
    this.connection = createConnection(options);
    this.recovery = new ChannelRecovery(this.connection, this.log, options.reconnectDelayMs ?? BROKER_DEFAULTS.reconnectDelayMs);
    this.rpcClient = new RpcClient(this.connection, this.plan, this.log, this.metrics, (ch, label) => this.recovery.watch(ch, label));
    this.consumerDeps = {
      connection: this.connection,
      plan: this.plan,
      logger: this.log,
      metrics: this.metrics,
      deadLetterExchange: this.name(EXCHANGES.deadLetter),
      republish: (exchange, routingKey, content, properties) =>
        this.publishRaw(exchange, routingKey, content, properties, exchange === '' ? '' : EXCHANGES.deadLetter),
      watchChannel: (channel, label, isActive) => this.recovery.watch(channel, label, isActive),
      onClosed: (consumer) => this.consumers.delete(consumer),
      asyncLogContext: options.asyncLogContext ?? true,
    };
    this.admin = new BrokerAdmin({
      connection: this.connection,
      plan: this.plan,
      name: (base) => this.name(base),
      isClosed: () => this.closed,
      sendRaw: (queue, content, properties) => this.publishRaw('', queue, content, properties, ''),
    });
  }

  /** Connects and declares the topology; rejects after `connectTimeoutMs` with the (redacted) URL and cause. */
  static async connect(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await broker.start();
    return broker;
  }

  private async start(): Promise<void> {
    const { url } = this.options;
    const watch = watchConnection(this.connection, { url, log: this.log, metrics: this.metrics, isClosing: () => this.closing !== undefined });
    this.publisher = new ConfirmPublisher(
      this.connection,
      this.plan,
      this.log,
      this.metrics,
      this.recovery,
      this.options.publishTimeoutMs ?? BROKER_DEFAULTS.publishTimeoutMs,
    );
    try {
      await connectWithin(this.connection, this.publisher.ready, {
        url,
        timeoutMs: this.options.connectTimeoutMs ?? BROKER_DEFAULTS.connectTimeoutMs,
        watch,
      });
    } catch (err) {
      this.closed = true;
      throw err;
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
   * Consumes `queue` (unprefixed): each message is parsed, validated with `schema`, handled (inside
   * withLogContext({jobId, correlationId}) when BrokerOptions.asyncLogContext is on; the ids are in
   * ctx.logContext and on ctx.log either way), then acked, moved to a retry queue or dead-lettered
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
    // Answers are not persisted: the caller is waiting now or never.
    const reply = (replyTo: string, correlationId: string, response: Envelope) =>
      this.publishRaw('', replyTo, encode(response), { ...propertiesFor(response, {}), correlationId, persistent: false }, '');
    return this.consume(queue, RpcRequest, rpcRequestHandler(handle, reply));
  }

  /**
   * Calls `method` on the RPC server bound to `exchange`/`routingKey` (unprefixed). Resolves with its
   * result; throws RpcRemoteError on an error answer, RpcTimeoutError when none came in time. The
   * request carries `options.correlationId`, else the implicit log context's ids (only set inside a
   * handler when BrokerOptions.asyncLogContext is on): a caller without it passes the id itself.
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
      timeoutMs: options.timeoutMs ?? BROKER_DEFAULTS.rpcTimeoutMs,
    });
  }

  /** Drops every message waiting in `queue` (unprefixed). */
  purge(queue: QueueName | string): Promise<void> {
    return this.admin.purge(queue);
  }

  /** Ready messages (not those held unacked by consumers) and consumer count of `queue` (unprefixed). */
  queueDepth(queue: QueueName | string): Promise<{ messages: number; consumers: number }> {
    return this.admin.queueDepth(queue);
  }

  /** The oldest `limit` dead letters, left in the queue (see peekDeadLetters). */
  listDeadLetters(limit: number): Promise<{ items: DeadLetterView[]; total: number }> {
    return this.admin.listDeadLetters(limit);
  }

  /** Replays a dead letter into its origin work queue, or drops it (see settleDeadLetter). */
  settleDeadLetter(messageId: string, action: DeadLetterAction): Promise<SettleResult> {
    return this.admin.settleDeadLetter(messageId, action);
  }

  /** Deletes every queue and exchange this Broker declared (tests; with a prefix). */
  deleteTopology(): Promise<void> {
    return this.admin.deleteTopology();
  }

  /**
   * Cancels every consumer, waits for in-flight handlers (up to `deadlineMs`; the rest are
   * redelivered), then closes channels and the connection. Safe to call twice.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.deadlineMs ?? BROKER_DEFAULTS.closeDeadlineMs);
    return this.closing;
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    this.recovery.stop();
    const consumers = [...this.consumers];
    await this.drainConsumers(consumers, deadlineMs);
    await Promise.all(consumers.map((c) => c.closeChannel()));
    await this.rpcClient.close();
    await this.publisher?.close();
    await this.connection.close().catch((err: Error) => this.log.warn({ err: err.message }, 'amqp close failed'));
    this.closed = true;
    this.log.info('amqp connection closed');
  }

  /** Stops every consumer receiving, then waits up to `deadlineMs` for their handlers in flight. */
  private async drainConsumers(consumers: QueueConsumer[], deadlineMs: number): Promise<void> {
    await Promise.all(consumers.map((c) => c.stopReceiving()));
    const drained = await Promise.all(consumers.map((c) => c.drain(deadlineMs)));
    if (drained.includes(false)) {
      const inFlight = consumers.reduce((n, c) => n + c.inFlightCount, 0);
      this.log.warn({ inFlight, deadlineMs }, 'close deadline passed with handlers in flight; their messages will be redelivered');
    }
  }

  private publishRaw(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish, exchangeLabel: string): Promise<void> {
    if (this.closed || !this.publisher) return Promise.reject(new Error('broker is closed'));
    return this.publisher.publish(exchange, routingKey, content, properties, exchangeLabel);
  }

  private assertOpen(): void {
    if (this.closing || this.closed) throw new Error('broker is closing');
  }
}

function withoutUndefined<T>(record: Partial<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, T] => entry[1] !== undefined));
}
