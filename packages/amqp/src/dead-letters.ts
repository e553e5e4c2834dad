import { HEADERS, REPLAYABLE_QUEUES, type DeadLetterView } from '@oca/contracts';
import type { Channel, GetMessage, Options } from 'amqplib';
import { copyProperties } from './consumer';
import { parseAttempt } from './outcome';

/** How many messages one replay/drop may look through to find its message. */
export const DEAD_LETTER_SCAN_LIMIT = 10_000;

const isReplayable = (queue: unknown): queue is (typeof REPLAYABLE_QUEUES)[number] =>
  typeof queue === 'string' && (REPLAYABLE_QUEUES as readonly string[]).includes(queue);

const str = (value: unknown): string | null => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null);

/** What an operator sees of a dead letter: its identity and why it failed, never its payload. */
export function describeDeadLetter(msg: GetMessage): DeadLetterView {
  const p = msg.properties;
  const headers = (p.headers ?? {}) as Record<string, unknown>;
  const origin = str(headers[HEADERS.originQueue]);
  return {
    messageId: str(p.messageId) ?? `(none)`,
    type: str(p.type),
    jobId: str(headers[HEADERS.jobId]),
    correlationId: str(p.correlationId) ?? str(headers[HEADERS.correlationId]),
    originQueue: origin,
    reason: str(headers[HEADERS.deadLetterReason]),
    attempts: headers[HEADERS.attempt] === undefined ? null : parseAttempt(headers[HEADERS.attempt]),
    publishedAt: typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000).toISOString() : null,
    bytes: msg.content.length,
    replayable: isReplayable(origin),
  };
}

/**
 * Reads up to `limit` messages from the head of the dead-letter queue without consuming them: each
 * is fetched unacknowledged and returned to the queue when the channel closes (RabbitMQ puts
 * requeued messages back in their original position). Messages another reader holds at that
 * moment are not seen.
 */
export async function peekDeadLetters(channel: Channel, queue: string, limit: number): Promise<{ items: DeadLetterView[]; total: number }> {
  const { messageCount } = await channel.checkQueue(queue);
  const items: DeadLetterView[] = [];
  while (items.length < limit) {
    const msg = await channel.get(queue, { noAck: false });
    if (!msg) break;
    items.push(describeDeadLetter(msg));
  }
  return { items, total: messageCount };
}

export type DeadLetterAction = 'replay' | 'drop';

export interface SettleResult {
  found: boolean;
  /** The (unprefixed) queue a replayed message went to */
  queue: string | null;
  /** Found but not replayable (its origin is not a work queue) */
  notReplayable?: boolean;
}

/**
 * Finds the message with `messageId` in the dead-letter queue and replays it into its origin work
 * queue or drops it. A replay is one more attempt: the attempt count goes on from where it stopped
 * (so per-attempt records such as webhook deliveries stay distinct) and a replay that fails again is
 * dead-lettered again rather than retried. The dead-letter headers are removed, and the publish is
 * confirmed before the dead letter is acked, so a failed publish loses nothing. Messages looked at on the way are
 * returned to the queue when the caller closes the channel.
 */
export async function settleDeadLetter(
  channel: Channel,
  queue: string,
  messageId: string,
  action: DeadLetterAction,
  publish: (queue: string, content: Buffer, properties: Options.Publish) => Promise<void>,
): Promise<SettleResult> {
  for (let seen = 0; seen < DEAD_LETTER_SCAN_LIMIT; seen++) {
    const msg = await channel.get(queue, { noAck: false });
    if (!msg) return { found: false, queue: null };
    if (msg.properties.messageId !== messageId) continue;
    if (action === 'drop') {
      channel.ack(msg);
      return { found: true, queue: null };
    }
    const headers = { ...((msg.properties.headers ?? {}) as Record<string, unknown>) };
    const origin = headers[HEADERS.originQueue];
    if (!isReplayable(origin)) return { found: true, queue: null, notReplayable: true };
    delete headers[HEADERS.originQueue];
    delete headers[HEADERS.deadLetterReason];
    headers[HEADERS.attempt] = parseAttempt(headers[HEADERS.attempt]) + 1;
    headers['x-replayed-at'] = new Date().toISOString();
    const replays = headers['x-replays'];
    headers['x-replays'] = (typeof replays === 'number' ? replays : 0) + 1;
    await publish(origin, msg.content, { ...copyProperties(msg), headers });
    channel.ack(msg);
    return { found: true, queue: origin };
  }
  return { found: false, queue: null };
}
