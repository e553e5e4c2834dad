import type { Logger } from '@oca/observability';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, Options } from 'amqplib';
import type { ChannelRecovery } from './channel-recovery';
import type { AmqpMetrics } from './metrics';
import { declareTopology, type TopologyPlan } from './topology';

/**
 * The confirm channel every publish but RPC requests goes through. Its setup declares the whole
 * topology, so `ready` resolves once the first connection has exchanges and queues, and a reconnect
 * restores them before anything queued is sent.
 */
export class ConfirmPublisher {
  /** Resolves when the topology is declared on the first channel; rejects if that fails. */
  readonly ready: Promise<void>;
  private readonly channel: ChannelWrapper;

  constructor(
    connection: AmqpConnectionManager,
    plan: TopologyPlan,
    private readonly log: Logger,
    private readonly metrics: AmqpMetrics,
    recovery: ChannelRecovery,
    /** A publish not confirmed within this rejects. */
    private readonly timeoutMs: number,
  ) {
    let topologyReady!: () => void;
    let topologyFailed!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      topologyReady = resolve;
      topologyFailed = reject;
    });
    this.channel = connection.createChannel({
      name: 'publisher',
      confirm: true,
      setup: async (channel: Channel) => {
        recovery.watch(channel, 'publisher');
        try {
          await declareTopology(channel, plan);
          topologyReady();
        } catch (err) {
          topologyFailed(err as Error);
          throw err;
        }
      },
    });
    this.channel.on('error', (err: Error) => this.log.error({ err: err.message }, 'publisher channel setup failed'));
  }

  /**
   * Publishes raw bytes to an already-prefixed `exchange` and resolves once the broker confirmed
   * them. `exchangeLabel` (unprefixed) is the metrics label.
   */
  async publish(exchange: string, routingKey: string, content: Buffer, properties: Options.Publish, exchangeLabel: string): Promise<void> {
    const timeout = this.timeoutMs;
    try {
      await this.channel.publish(exchange, routingKey, content, { ...properties, timeout });
    } catch (err) {
      const reason = (err as Error).message === 'timeout' ? `not confirmed within ${timeout} ms` : (err as Error).message;
      throw new Error(`publish to ${exchange || '(default exchange)'} "${routingKey}" failed: ${reason}`, { cause: err });
    }
    this.metrics.published(exchangeLabel);
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}
