/**
 * The attack suite: one group per OWASP API Security Top 10 (2023) item, each attacking the
 * running gateway (real auth, executor, PostgreSQL, Redis, RabbitMQ, anvil) the way a hostile
 * client would. What each group attacks and what it found: docs/security.md.
 */
import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Broker, newEnvelope } from '@oca/amqp';
import { AddressResult, EXCHANGES } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { serviceUrls } from '@oca/testkit';
import { Client } from 'pg';
import { setRole } from '../../services/auth/src/cli/set-role';
import { call, clientIp, decodeJwt, LEAK, newUser, publicKeyForms, signEdDsa, signHs256, sleep, startAttackStack, UUID_V4, type AttackStack, type TestUser } from './support';

jest.setTimeout(120_000);

let h: AttackStack;
let base: string;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  h = await startAttackStack('owasp', { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false', ACTIVE_JOBS_MAX_PER_USER: '5' });
  base = h.gatewayUrl;
  [alice, bob] = await Promise.all([newUser(base, 'alice'), newUser(base, 'bob')]);
});

afterAll(async () => {
  await h?.close();
});

async function finishedJob(user: TestUser, address = h.scenario.erc20): Promise<string> {
  // bypass: a cached answer (200) would not run the agent this helper is about.
  const submit = await call(base, 'POST', '/v1/jobs', { apiKey: user.apiKey, body: { agent: 'address', params: { network: 'devnet', address }, cache: 'bypass' } });
  expect(submit.status).toBe(202);
  const done = await call(base, 'GET', `/v1/jobs/${submit.body.id}?wait=20`, { apiKey: user.apiKey });
  expect(done.body.status).toBe('succeeded');
  return submit.body.id as string;
}

describe('API1:2023 Broken Object Level Authorization', () => {
  it("cannot read, cancel or list the deliveries of another user's job; the answer equals a missing job's", async () => {
    const id = await finishedJob(alice);
    const missing = await call(base, 'GET', `/v1/jobs/${randomUUID()}`, { token: bob.token });
    for (const [method, path] of [
      ['GET', `/v1/jobs/${id}`],
      ['GET', `/v1/jobs/${id}?wait=1`],
      ['DELETE', `/v1/jobs/${id}`],
      ['GET', `/v1/jobs/${id}/deliveries`],
    ] as const) {
      const res = await call(base, method, path, { token: bob.token });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body); // no oracle telling "exists, not yours" from "absent"
    }
    const list = await call(base, 'GET', '/v1/jobs?limit=100', { apiKey: bob.apiKey });
    expect(list.body.items.map((j: { id: string }) => j.id)).not.toContain(id);
    // Alice still sees it, unchanged.
    expect((await call(base, 'GET', `/v1/jobs/${id}`, { token: alice.token })).body.status).toBe('succeeded');
  });

  it("cannot revoke another user's API key by its id", async () => {
    const res = await call(base, 'DELETE', `/v1/api-keys/${alice.apiKeyId}`, { token: bob.token });
    expect(res.status).toBe(404);
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: alice.apiKey })).status).toBe(200);
    const keys = await call(base, 'GET', '/v1/api-keys', { token: bob.token });
    expect(keys.body.items.map((k: { id: string }) => k.id)).not.toContain(alice.apiKeyId);
  });

  it('gives each user their own webhook secret, and object IDs are random UUIDv4 (not enumerable)', async () => {
    const [a, b] = await Promise.all([call(base, 'GET', '/v1/webhook-secret', { token: alice.token }), call(base, 'GET', '/v1/webhook-secret', { token: bob.token })]);
    expect(a.body.secret).toMatch(/^whsec_/);
    expect(a.body.secret).not.toBe(b.body.secret);
    expect(alice.userId).toMatch(UUID_V4);
    expect(alice.apiKeyId).toMatch(UUID_V4);
  });
});

