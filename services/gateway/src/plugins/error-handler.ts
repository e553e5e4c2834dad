import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from '../errors';

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
  if (error instanceof ApiError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details, headers: error.headers };
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

/** Every error becomes `{error: {code, message, details?}}`; a 5xx never shows internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const out = toReply(error);
    if (out.status >= 500) request.log.error({ err: error }, 'request failed');
    if (out.headers) void reply.headers(out.headers);
    void reply.status(out.status).send({ error: { code: out.code, message: out.message, ...(out.details !== undefined ? { details: out.details } : {}) } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });
}
