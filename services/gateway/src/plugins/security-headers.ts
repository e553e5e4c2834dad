import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Helmet's CSP, minus upgrade-insecure-requests (it would break /docs on a plain-HTTP dev stack;
 * HSTS covers production) and with framing refused outright: nothing here is meant to be embedded.
 */
export const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
};

/**
 * Helmet's headers for this API, computed once: helmet is given a response that only records what
 * it sets (its middlewares are synchronous and depend on nothing in the request with this
 * configuration), so they are exactly helmet's, with its defaults kept up to date by helmet.
 */
export function securityHeaders(): Readonly<Record<string, string>> {
  const setHeaders = helmet(HELMET_OPTIONS);
  const recorded: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (recorded[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete recorded[name.toLowerCase()],
  };
  let finished = false;
  setHeaders({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously');
  return Object.freeze(recorded);
}

/**
 * Helmet's headers on every response (nosniff, frame denial, HSTS, a same-origin CSP…), and CORS only for an explicit list of origins: without one, browsers on other
 * origins cannot read any answer. Credentials are headers (Bearer, X-API-Key), never cookies, so
 * CORS never allows credentials.
 */
export async function registerSecurityHeaders(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  const headers = securityHeaders();
  // Added to fastify's own reply headers, which it writes with one writeHead. Calling the raw
  // response's setHeader (what helmet does) switched Node to its "progressive" path for every
  // header of every response — a measurable share of a cheap request's CPU (docs/benchmarks.md).
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
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
