import { ERROR_STATUS, type ErrorCode } from '@oca/contracts';

/**
 * An error the API answers with as JSON `{error: {code, message, details?}}`. The code picks the
 * status (ERROR_STATUS, one table for the whole API); the message is safe to show a client.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}
