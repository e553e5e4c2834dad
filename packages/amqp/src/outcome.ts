import { PermanentError } from './errors';
import type { DeadLetterKind } from './metrics';
import type { HandlerResult } from './options';

/**
 * Pure decisions of the consumer: what a handler's result or error means, and where the message goes
 * next given its attempt and the queue's retry steps. Kept apart from I/O so it is unit-tested.
 */

export type Outcome =
  | { action: 'ack' }
  | { action: 'retry'; reason: string }
  | { action: 'dead-letter'; reason: string; kind: DeadLetterKind };

export type Settlement =
  | { action: 'ack' }
  | { action: 'retry'; reason: string; retryQueue: string; nextAttempt: number }
  | { action: 'dead-letter'; reason: string; kind: DeadLetterKind };

/** Header values stay small: RabbitMQ limits frame sizes and these end up in dashboards. */
const MAX_REASON_LENGTH = 1_000;

export function truncateReason(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

export function outcomeOfResult(result: HandlerResult | void): Outcome {
  if (!result || result.action === 'ack') return { action: 'ack' };
  if (result.action === 'retry') return { action: 'retry', reason: result.reason };
  return { action: 'dead-letter', reason: result.reason, kind: 'handler' };
}

/** PermanentError dead-letters at once; TransientError and anything unexpected take the retry path. */
export function outcomeOfError(err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof PermanentError) return { action: 'dead-letter', reason: message, kind: 'permanent' };
  return { action: 'retry', reason: message };
}

/**
 * `attempt` is 1-based. Attempt k (k ≤ n) that fails waits in retry queue k and comes back as
 * attempt k+1; attempt n+1 that fails is dead-lettered.
 */
export function settle(outcome: Outcome, attempt: number, retryQueues: readonly string[]): Settlement {
  if (outcome.action !== 'retry') return outcome;
  const retryQueue = retryQueues[attempt - 1];
  if (retryQueue === undefined) {
    return {
      action: 'dead-letter',
      kind: 'retries_exhausted',
      reason: `retries exhausted after ${attempt} attempt(s): ${outcome.reason}`,
    };
  }
  return { action: 'retry', reason: outcome.reason, retryQueue, nextAttempt: attempt + 1 };
}

/** HEADERS.attempt as a positive integer; anything else (absent, garbage) counts as the first attempt. */
export function parseAttempt(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
}
