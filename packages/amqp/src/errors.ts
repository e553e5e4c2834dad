/**
 * Errors that steer what the consumer does with a message, and the errors RPC callers see.
 * A handler may also return a HandlerResult instead of throwing; both paths end the same way.
 */

/** Thrown by a handler when trying again later may succeed → retry queue (back-off), then dead-letter. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** Thrown by a handler when the message can never succeed (bad params, unknown agent) → dead-letter at once. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/**
 * Thrown by an RPC server handler to answer with an error the caller may see. Any other error
 * becomes `{code: 'internal', message: 'internal error'}` so internals never leak to callers.
 */
export class RpcHandlerError extends Error {
  override readonly name = 'RpcHandlerError';
  constructor(
    /** Stable code the caller maps to an HTTP status (contracts ERROR_STATUS) */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Raised on the caller when the RPC server answered with an error. */
export class RpcRemoteError extends Error {
  override readonly name = 'RpcRemoteError';
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Raised on the caller when no answer came in time (server down, overloaded or broker unreachable).
 * Not a subclass of RpcRemoteError: the server never said anything. Its `code` maps to 503.
 */
export class RpcTimeoutError extends Error {
  override readonly name = 'RpcTimeoutError';
  readonly code = 'unavailable';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
    message = `rpc ${method} got no answer within ${timeoutMs} ms`,
  ) {
    super(message);
  }
}

/** Raised by publish() when the message does not match its schema in MESSAGE_CATALOG. */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';
  constructor(
    readonly messageType: string,
    readonly issues: unknown,
  ) {
    super(`message of type ${messageType} failed validation`);
  }
}
