import { loggableHeaders } from '@oca/observability';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

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

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ request: { method: request.method, url: request.url, remoteAddress: request.ip, headers: loggableHeaders(request.headers) } }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.warn({ res: { statusCode: reply.statusCode }, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    reply.log.debug({ res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
  }
}
