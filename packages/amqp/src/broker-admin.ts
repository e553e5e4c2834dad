import { QUEUES, type DeadLetterView, type QueueName } from '@oca/contracts';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel, Options } from 'amqplib';
import { peekDeadLetters, settleDeadLetter, type DeadLetterAction, type SettleResult } from './dead-letters';
import { deleteTopology, type TopologyPlan } from './topology';

/** What the admin actions need from their Broker. */
export interface BrokerAdminDeps {
  connection: AmqpConnectionManager;
  plan: TopologyPlan;
  /** `<prefix><base>` (Broker.name). */
  name(base: string): string;
  isClosed(): boolean;
  /** Confirmed publish of raw bytes straight to a prefixed queue (a replayed dead letter). */
  sendRaw(queue: string, content: Buffer, properties: Options.Publish): Promise<void>;
}

/**
 * Operator and test actions on queues: purge, depth, the dead-letter queue, deleting the topology.
 * Each runs on a short-lived plain channel, because a failed check (404 on checkQueue) closes its
 * channel and must not take a long-lived one with it.
 */
export class BrokerAdmin {
  constructor(private readonly deps: BrokerAdminDeps) {}

  async purge(queue: QueueName | string): Promise<void> {
    await this.withChannel((ch) => ch.purgeQueue(this.deps.name(queue)));
  }

  async queueDepth(queue: QueueName | string): Promise<{ messages: number; consumers: number }> {
    const reply = await this.withChannel((ch) => ch.checkQueue(this.deps.name(queue)));
    return { messages: reply.messageCount, consumers: reply.consumerCount };
  }

  listDeadLetters(limit: number): Promise<{ items: DeadLetterView[]; total: number }> {
    return this.withChannel((ch) => peekDeadLetters(ch, this.deps.name(QUEUES.deadLetter), limit));
  }

  settleDeadLetter(messageId: string, action: DeadLetterAction): Promise<SettleResult> {
    return this.withChannel((ch) =>
      settleDeadLetter(ch, this.deps.name(QUEUES.deadLetter), messageId, action, (queue, content, properties) =>
        this.deps.sendRaw(this.deps.name(queue), content, properties),
      ),
    );
  }

  async deleteTopology(): Promise<void> {
    await this.withChannel((ch) => deleteTopology(ch, this.deps.plan));
  }

  private async withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = this.deps.connection.connection;
    if (this.deps.isClosed() || !connection) throw new Error('not connected to RabbitMQ');
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return await fn(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}