describe('API2:2023 Broken Authentication', () => {
  let kid: string;
  let claims: Record<string, unknown>;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(() => {
    const decoded = decodeJwt(alice.token);
    kid = String(decoded.header.kid);
    claims = decoded.claims;
  });

  /** Alice's claims, re-signed with the real key after `change` — one property differs. */
  const minted = (change: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const next: Record<string, unknown> = { ...claims, iat: now(), exp: now() + 300, ...change };
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
    return signEdDsa(h.signingKey, { kid, ...header }, next);
  };

  it('accepts a token minted with the real key and claims (the control for every case below)', async () => {
    expect((await call(base, 'GET', '/v1/jobs', { token: minted({}) })).status).toBe(200);
  });

  it('rejects alg none, HS256 keyed with the public key (algorithm confusion), a foreign key and a tampered payload', async () => {
    const [header, payload, signature] = alice.token.split('.');
    const { pem, jwkX } = publicKeyForms(h.signingKey);
    const { privateKey: foreign } = generateKeyPairSync('ed25519');
    const tampered = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const forgeries = {
      algNone: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url')}.${payload}.`,
      algNoneKeepSig: `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid })).toString('base64url')}.${payload}.${signature}`,
      hsPublicPem: signHs256(pem, { kid }, { ...claims, exp: now() + 300 }),
      hsPublicJwkX: signHs256(Buffer.from(jwkX, 'base64url'), { kid }, { ...claims, exp: now() + 300 }),
      foreignKeySameKid: signEdDsa(foreign, { kid }, { ...claims, exp: now() + 300 }),
      foreignKeyEmbeddedJwk: signEdDsa(foreign, { kid, jwk: publicKeyForms(foreign) }, { ...claims, exp: now() + 300 }),
      foreignKeyJku: signEdDsa(foreign, { kid: 'attacker', jku: 'http://169.254.169.254/jwks.json' }, { ...claims, exp: now() + 300 }),
      tamperedPayload: `${header}.${tampered}.${signature}`,
      strippedSignature: `${header}.${payload}.`,
      kidTraversal: signEdDsa(foreign, { kid: '../../../../etc/passwd' }, claims),
      kidInjection: signEdDsa(foreign, { kid: "' OR '1'='1" }, claims),
    };
    for (const [name, token] of Object.entries(forgeries)) {
      const res = await call(base, 'GET', '/v1/jobs', { token });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.text).not.toMatch(LEAK);
    }
  });

  it('rejects expired, not-yet-valid, wrong-issuer, wrong-audience, exp-less and malformed-claim tokens signed with the real key', async () => {
    const cases = {
      expired: minted({ iat: now() - 3600, exp: now() - 60 }),
      notYetValid: minted({ nbf: now() + 3600 }),
      wrongIssuer: minted({ iss: 'someone-else' }),
      wrongAudience: minted({ aud: 'another-api' }),
      noExpiry: minted({ exp: undefined }),
      noIssuedAt: minted({ iat: undefined }),
      unknownRole: minted({ role: 'superadmin' }),
      subjectNotUuid: minted({ sub: '1 OR 1=1' }),
      unknownKid: minted({}, { kid: 'not-a-published-key' }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await call(base, 'GET', '/v1/jobs', { token });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
    expect((await call(base, 'GET', '/v1/jobs', { token: cases.expired })).body.error.code).toBe('token_expired');
  });

  it('takes credentials only from the Authorization and X-API-Key headers, and refuses guessed keys', async () => {
    expect((await call(base, 'GET', `/v1/jobs?access_token=${alice.token}`)).status).toBe(401);
    expect((await call(base, 'GET', '/v1/jobs', { headers: { cookie: `token=${alice.token}` } })).status).toBe(401);
    const missing = await call(base, 'GET', '/v1/jobs');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const prefix = alice.apiKey.slice(0, alice.apiKey.lastIndexOf('_') + 1);
    for (const guess of [`${prefix}${'A'.repeat(43)}`, 'oca_x', 'x'.repeat(5000), alice.apiKey.slice(0, -1), `${alice.apiKey}x`, alice.apiKey.toUpperCase()]) {
      expect((await call(base, 'GET', '/v1/jobs', { apiKey: guess })).status).toBe(401);
    }
  });

  it('revokes the whole token family when a rotated refresh token is replayed', async () => {
    const user = await newUser(base, 'family');
    const first = await call(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(first.status).toBe(200);
    const replay = await call(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(replay.status).toBe(401);
    // The legitimate successor is revoked too: the thief's and the owner's sessions both end.
    expect((await call(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status).toBe(401);
  });

  it('backs off login brute force per account and IP, without telling accounts apart', async () => {
    const user = await newUser(base, 'brute');
    const attacker = clientIp();
    const unknown = await call(base, 'POST', '/v1/auth/login', { body: { email: `nobody-${Date.now()}@example.com`, password: 'guess-0' }, ip: clientIp() });
    const wrong = await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: 'guess-0' }, ip: clientIp() });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.body).toEqual(wrong.body);
    for (let i = 1; i <= 5; i++) {
      expect((await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: `guess-${i}` }, ip: attacker })).status).toBe(401);
    }
    const locked = await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: user.password }, ip: attacker });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The seed alias shares the back-off…
    expect((await call(base, 'POST', '/auth/login', { body: { email: user.email, password: user.password }, ip: attacker })).status).toBe(429);
    // …and the owner, from their own address, is not locked out.
    expect((await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: user.password }, ip: clientIp() })).status).toBe(200);
  });
});

