/**
 * JSON with object keys sorted and `undefined` members dropped, so two values that mean the same
 * thing serialize to the same string whatever order their keys were written in. The idempotency
 * check and the result cache hash it: both must agree on it, so it lives here.
 *
 * Arrays keep their order (order is meaning there). Keys are compared by UTF-16 code units, the
 * same as `<` on strings. Not a general JCS (RFC 8785) implementation: numbers and strings are
 * written as JSON.stringify writes them, which is stable for the zod-parsed params it is used on.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
