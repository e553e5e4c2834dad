import type { ErrorCode } from '@oca/contracts';
import { ERROR_STATUS } from '@oca/contracts';

/**
 * A refusal or failure the client may see, with a stable `code` (one table, ERROR_STATUS in
 * @oca/contracts, gives its HTTP status). Domain code throws it without knowing about HTTP; the
 * error handler alone turns it into a status, `Retry-After` and `{error: {code, message, details?}}`.
 * The message is safe to show a client.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** When the client may try again (rate limits, overload, a broker outage) → `Retry-After`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The HTTP status a domain error code answers with. */
export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}
