import type { Logger } from '@oca/observability';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel } from 'amqplib';

/**
 * amqp-connection-manager re-creates channels only when the connection comes back, so a channel the
 * broker closed with an error (e.g. 404 on a deleted queue) would stay dead. This forces a
 * reconnect, at most one per `delayMs`, so a persistent error cannot spin.
 */
export class ChannelRecovery {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly connection: AmqpConnectionManager,
    private readonly log: Logger,
    private readonly delayMs: number,
  ) {}

  /** Logs `channel`'s errors and restores it when the broker closes it, while `isActive()`. */
  watch(channel: Channel, label: string, isActive: () => boolean = () => true): void {
    let failed = false;
    channel.on('error', (err: Error) => {
      failed = true;
      this.log.error({ channel: label, err: err.message }, 'amqp channel closed by the broker');
    });
    channel.on('close', () => {
      if (!failed || !isActive() || this.stopped || this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.stopped || !isActive() || !this.connection.isConnected()) return;
        this.log.warn({ channel: label }, 'forcing reconnect to restore the channel');
        this.connection.reconnect();
      }, this.delayMs);
    });
  }

  /** No forced reconnect from now on: the broker is closing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
