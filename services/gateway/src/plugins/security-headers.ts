import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Helmet's headers on every response (nosniff, frame denial, HSTS, a same-origin CSP…), and CORS only for an explicit list of origins: without one, browsers on other
 * origins cannot read any answer. Credentials are headers (Bearer, X-API-Key), never cookies, so
 * CORS never allows credentials.
 */
export async function registerSecurityHeaders(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  // Built once: @fastify/helmet rebuilt the middleware (CSP directives parsed again) on every
  // request, a measurable share of a cheap request's CPU (docs/benchmarks.md, reads).
  const setHeaders = helmet({
    // Helmet's CSP, minus upgrade-insecure-requests (it would break /docs on a plain-HTTP dev
    // stack; HSTS covers production) and with framing refused outright: nothing here is meant to
    // be embedded.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  app.addHook('onRequest', (request, reply, done) => setHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
  if (corsOrigins.length === 0) return;
  const allowed = new Set(corsOrigins.map((o) => new URL(o).origin));
  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'idempotency-key', 'x-correlation-id'],
    exposedHeaders: ['location', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-correlation-id', 'idempotent-replayed', 'cache-status'],
    credentials: false,
    maxAge: 600,
  });
}
