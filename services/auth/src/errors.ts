import type { ErrorCode } from '@oca/contracts';

/**
 * A domain error with a stable code from ERROR_STATUS; the RPC handler answers with it and the
 * gateway maps the code to an HTTP status. The message is safe to show a client.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