describe('API3:2023 Broken Object Property Level Authorization', () => {
  it('refuses to let a client set role, owner or state (mass assignment)', async () => {
    const email = `mass-${Date.now()}@example.com`;
    const ip = clientIp();
    for (const extra of [{ role: 'admin' }, { plan: 'premium' }, { disabled: false }, { id: randomUUID() }]) {
      const res = await call(base, 'POST', '/v1/auth/register', { body: { email, password: 'correct horse battery staple', ...extra }, ip });
      expect(res.status).toBe(400);
    }
    const addr = h.scenario.eoa;
    for (const extra of [{ userId: bob.userId }, { status: 'succeeded' }, { result: { pwned: true } }, { createdAt: '2000-01-01T00:00:00Z' }]) {
      const res = await call(base, 'POST', '/v1/jobs', { apiKey: alice.apiKey, body: { agent: 'address', params: { network: 'devnet', address: addr }, ...extra } });
      expect(res.status).toBe(400);
    }
    const params = await call(base, 'POST', '/v1/jobs', { apiKey: alice.apiKey, body: { agent: 'address', params: { network: 'devnet', address: addr, userId: bob.userId } } });
    expect(params.status).toBe(400);
    expect((await call(base, 'POST', '/v1/api-keys', { token: alice.token, body: { name: 'k', userId: bob.userId } })).status).toBe(400);
    const registered = await call(base, 'POST', '/v1/auth/register', { body: { email, password: 'correct horse battery staple' }, ip });
    expect(registered.body.role).toBe('user');
  });

  it('exposes no secret or internal property: no hashes, no full keys after creation, no owner ids on jobs', async () => {
    const login = await call(base, 'POST', '/v1/auth/login', { body: { email: alice.email, password: alice.password } });
    expect(Object.keys(login.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user']);
    expect(Object.keys(login.body.user).sort()).toEqual(['createdAt', 'email', 'id', 'role']);
    const keys = await call(base, 'GET', '/v1/api-keys', { token: alice.token });
    expect(keys.text).not.toContain(alice.apiKey);
    expect(Object.keys(keys.body.items[0]).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    const id = await finishedJob(alice, h.scenario.eoa);
    const job = await call(base, 'GET', `/v1/jobs/${id}`, { apiKey: alice.apiKey });
    expect(Object.keys(job.body).sort()).toEqual(['agent', 'cache', 'createdAt', 'error', 'finishedAt', 'id', 'links', 'params', 'priority', 'result', 'startedAt', 'status', 'webhook']);
    expect(job.text).not.toContain(alice.userId);
  });
});

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it('limits each user per route (100/min by default) with 429, Retry-After and RateLimit-* headers', async () => {
    const user = await newUser(base, 'greedy');
    const answers = await Promise.all(Array.from({ length: 101 }, () => call(base, 'GET', '/v1/webhook-secret', { apiKey: user.apiKey })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(100);
    const [res] = limited;
    expect(res!.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'caller', max: 100 } });
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res!.headers.get('ratelimit-limit')).toBe('100');
    expect(res!.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(res!.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    // The same user, through an access token instead of the key: the same budget.
    expect((await call(base, 'GET', '/v1/webhook-secret', { token: user.token })).status).toBe(429);
  });

  it('limits the credential routes per client IP (20/min)', async () => {
    const ip = clientIp();
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await call(base, 'POST', '/v1/auth/register', { body: { email: 'x', password: 'y' }, ip })).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('bounds body, headers, wait, page size and cursor with clear 4xx', async () => {
    const big = await call(base, 'POST', '/v1/jobs', { token: alice.token, body: { agent: 'address', params: { pad: 'x'.repeat(100_000) } } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const url = new URL(base);
    const headerStatus = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: '/health', headers: { 'x-pad': 'x'.repeat(32 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(headerStatus).toBe(431);
    for (const path of [`/v1/jobs/${randomUUID()}?wait=31`, '/v1/jobs?limit=101', '/v1/jobs?limit=0', `/v1/jobs?cursor=${'x'.repeat(500)}`]) {
      const res = await call(base, 'GET', path, { token: alice.token });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
    const deep = await call(base, 'POST', '/v1/jobs', { token: alice.token, raw: '['.repeat(30_000) + ']'.repeat(30_000) });
    expect(deep.status).toBe(400);
  });

  it('caps queued jobs and open long-polls per user with 429 (executor stopped so jobs stay queued)', async () => {
    const user = await newUser(base, 'hoarder');
    await h.stack.stop('agent-executor');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await call(base, 'POST', '/v1/jobs', { apiKey: user.apiKey, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, cache: 'bypass' } });
        expect(res.status).toBe(202);
        ids.push(res.body.id);
      }
      const sixth = await call(base, 'POST', '/v1/jobs', { apiKey: user.apiKey, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, cache: 'bypass' } });
      expect(sixth.status).toBe(429);
      expect(sixth.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'active_jobs', max: 5 } });

      const polls = Array.from({ length: 20 }, (_, i) => call(base, 'GET', `/v1/jobs/${ids[i % 5]}?wait=3`, { apiKey: user.apiKey }));
      await sleep(500);
      const extra = await call(base, 'GET', `/v1/jobs/${ids[0]}?wait=3`, { apiKey: user.apiKey });
      expect(extra.status).toBe(429);
      expect(extra.body.error.details).toMatchObject({ limit: 'long_polls', max: 20 });
      expect((await Promise.all(polls)).every((p) => p.status === 200 && p.body.status === 'queued')).toBe(true);
      for (const id of ids) expect((await call(base, 'DELETE', `/v1/jobs/${id}`, { apiKey: user.apiKey })).status).toBe(200);
      expect((await call(base, 'POST', '/v1/jobs', { apiKey: user.apiKey, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, cache: 'bypass' } })).status).toBe(202);
    } finally {
      h.stack.start('agent-executor');
    }
  });
});

describe('API5:2023 Broken Function Level Authorization', () => {
  const adminRoutes = (userId: string, keyId: string): Array<[string, string, unknown?]> => [
    ['GET', '/v1/admin/users'],
    ['PATCH', `/v1/admin/users/${userId}`, { role: 'admin' }],
    ['GET', `/v1/admin/users/${userId}/api-keys`],
    ['DELETE', `/v1/admin/api-keys/${keyId}`],
    ['GET', '/v1/admin/audit'],
    ['GET', '/v1/admin/dead-letters'],
    ['POST', `/v1/admin/dead-letters/${randomUUID()}/replay`],
    ['DELETE', `/v1/admin/dead-letters/${randomUUID()}`],
    ['GET', `/v1/admin/usage?from=2026-01-01&to=2026-01-31&userId=${userId}`],
  ];

  it('refuses every admin route to anonymous callers (401) and to user and premium tokens and API keys (403), changing nothing', async () => {
    const premium = await newUser(base, 'premium');
    await setRole(h.db.url, premium.email, 'premium');
    const relogin = await call(base, 'POST', '/v1/auth/login', { body: { email: premium.email, password: premium.password } });
    const callers: Array<[string, { token?: string; apiKey?: string }]> = [
      ['user token', { token: alice.token }],
      ['user API key', { apiKey: alice.apiKey }],
      ['premium token', { token: relogin.body.accessToken }],
      ['premium API key', { apiKey: premium.apiKey }],
    ];
    // Bob is the target: an escalation would make him admin or revoke his key.
    for (const [method, path, body] of adminRoutes(bob.userId, bob.apiKeyId)) {
      expect({ path, status: (await call(base, method, path, { body })).status }).toEqual({ path, status: 401 });
      for (const [who, credential] of callers) {
        const res = await call(base, method, path, { ...credential, body });
        expect({ who, method, path, status: res.status, code: res.body?.error?.code }).toEqual({ who, method, path, status: 403, code: 'forbidden' });
      }
    }
    // A token whose role claim says admin but whose signature is not auth's stays out (API2 covers forgery in depth).
    const forged = signEdDsa(generateKeyPairSync('ed25519').privateKey, { kid: decodeJwt(alice.token).header.kid }, { ...decodeJwt(alice.token).claims, role: 'admin' });
    expect((await call(base, 'GET', '/v1/admin/users', { token: forged })).status).toBe(401);
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: bob.apiKey })).status).toBe(200);
  });

  it('lets an admin reach the same routes (so the 403s above are authorisation, not missing routes)', async () => {
    const root = await newUser(base, 'root');
    await setRole(h.db.url, root.email, 'admin');
    const login = await call(base, 'POST', '/v1/auth/login', { body: { email: root.email, password: root.password } });
    const victim = await newUser(base, 'victim');
    const expected = [200, 200, 200, 200, 200, 200, 404, 404, 200];
    const routes = adminRoutes(victim.userId, victim.apiKeyId);
    for (const [i, [method, path, body]] of routes.entries()) {
      const res = await call(base, method, path, { token: login.body.accessToken, body });
      expect({ path, status: res.status }).toEqual({ path, status: expected[i] });
    }
  });

  it('keeps plan-level functions to their plan: priority above the role ceiling is refused', async () => {
    const res = await call(base, 'POST', '/v1/jobs', { apiKey: alice.apiKey, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, priority: 9 } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('priority_not_allowed');
  });

  it('does not answer methods a route does not have', async () => {
    for (const method of ['PUT', 'PATCH']) expect((await call(base, method, `/v1/jobs/${randomUUID()}`, { token: alice.token, body: { status: 'succeeded' } })).status).toBe(404);
    expect((await call(base, 'DELETE', '/v1/webhook-secret', { token: alice.token })).status).toBe(404);
  });
});

describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
  it('caps mass account creation from one client', async () => {
    const ip = clientIp();
    const statuses = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await call(base, 'POST', '/v1/auth/register', { body: { email: `farm-${Date.now()}-${i}@example.com`, password: 'correct horse battery staple' }, ip })).status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
  });

  it('does not double-run a replayed submission (Idempotency-Key) and answers a conflicting replay with 422', async () => {
    const key = `replay-${Date.now()}`;
    const body = { agent: 'address', params: { network: 'devnet', address: h.scenario.erc721 } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(base, 'POST', '/v1/jobs', { apiKey: alice.apiKey, body, headers: { 'idempotency-key': key } })));
    const ids = new Set(answers.filter((a) => a.status === 202).map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.every((a) => a.status === 202 || a.status === 409)).toBe(true);
    const other = await call(base, 'POST', '/v1/jobs', { apiKey: alice.apiKey, body: { ...body, params: { ...body.params, address: h.scenario.eoa } }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
  });
});

describe('API7:2023 Server Side Request Forgery (webhook URLs; WEBHOOK_ALLOW_PRIVATE_TARGETS=false)', () => {
  const targets = [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://metadata/',
    'http://2130706433/', // decimal 127.0.0.1
    'http://0x7f000001/', // hex
    'http://0177.0.0.1/', // octal
    'http://127.1/',
    'http://2852039166/', // decimal 169.254.169.254
    'http://[::ffff:127.0.0.1]/', // IPv4-mapped IPv6
    'http://[::ffff:a9fe:a9fe]/', // IPv4-mapped metadata
    'http://[64:ff9b::a9fe:a9fe]/', // NAT64 of the metadata IP
    'http://[2002:a9fe:a9fe::1]/', // 6to4 of the metadata IP
    'http://[::1]/',
    'http://[::]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://localhost:5432/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'http://0.0.0.0/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.0.1/',
    'http://100.64.0.1/', // carrier-grade NAT
    'http://198.18.0.1/', // benchmarking range
    'http://224.0.0.1/', // multicast
    'http://user:pass@93.184.216.34/', // credentials in the URL
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_INFO',
    'ftp://93.184.216.34/',
    'http://unresolvable.invalid/',
  ];

  it('refuses every internal, metadata, encoded or non-HTTP target at submit, and queues nothing', async () => {
    const before = (await call(base, 'GET', '/v1/jobs?limit=100', { apiKey: bob.apiKey })).body.items.length;
    for (const url of targets) {
      const res = await call(base, 'POST', '/v1/jobs', { apiKey: bob.apiKey, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, webhook: { url } } });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(['webhook_url_rejected', 'validation_failed']).toContain(res.body.error.code);
    }
    expect((await call(base, 'GET', '/v1/jobs?limit=100', { apiKey: bob.apiKey })).body.items.length).toBe(before);
  });
});

