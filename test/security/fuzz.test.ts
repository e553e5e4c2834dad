/**
 * Property-based fuzzing (fast-check) of every operation the gateway documents — the list comes
 * from its own /openapi.json, so a new route is fuzzed without touching this file. Each run sends
 * one request whose body, query, path parameters and headers are generated (schema-guided values,
 * arbitrary JSON, hostile strings, broken encodings) and asserts: never a 5xx, never a dropped
 * connection, errors always JSON, and nothing internal (stack, path, SQL, driver error) in any
 * answer. Rate limits are raised in this stack: they are attacked in owasp.test.ts; here every
 * input must reach validation.
 */
import fc from 'fast-check';
import { NETWORKS } from '@oca/contracts';
import { setRole } from '../../services/auth/src/cli/set-role';
import { call, LEAK, newUser, startAttackStack, type AttackStack, type TestUser } from './support';

jest.setTimeout(180_000);

let h: AttackStack;
let user: TestUser;
/** An admin's access token: admin routes get past authorisation into validation */
let adminToken: string;
/** More slots than operations; a test fails when the document outgrows them. */
const SLOTS = 40;
let operations: Operation[] = [];

interface Operation {
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
  body?: JsonSchema;
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

beforeAll(async () => {
  h = await startAttackStack('fuzz', {
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  });
  user = await newUser(h.gatewayUrl, 'fuzz');
  const admin = await newUser(h.gatewayUrl, 'fuzz-admin');
  await setRole(h.db.url, admin.email, 'admin');
  adminToken = (await call(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email: admin.email, password: admin.password } })).body.accessToken;
  const doc = (await call(h.gatewayUrl, 'GET', '/openapi.json')).body;
  operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
});

afterAll(async () => {
  await h?.close();
});

// ---- generators ----

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
/** Strings that broke parsers, validators, loggers or SQL somewhere before. */
const hostile = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u202e\u0000\ud800',
  '💥'.repeat(50),
  'a'.repeat(5000),
  "' OR '1'='1' --",
  '"; DROP TABLE jobs; --',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%0d%0a',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  '1e309',
  '0x' + 'f'.repeat(40),
  '0x' + 'F'.repeat(39) + 'g',
);
const wildString = fc.oneof(fc.string({ maxLength: 60 }), printable, hostile);
const wild: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: wildString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 2 ** 53, -(2 ** 63), 1.5, [], {}) },
);
const address = fc.oneof(fc.stringMatching(/^0x[0-9a-fA-F]{40}$/), fc.constantFrom(h0x('0'), h0x('f')), wildString);
function h0x(c: string) {
  return '0x' + c.repeat(40);
}
/** Webhook targets that can never be delivered to: reserved names and ranges only. */
const webhookUrl = fc.oneof(
  fc.domain().map((d) => `https://${d}.invalid/hook`),
  fc.constantFrom('http://127.0.0.1/', 'http://169.254.169.254/', 'https://x.invalid/\u0000', 'https://x.invalid/a b', 'http://[::1]/', 'http://192.0.2.1/', 'ftp://x.invalid/', 'javascript:alert(1)', 'http://a:b@x.invalid/'),
  wildString,
);

/** Values for properties whose meaning the schema cannot say (free-form `params`). */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  params: fc.oneof(
    fc.record({ network: fc.constantFrom(...NETWORKS, 'solana'), address }, { requiredKeys: [] }),
    fc.dictionary(wildString, wild, { maxKeys: 5 }),
    wild,
  ),
  agent: fc.oneof(fc.constantFrom('address', 'security', 'market', 'Address', 'address '), wildString),
  url: webhookUrl,
};

function stringFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [wildString, fc.string({ minLength: (schema.maxLength ?? 40) - 1, maxLength: (schema.maxLength ?? 40) + 2 })];
  if (schema.pattern) {
    try {
      options.push(fc.stringMatching(new RegExp(schema.pattern)));
    } catch {
      // a pattern fast-check cannot generate from: the other options still apply
    }
  }
  if (schema.format === 'email') options.push(fc.emailAddress());
  if (schema.format === 'uuid') options.push(fc.uuid());
  if (schema.format === 'uri') options.push(webhookUrl);
  return fc.oneof(...options);
}

function fromSchema(schema: JsonSchema | undefined, depth = 0, name = ''): fc.Arbitrary<unknown> {
  const hint = HINTS[name];
  if (hint) return hint;
  if (!schema || depth > 4) return wild;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => fromSchema(v, depth + 1, name)), wild);
  if (schema.enum) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: wild });
  switch (schema.type) {
    case 'string':
      return fc.oneof({ weight: 4, arbitrary: stringFor(schema) }, { weight: 1, arbitrary: wild });
    case 'integer':
    case 'number': {
      const min = Math.max(schema.minimum ?? -1e6, -1e9);
      const max = Math.min(schema.maximum ?? 1e6, 1e9);
      return fc.oneof(fc.integer({ min: Math.floor(min) - 2, max: Math.ceil(max) + 2 }), fc.double(), wild);
    }
    case 'boolean':
      return fc.oneof(fc.boolean(), wild);
    case 'array':
      return fc.oneof(fc.array(fromSchema(schema.items, depth + 1), { maxLength: 5 }), wild);
    case 'object': {
      const props = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, fromSchema(v, depth + 1, k)]));
      const shaped = fc.record(props, { requiredKeys: [] });
      // Sometimes smuggle extra keys in (mass assignment, prototype pollution).
      const extra = fc.dictionary(fc.oneof(wildString, fc.constantFrom('__proto__', 'constructor', 'role', 'userId', 'status')), wild, { maxKeys: 3 });
      return fc.oneof(
        { weight: 4, arbitrary: shaped },
        { weight: 1, arbitrary: fc.tuple(shaped, extra).map(([a, b]) => ({ ...b, ...a })) },
        { weight: 1, arbitrary: wild },
      );
    }
    default:
      return wild;
  }
}

/** A body as bytes on the wire: mostly JSON of generated values, sometimes broken JSON. */
function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: fromSchema(schema).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '{"a":1,}', '[]', 'null', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}') },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
    { weight: 1, arbitrary: printable },
  );
}

const contentType = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml');

function headersFor(withBody: boolean, adminRoute: boolean) {
  return fc.record(
    {
      auth: fc.oneof(
        { weight: adminRoute ? 8 : 1, arbitrary: fc.constant({ authorization: `Bearer ${adminToken}` }) },
        { weight: 4, arbitrary: fc.constant({ authorization: `Bearer ${user.token}` }) },
        { weight: 2, arbitrary: fc.constant({ 'x-api-key': user.apiKey }) },
        { weight: 1, arbitrary: fc.constant({}) },
        { weight: 2, arbitrary: printable.map((s) => ({ authorization: s })) },
        { weight: 1, arbitrary: printable.map((s) => ({ authorization: `Bearer ${s}` })) },
        { weight: 1, arbitrary: printable.map((s) => ({ 'x-api-key': s })) },
        { weight: 1, arbitrary: fc.tuple(printable, printable).map(([a, b]) => ({ authorization: `Bearer ${Buffer.from(a).toString('base64url')}.${Buffer.from(b).toString('base64url')}.x` })) },
      ),
      'idempotency-key': fc.option(printable, { nil: undefined }),
      'x-correlation-id': fc.option(printable, { nil: undefined }),
      'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), printable),
      'content-type': withBody ? contentType : fc.option(contentType, { nil: undefined }),
      accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'), { nil: undefined }),
    },
    { requiredKeys: ['auth', 'x-forwarded-for'] },
  ).map(({ auth, ...rest }) => {
    const headers: Record<string, string> = { ...auth };
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) headers[k] = v;
    return headers;
  });
}

