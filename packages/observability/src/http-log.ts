import type { IncomingHttpHeaders } from 'node:http';

/**
 * Request headers whose values may appear in a log line. Everything else is logged as
 * `[redacted]` (so a debug line shows that an Authorization or X-API-Key header came, never its
 * value): an allowlist, so a header added later cannot leak by default.
 */
export const LOGGABLE_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'user-agent',
  'accept',
  'accept-encoding',
  'content-type',
  'content-length',
  'origin',
  'x-correlation-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
  'idempotency-key',
]);

export function loggableHeaders(headers: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = LOGGABLE_HEADERS.has(name) ? value : '[redacted]';
  return out;
}