describe('API8:2023 Security Misconfiguration', () => {
  it('sends security headers on every kind of answer and no X-Powered-By', async () => {
    const answers = await Promise.all([
      call(base, 'GET', '/health'),
      call(base, 'GET', '/v1/jobs'),
      call(base, 'GET', '/nowhere'),
      call(base, 'POST', '/v1/auth/login', { raw: '{', headers: { 'content-type': 'application/json' } }),
      call(base, 'GET', '/docs'),
    ]);
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('server')).toBeNull();
    }
  });

  it('has CORS off: no Access-Control-Allow-Origin for any origin, no preflight', async () => {
    const res = await call(base, 'GET', '/v1/agents', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await call(base, 'OPTIONS', '/v1/jobs', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers every error as JSON without stack traces, paths or internal messages', async () => {
    const answers = await Promise.all([
      call(base, 'GET', '/nowhere'),
      call(base, 'POST', '/v1/jobs', { token: alice.token, raw: '{"agent":', headers: { 'content-type': 'application/json' } }),
      call(base, 'POST', '/v1/jobs', { token: alice.token, raw: '<xml/>', headers: { 'content-type': 'application/xml' } }),
      call(base, 'POST', '/v1/jobs', { token: alice.token, raw: '{"__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } }),
      call(base, 'POST', '/v1/jobs', { token: alice.token, raw: '{"constructor":{"prototype":{"admin":true}}}', headers: { 'content-type': 'application/json' } }),
      call(base, 'GET', `/v1/jobs/${'a'.repeat(500)}`, { token: alice.token }),
      call(base, 'GET', '/v1/jobs/%E0%A4%A', { token: alice.token }),
      call(base, 'GET', "/v1/jobs?status=queued'%20OR%201=1--", { token: alice.token }),
      call(base, 'POST', '/api/analyze', { token: alice.token, body: { target: "0x' OR 1=1 --", network: 'devnet' } }),
      call(base, 'DELETE', '/v1/api-keys/00000000-0000-4000-8000-000000000000', { token: alice.token }),
      // NUL reached PostgreSQL before the fix: 503 from auth for a key name, 500 for a webhook URL.
      call(base, 'POST', '/v1/api-keys', { token: alice.token, body: { name: 'a\u0000b' } }),
      call(base, 'POST', '/v1/jobs', { token: alice.token, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, webhook: { url: 'http://192.0.2.1/\u0000' } } }),
    ]);
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.text).not.toMatch(LEAK);
      expect(res.body.error).toBeDefined();
    }
  });

  it('keeps operator endpoints off the public port', async () => {
    for (const path of ['/metrics', '/debug', '/.env', '/status', '/docs/../package.json', '/docs/static/../../package.json']) {
      const res = await call(base, 'GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});

describe('API9:2023 Improper Inventory Management', () => {
  it('publishes an OpenAPI 3 document whose every operation exists, and nothing undocumented answers', async () => {
    const doc = await call(base, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, randomUUID()) })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(18);
    for (const op of operations) {
      const res = await call(base, op.method, op.path, { headers: { 'content-type': 'application/json' }, raw: op.method === 'POST' ? '{}' : undefined });
      expect({ op, route: res.body?.error?.message?.startsWith?.('No route') ?? false }).toEqual({ op, route: false });
    }
    // Shadow and legacy versions do not exist. (Every registered route being documented is
    // checked against the router itself in services/gateway/test/openapi.test.ts.)
    for (const path of ['/v0/jobs', '/v2/jobs', '/api/v1/jobs', '/internal/jobs', '/v1/users', '/api/jobs']) {
      expect((await call(base, 'GET', path, { token: alice.token })).status).toBe(404);
    }
  });
});

describe('API10:2023 Unsafe Consumption of APIs', () => {
  it('serves agent results only in the shape the agent schema allows (the executor’s output is validated, not trusted)', async () => {
    const id = await finishedJob(alice, h.scenario.erc20);
    const job = await call(base, 'GET', `/v1/jobs/${id}`, { apiKey: alice.apiKey });
    expect(() => AddressResult.parse(job.body.result)).not.toThrow();

    // A completion carrying a result outside the schema — as a buggy or impostor executor would
    // send it — fails the job instead of reaching the client. The job is written straight into the
    // stack's database (never published, so the real executor cannot race the forged message).
    const forged = randomUUID();
    const db = new Client({ connectionString: h.db.url });
    await db.connect();
    const broker = await Broker.connect({ url: serviceUrls().amqpUrl, connectionName: 'owasp-forger', logger: createLogger({ service: 'owasp', level: 'silent' }), prefix: h.amqpPrefix });
    try {
      await db.query(
        `INSERT INTO jobs.jobs (id, user_id, agent, params, priority, status, correlation_id, enqueued_at) VALUES ($1, $2, 'address', $3, 4, 'queued', 'forged', now())`,
        [forged, alice.userId, JSON.stringify({ network: 'devnet', address: h.scenario.erc20 })],
      );
      const now = new Date().toISOString();
      const invalid = { ...job.body.result, data: { kind: '<img src=x onerror=alert(1)>', balanceWei: 'lots' } };
      await broker.publish(
        EXCHANGES.completions,
        '',
        newEnvelope('job.completed', { agent: 'address', status: 'succeeded', result: invalid, startedAt: now, finishedAt: now, durationMs: 1 }, { jobId: forged, correlationId: 'forged' }),
      );
      const served = await call(base, 'GET', `/v1/jobs/${forged}?wait=10`, { apiKey: alice.apiKey });
      expect(served.body).toMatchObject({ status: 'failed', result: null, error: { code: 'agent_error', message: 'The agent produced an invalid result' } });
      expect(served.text).not.toContain('onerror');
    } finally {
      await broker.close();
      await db.end();
    }
  });

  it.todo(
    'webhook receivers: redirects are not followed, slow receivers time out, bodies are not stored — covered against a real receiver in services/gateway/test/webhooks/delivery.test.ts (needs private targets, which this stack refuses)',
  );
});