function requestFor(op: Operation) {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const pathValue = fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 2, arbitrary: wildString.map(String) });
  const queryValue = (p: Operation['parameters'][number]) => fromSchema(p.schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  const query = fc.tuple(
    fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p)])), { requiredKeys: [] }),
    fc.dictionary(fc.oneof(printable, fc.constantFrom('wait', 'limit', 'status', '__proto__', 'wait[]')), printable, { maxKeys: 2 }),
  );
  const withBody = op.method === 'POST' || op.method === 'PATCH' || op.method === 'PUT';
  return fc.record({
    path: fc.tuple(...pathParams.map(() => pathValue)),
    query,
    body: withBody ? bodyFor(op.body) : fc.constant(undefined),
    headers: headersFor(withBody, op.path.startsWith('/v1/admin/')),
  });
}

// ---- the properties ----

/** Percent-encodes a segment; a lone surrogate becomes the bytes of one (malformed UTF-8 on the wire). */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
}

/** Every match of LEAK in the answer that the request did not itself contain (echoed input is not a leak). */
function leaks(answer: string, request: string): string[] {
  const global = new RegExp(LEAK.source, 'gi');
  return [...answer.matchAll(global)].map((m) => m[0]).filter((m) => !request.toLowerCase().includes(m.toLowerCase()));
}

const RUNS: Record<string, number> = {
  // argon2 on every well-formed attempt: fewer runs, still hundreds
  'POST /v1/auth/register': 120,
  'POST /v1/auth/login': 120,
  'POST /auth/login': 120,
  // waits for the jobs it starts
  'POST /api/analyze': 150,
};
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const tally = { requests: 0, byStatus: new Map<number, number>() };

describe('fuzzing every documented operation: never a 5xx, never a leak', () => {
  it('found the operations to fuzz', () => {
    expect(operations.length).toBeGreaterThanOrEqual(26);
    // Every operation gets a slot below; raise SLOTS when this fails.
    expect(operations.length).toBeLessThanOrEqual(SLOTS);
  });

  // One test per operation, generated once the document is known.
  for (let index = 0; index < SLOTS; index++) {
    it(`operation #${index + 1}`, async () => {
      const op = operations[index];
      if (!op) return; // fewer operations than slots
      const name = `${op.method} ${op.path}`;
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (req) => {
          let i = 0;
          const path = op.path.replace(/\{\w+\}/g, () => pathSegment(String(req.path[i++] ?? '')));
          const [shaped, extra] = req.query;
          const search = new URLSearchParams();
          for (const [k, v] of Object.entries({ ...extra, ...shaped })) search.append(k, String(v));
          const url = `${path}${search.size ? `?${search}` : ''}`;
          const res = await call(h.gatewayUrl, op.method, url, { raw: req.body, headers: req.headers, ip: req.headers['x-forwarded-for'] });
          tally.requests++;
          tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
          const context = `${name} → ${res.status} ${res.text.slice(0, 300)}`;
          if (res.status >= 500 || res.status < 200) throw new Error(`server error: ${context}`);
          const leaked = leaks(res.text, `${url} ${req.body ?? ''} ${JSON.stringify(req.headers)}`);
          if (leaked.length) throw new Error(`leak ${JSON.stringify(leaked)}: ${context}`);
          if (res.status >= 400) {
            if (!String(res.headers.get('content-type')).includes('application/json')) throw new Error(`non-JSON error: ${context}`);
            if (res.body?.error === undefined) throw new Error(`error without an error field: ${context}`);
          }
        }),
        { numRuns: RUNS[name] ?? 200, seed, endOnFailure: true },
      );
    });
  }

  afterAll(() => {
    // Visible with --verbose: how many inputs ran and what they got.
    process.stdout.write(`fuzz: ${tally.requests} requests over ${operations.length} operations; statuses ${JSON.stringify(Object.fromEntries(tally.byStatus))}\n`);
  });
});
