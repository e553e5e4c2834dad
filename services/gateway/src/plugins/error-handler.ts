import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, statusOf } from '../errors';

interface ErrorReply {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

/** Fastify's own client errors that carry a 4xx status, mapped to stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
};

function toReply(error: FastifyError | Error): ErrorReply {
  if (error instanceof DomainError) {
    const status = statusOf(error.code);
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
    // RFC 9110: a 401 names the scheme the client should use.
    if (status === 401) headers['www-authenticate'] = 'Bearer';
    return { status, code: error.code, message: error.message, details: error.details, headers };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      field: [error.validationContext, ...(v.instancePath ? v.instancePath.split('/').filter(Boolean) : [])].join('.'),
      message: v.message ?? 'invalid',
    }));
    return { status: 400, code: 'validation_failed', message: `${issues[0]?.field}: ${issues[0]?.message}`, details: { issues } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = FASTIFY_CODES[fastifyError.code] ?? (fastifyError.statusCode === 413 ? 'payload_too_large' : 'validation_failed');
    // Fastify's 4xx messages describe the request (e.g. "Body is not valid JSON"), never internals.
    return { status: fastifyError.statusCode, code, message: fastifyError.message };
  }
  return { status: 500, code: 'internal', message: 'Internal error; it has been logged' };
}

/**
 * Every error becomes `{error: {code, message, details?}}` — or, on the seed-compatible routes,
 * `{error: message, code, details?}`; a 5xx never shows internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const out = toReply(error);
    if (out.status >= 500) request.log.error({ err: error }, 'request failed');
    if (out.headers) void reply.headers(out.headers);
    const details = out.details !== undefined ? { details: out.details } : {};
    const body =
      request.routeOptions.config?.errorFormat === 'compat'
        ? { error: out.message, code: out.code, ...details }
        : { error: { code: out.code, message: out.message, ...details } };
    void reply.status(out.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'Request headers are larger than the gateway accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request was not received in time'],
};

/**
 * Errors Node's HTTP parser raises before fastify sees a request (oversized headers, a malformed
 * request line): answered in the API's JSON shape, then the connection is closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'validation_failed', 'Malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * The router's own rejections (a path parameter over maxParamLength → 414, a malformed percent-
 * encoding → 400), which never reach the error handler; by default fastify answers them in its
 * own shape and echoes the path.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply
    .status(tooLong ? 414 : 400)
    .header('x-content-type-options', 'nosniff')
    .send({ error: { code: 'validation_failed', message: tooLong ? 'A path parameter is too long' : 'The URL is not valid' } });
}
