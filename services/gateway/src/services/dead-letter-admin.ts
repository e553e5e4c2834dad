import type { DeadLetterAction, SettleResult } from '@oca/amqp';
import type { DeadLetterActionResult, DeadLetterView } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import { DomainError } from '../errors';

export interface DeadLetterAdminOptions {
  /** The dead-letter queue (Broker) */
  queue: {
    listDeadLetters(limit: number): Promise<{ items: DeadLetterView[]; total: number }>;
    settleDeadLetter(messageId: string, action: DeadLetterAction): Promise<SettleResult>;
  };
  logger: Logger;
}

/** What admins do with failed messages: look at them, put one back where it failed, or drop it. */
export class DeadLetterAdmin {
  constructor(private readonly options: DeadLetterAdminOptions) {}

  list(limit: number): Promise<{ items: DeadLetterView[]; total: number }> {
    return this.options.queue.listDeadLetters(limit);
  }

  async replay(messageId: string, adminUserId: string): Promise<DeadLetterActionResult> {
    const result = await this.options.queue.settleDeadLetter(messageId, 'replay');
    if (!result.found) throw new DomainError('not_found', 'No dead letter with this message ID');
    if (result.notReplayable) throw new DomainError('conflict', 'This dead letter did not come from a work queue; drop it instead');
    this.options.logger.warn({ messageId, queue: result.queue, admin: adminUserId }, 'dead letter replayed by an admin');
    return { messageId, action: 'replayed', queue: result.queue };
  }

  async drop(messageId: string, adminUserId: string): Promise<DeadLetterActionResult> {
    const result = await this.options.queue.settleDeadLetter(messageId, 'drop');
    if (!result.found) throw new DomainError('not_found', 'No dead letter with this message ID');
    this.options.logger.warn({ messageId, admin: adminUserId }, 'dead letter dropped by an admin');
    return { messageId, action: 'dropped', queue: null };
  }
}
