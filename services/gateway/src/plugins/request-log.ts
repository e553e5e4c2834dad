import { loggableHeaders } from '@oca/observability';
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

/** fastify's logger is the service's pino logger (server.ts): its level checks are pino's. */
const debugEnabled = (log: FastifyBaseLogger) => (log as Logger).isLevelEnabled('debug');

/**
 * Per-request log lines at `debug` only: at `info` they would dominate the log (requests are
 * measured as metrics instead). A debug line shows method, URL, client and headers — only the
 * allowlisted header values; Authorization, X-API-Key, cookies and anything unknown are logged
 * as `[redacted]`. Bodies are never logged (they carry passwords and tokens). The key is
 * `request`, not `req`: fastify's `req` serializer would drop the headers.
 */
export class DebugRequestLog extends LogController {
  constructor() {
    super({ disableRequestLogging: false });
  }

  // The level is checked first: the line's fields (the headers' allowlist) cost every request.
  override incomingRequest(request: FastifyRequest): void {
    if (!debugEnabled(request.log)) return;
    request.log.debug({ request: { method: request.method, url: request.url, remoteAddress: request.ip, headers: loggableHeaders(request.headers) } }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.warn({ res: { statusCode: reply.statusCode }, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    if (!debugEnabled(reply.log)) return;
    reply.log.debug({ res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
  }
}

const BINDINGS = Symbol('request-log.bindings');
const CHILD = Symbol('request-log.child');

interface LazyLogger {
  [BINDINGS]: Bindings;
  [CHILD]?: FastifyBaseLogger;
}

/**
 * fastify's `childLoggerFactory`: each request's logger becomes the pino child with its bindings
 * (the request id, `reqId`) only when it writes a line or is asked for its bindings or a child.
 * Building a child per request cost every request pino's binding serialization (run through the
 * redaction of every wildcard path) although, below `warn`, almost no request writes a line. A
 * line written through the request logger is the same line as before: the child writes it.
 * Loggers with their own level or serializers (a route's `logLevel`) are built at once.
 */
export function lazyRequestLoggers() {
  const prototypes = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();
  return function (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
    if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
    let prototype = prototypes.get(logger);
    if (!prototype) {
      prototype = lazyPrototype(logger);
      prototypes.set(logger, prototype);
    }
    const lazy = Object.create(prototype) as FastifyBaseLogger & LazyLogger;
    lazy[BINDINGS] = bindings;
    return lazy;
  };
}

/** The parent's methods, each writing through the child (built on first use); disabled levels stay no-ops. */
function lazyPrototype(parent: FastifyBaseLogger): FastifyBaseLogger {
  const prototype = Object.create(parent) as Record<string | symbol, unknown>;
  const child = (lazy: LazyLogger): FastifyBaseLogger => (lazy[CHILD] ??= parent.child(lazy[BINDINGS]));
  const levels = Object.keys((parent as unknown as { levels: { values: Record<string, number> } }).levels.values);
  for (const level of levels) {
    prototype[level] = function (this: LazyLogger, ...args: unknown[]) {
      if (!(parent as Logger).isLevelEnabled(level)) return;
      (child(this) as unknown as Record<string, (...a: unknown[]) => void>)[level]!(...args);
    };
  }
  prototype.child = function (this: LazyLogger, bindings: Bindings, options?: ChildLoggerOptions) {
    return child(this).child(bindings, options);
  };
  prototype.bindings = function (this: LazyLogger) {
    return (child(this) as unknown as { bindings(): Bindings }).bindings();
  };
  return prototype as unknown as FastifyBaseLogger;
}
