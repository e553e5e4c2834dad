import { RpcResponse } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { RpcRemoteError, RpcTimeoutError } from './errors';
import type { AmqpMetrics } from './metrics';
import { declareTopology, type TopologyPlan } from './topology';

/** RabbitMQ's direct reply-to pseudo-queue: no queue to declare, answers come back on this channel. */
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface RpcRequestToSend {
  /** Prefixed exchange. */
  exchange: string;
  /** Unprefixed exchange, for the metrics label. */
  exchangeLabel: string;
  routingKey: string;
  method: string;
  /** Envelope id: also the AMQP correlation-id the answer carries back. */
  requestId: string;
  content: Buffer;
  properties: Options.Publish;
  timeoutMs: number;
}

/**
 * Caller side of RPC over direct reply-to. Requests are published on the same channel that consumes
 * `amq.rabbitmq.reply-to` (RabbitMQ requires it); its setup re-subscribes after a reconnect before
 * any queued request goes out. Requests in flight on a lost channel end in RpcTimeoutError.
 */
export class RpcClient {
  private readonly pending = new Map<string, Pending>();
  private wrapper: ChannelWrapper | undefined;

  constructor(
    private readonly connection: AmqpConnectionManager,
    private readonly plan: TopologyPlan,
    private readonly log: Logger,
    private readonly metrics: AmqpMetrics,
    private readonly watchChannel: (channel: Channel, label: string) => void,
  ) {}

  private channel(): ChannelWrapper {
    if (this.wrapper) return this.wrapper;
    const wrapper = this.connection.createChannel({
      name: 'rpc-client',
      confirm: true,
      setup: async (channel: Channel) => {
        this.watchChannel(channel, 'rpc-client');
        await declareTopology(channel, this.plan);
        await channel.consume(DIRECT_REPLY_TO, (msg) => this.onReply(msg), { noAck: true });
      },
    });
    wrapper.on('error', (err: Error) => this.log.error({ err: err.message }, 'rpc channel setup failed'));
    this.wrapper = wrapper;
    return wrapper;
  }

  async call<T>(request: RpcRequestToSend): Promise<T> {
    const { method, requestId, timeoutMs } = request;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RpcTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(requestId, { method, resolve, reject, timer });
    });
    try {
      await this.channel().publish(request.exchange, request.routingKey, request.content, {
        ...request.properties,
        replyTo: DIRECT_REPLY_TO,
        correlationId: requestId,
        // The request expires with the caller's patience: a server never works for nobody.
        expiration: timeoutMs,
        timeout: timeoutMs,
      });
      this.metrics.published(request.exchangeLabel);
    } catch (err) {
      const entry = this.pending.get(requestId);
      if (entry) {
        this.pending.delete(requestId);
        clearTimeout(entry.timer);
        this.log.warn({ method, err: (err as Error).message }, 'rpc request not confirmed');
        entry.reject(new RpcTimeoutError(method, timeoutMs));
      }
    }
    return (await answer) as T;
  }

  private onReply(msg: ConsumeMessage | null): void {
    if (!msg) return;
    const requestId = msg.properties.correlationId as string | undefined;
    const entry = requestId ? this.pending.get(requestId) : undefined;
    if (!requestId || !entry) {
      this.log.debug({ requestId }, 'rpc answer for no pending call (late or duplicate)');
      return;
    }
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    let parsed: ReturnType<typeof RpcResponse.safeParse>;
    try {
      parsed = RpcResponse.safeParse(JSON.parse(msg.content.toString('utf8')));
    } catch {
      parsed = { success: false } as ReturnType<typeof RpcResponse.safeParse>;
    }
    if (!parsed.success) {
      this.log.error({ method: entry.method }, 'invalid rpc answer');
      entry.reject(new RpcRemoteError('internal', 'invalid rpc answer'));
      return;
    }
    const body = parsed.data.payload;
    if (body.ok) entry.resolve(body.result);
    else entry.reject(new RpcRemoteError(body.error.code, body.error.message, body.error.details));
  }

  /** Fails every call still waiting, then closes the channel. */
  async close(): Promise<void> {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new RpcTimeoutError(entry.method, 0, `rpc ${entry.method} abandoned: broker closing`));
      this.pending.delete(id);
    }
    await this.wrapper?.close().catch(() => undefined);
  }
}
