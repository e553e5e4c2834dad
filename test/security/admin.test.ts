/**
 * The admin side of issue 3 against the running stack: disabling a user, changing a role and
 * revoking any key take effect at once on every credential (even with a five-minute API key
 * cache), each change is in the audit log with actor, target and source IP, dead letters can be
 * listed, replayed and dropped, and a signing-key rotation keeps old tokens valid until the
 * previous key is retired.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { setRole } from '../../services/auth/src/cli/set-role';
import { startReceiver, until } from '../e2e/webhook-receiver';
import { call, clientIp, decodeJwt, newUser, startAttackStack, type AttackStack, type TestUser } from './support';

jest.setTimeout(120_000);

const keyDir = mkdtempSync(path.join(tmpdir(), 'oca-admin-keys-'));
const newKeyPem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const currentKeyFile = path.join(keyDir, 'current.pem');
const previousKeyFile = path.join(keyDir, 'previous.pem');

let h: AttackStack;
let base: string;
let admin: TestUser;
const adminIp = clientIp();

async function asAdmin(method: string, urlPath: string, body?: unknown) {
  return call(base, method, urlPath, { token: admin.token, body, ip: adminIp });
}

beforeAll(async () => {
  writeFileSync(currentKeyFile, newKeyPem(), { mode: 0o600 });
  writeFileSync(previousKeyFile, newKeyPem(), { mode: 0o600 });
  h = await startAttackStack('admin', {
    AUTH_SIGNING_KEY_FILE: currentKeyFile,
    AUTH_SIGNING_KEY_PREVIOUS_FILE: previousKeyFile,
    // A long cache, to prove revocations do not wait for it.
    API_KEY_CACHE_SECONDS: '300',
    JWKS_REFRESH_SECONDS: '5',
    WEBHOOK_RETRY_DELAYS_MS: '200,200',
  });
  base = h.gatewayUrl;
  const root = await newUser(base, 'root');
  await setRole(h.db.url, root.email, 'admin');
  const login = await call(base, 'POST', '/v1/auth/login', { body: { email: root.email, password: root.password } });
  expect(decodeJwt(login.body.accessToken).claims.role).toBe('admin');
  admin = { ...root, token: login.body.accessToken, refreshToken: login.body.refreshToken };
});

afterAll(async () => {
  await h?.close();
});

describe('disabling a user', () => {
  it('stops their access token, cached API key and refresh token at once; enabling lets them log in again', async () => {
    const user = await newUser(base, 'disabled');
    // Both credentials work, and the API key's verification is now cached for 300 s.
    expect((await call(base, 'GET', '/v1/jobs', { token: user.token })).status).toBe(200);
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey })).status).toBe(200);

    const res = await asAdmin('PATCH', `/v1/admin/users/${user.userId}`, { disabled: true, reason: 'chargeback' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.userId, disabledAt: expect.any(String), tokenVersion: 1 });

    const token = await call(base, 'GET', '/v1/jobs', { token: user.token });
    expect(token.status).toBe(401);
    expect(token.body.error.message).toMatch(/no longer valid/);
    const key = await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey });
    expect(key.status).toBe(401);
    expect(key.body.error.message).toMatch(/disabled/);
    expect((await call(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })).status).toBe(401);
    expect((await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(401);

    expect((await asAdmin('PATCH', `/v1/admin/users/${user.userId}`, { disabled: false })).body).toMatchObject({ disabledAt: null, tokenVersion: 2 });
    const again = await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: user.password } });
    expect(again.status).toBe(200);
    expect((await call(base, 'GET', '/v1/jobs', { token: again.body.accessToken })).status).toBe(200);
    // The key was never revoked, so it works again; the token from before the disablement does not.
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey })).status).toBe(200);
    expect((await call(base, 'GET', '/v1/jobs', { token: user.token })).status).toBe(401);
  });
  it("cancels the disabled user's queued jobs; the executor skips them when it gets to them", async () => {
    const user = await newUser(base, 'backlog');
    await h.stack.stop('agent-executor');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        // bypass: each job must be queued on its own (not answered from the cache nor coalesced).
        const res = await call(base, 'POST', '/v1/jobs', { apiKey: user.apiKey, body: { agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 }, cache: 'bypass' } });
        expect(res.status).toBe(202);
        ids.push(res.body.id);
      }
      const res = await asAdmin('PATCH', `/v1/admin/users/${user.userId}`, { disabled: true });
      expect(res.body).toMatchObject({ disabledAt: expect.any(String), canceledJobs: 3 });
      await h.restart('agent-executor');
      // Give the executor time to reach the three messages; they stay canceled.
      await new Promise((r) => setTimeout(r, 1_500));
      const db = new Client({ connectionString: h.db.url });
      await db.connect();
      try {
        const { rows } = await db.query<{ status: string; started_at: Date | null }>('SELECT status, started_at FROM jobs.jobs WHERE id = ANY($1)', [ids]);
        expect(rows).toEqual(ids.map(() => ({ status: 'canceled', started_at: null })));
      } finally {
        await db.end();
      }
    } finally {
      if (!h.stack.services.has('agent-executor')) await h.restart('agent-executor');
    }
  });
});

describe('changing a role (the plan)', () => {
  it('refuses tokens that claim the old role; a refresh carries the new role and its limits', async () => {
    const user = await newUser(base, 'upgrade');
    const job = { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, priority: 8, cache: 'bypass' };
    expect((await call(base, 'POST', '/v1/jobs', { token: user.token, body: job })).body.error.code).toBe('priority_not_allowed');

    expect((await asAdmin('PATCH', `/v1/admin/users/${user.userId}`, { role: 'premium' })).body).toMatchObject({ role: 'premium' });
    expect((await call(base, 'POST', '/v1/jobs', { token: user.token, body: job })).status).toBe(401);

    const refreshed = await call(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken).claims).toMatchObject({ role: 'premium', ver: 1 });
    expect((await call(base, 'POST', '/v1/jobs', { token: refreshed.body.accessToken, body: job })).status).toBe(202);
    // The cached API key now carries the new role too (its cached entry went stale with the change).
    expect((await call(base, 'POST', '/v1/jobs', { apiKey: user.apiKey, body: job })).status).toBe(202);
  });

  it('a demoted admin loses the admin routes at once', async () => {
    const other = await newUser(base, 'second-admin');
    await setRole(h.db.url, other.email, 'admin');
    const login = await call(base, 'POST', '/v1/auth/login', { body: { email: other.email, password: other.password } });
    const token = login.body.accessToken as string;
    expect((await call(base, 'GET', '/v1/admin/users', { token })).status).toBe(200);
    expect((await asAdmin('PATCH', `/v1/admin/users/${other.userId}`, { role: 'user' })).status).toBe(200);
    expect((await call(base, 'GET', '/v1/admin/users', { token })).status).toBe(401);
    const relogin = await call(base, 'POST', '/v1/auth/login', { body: { email: other.email, password: other.password } });
    expect((await call(base, 'GET', '/v1/admin/users', { token: relogin.body.accessToken })).status).toBe(403);
  });

  it('refuses an admin changing their own account, unknown users and bad bodies', async () => {
    expect((await asAdmin('PATCH', `/v1/admin/users/${admin.userId}`, { role: 'user' })).status).toBe(409);
    expect((await asAdmin('PATCH', `/v1/admin/users/${admin.userId}`, { disabled: true })).status).toBe(409);
    expect((await asAdmin('PATCH', `/v1/admin/users/00000000-0000-4000-8000-000000000000`, { role: 'premium' })).status).toBe(404);
    for (const body of [{}, { role: 'root' }, { role: 'premium', tokenVersion: 0 }, { disabled: 'yes' }]) {
      const res = await asAdmin('PATCH', `/v1/admin/users/${admin.userId}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });
});

describe('revoking API keys', () => {
  it("an admin revokes any user's key and it stops at once, despite the 300 s cache", async () => {
    const user = await newUser(base, 'key-owner');
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey })).status).toBe(200);
    const keys = await asAdmin('GET', `/v1/admin/users/${user.userId}/api-keys`);
    expect(keys.body.items).toEqual([expect.objectContaining({ id: user.apiKeyId, userId: user.userId, revokedAt: null })]);
    expect(keys.text).not.toContain(user.apiKey);

    const revoked = await asAdmin('DELETE', `/v1/admin/api-keys/${user.apiKeyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const res = await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
    // The owner's token is untouched.
    expect((await call(base, 'GET', '/v1/jobs', { token: user.token })).status).toBe(200);
  });

  it("the owner's own revocation is immediate too", async () => {
    const user = await newUser(base, 'self-revoke');
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey })).status).toBe(200);
    expect((await call(base, 'DELETE', `/v1/api-keys/${user.apiKeyId}`, { token: user.token })).status).toBe(200);
    expect((await call(base, 'GET', '/v1/jobs', { apiKey: user.apiKey })).status).toBe(401);
  });
});

describe('user listing and the audit log', () => {
  it('lists users with filters and records every admin change with actor, target, time and source IP', async () => {
    const user = await newUser(base, 'audited');
    const started = Date.now();
    await asAdmin('PATCH', `/v1/admin/users/${user.userId}`, { role: 'premium', reason: 'annual plan' });
    await asAdmin('PATCH', `/v1/admin/users/${user.userId}`, { disabled: true });
    await asAdmin('DELETE', `/v1/admin/api-keys/${user.apiKeyId}`);

    const listed = await asAdmin('GET', `/v1/admin/users?email=audited&disabled=true&limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(user.userId);
    expect(listed.body.items.every((u: { disabledAt: string | null; email: string }) => u.disabledAt && u.email.includes('audited'))).toBe(true);

    const audit = await asAdmin('GET', `/v1/admin/audit?userId=${user.userId}&limit=50`);
    expect(audit.status).toBe(200);
    const byAction = Object.fromEntries(audit.body.items.map((e: { action: string }) => [e.action, e]));
    expect(byAction['user.role_change']).toMatchObject({ actorUserId: admin.userId, target: user.userId, ip: adminIp, details: { from: 'user', to: 'premium', reason: 'annual plan' } });
    expect(byAction['user.disable']).toMatchObject({ actorUserId: admin.userId, target: user.userId, ip: adminIp });
    expect(byAction['user.register']).toMatchObject({ actorUserId: user.userId });
    expect(Date.parse(byAction['user.disable'].at)).toBeGreaterThanOrEqual(started - 5_000);
    const revokes = await asAdmin('GET', `/v1/admin/audit?action=api_key.revoke&limit=200`);
    expect(revokes.body.items.find((e: { target: string }) => e.target === user.apiKeyId)).toMatchObject({
      actorUserId: admin.userId,
      ip: adminIp,
      details: { ownerUserId: user.userId, byAdmin: true },
    });
    expect((await asAdmin('GET', '/v1/admin/audit?action=drop_table')).status).toBe(400);
    expect((await asAdmin('GET', '/v1/admin/users?limit=1000')).status).toBe(400);
  });
});

describe('the dead-letter queue', () => {
  it('lists a webhook whose attempts ran out; replaying it delivers; dropping removes another', async () => {
    const receiver = await startReceiver([500, 500, 500, 500, 500, 500]);
    try {
      const user = await newUser(base, 'dlq');
      const submit = async () => {
        const res = await call(base, 'POST', '/v1/jobs', {
          apiKey: user.apiKey,
          body: { agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 }, webhook: { url: receiver.url }, cache: 'bypass' },
        });
        expect(res.status).toBe(202);
        return res.body.id as string;
      };
      const [first, second] = [await submit(), await submit()];
      // 1 attempt + 2 retries each, then dead-lettered.
      const dead = await until(async () => {
        const res = await asAdmin('GET', '/v1/admin/dead-letters?limit=200');
        const mine = res.body.items.filter((d: { jobId: string }) => d.jobId === first || d.jobId === second);
        return mine.length === 2 ? mine : undefined;
      }, 30_000);
      expect(receiver.received).toHaveLength(6);
      const letter = dead.find((d: { jobId: string }) => d.jobId === first);
      expect(letter).toMatchObject({ type: 'webhook.deliver', originQueue: 'webhook-delivery', replayable: true, attempts: 3 });
      expect(letter.reason).toMatch(/HTTP 500/);

      const replay = await asAdmin('POST', `/v1/admin/dead-letters/${letter.messageId}/replay`);
      expect(replay.body).toEqual({ messageId: letter.messageId, action: 'replayed', queue: 'webhook-delivery' });
      await until(() => receiver.received.find((r) => r.status === 200 && JSON.parse(r.body).data.id === first), 20_000);
      const deliveries = await call(base, 'GET', `/v1/jobs/${first}/deliveries`, { apiKey: user.apiKey });
      expect(deliveries.body.items.map((d: { attempt: number; outcome: string }) => [d.attempt, d.outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
        [4, 'delivered'],
      ]);

      const other = dead.find((d: { jobId: string }) => d.jobId === second);
      expect((await asAdmin('DELETE', `/v1/admin/dead-letters/${other.messageId}`)).body.action).toBe('dropped');
      expect((await asAdmin('DELETE', `/v1/admin/dead-letters/${other.messageId}`)).status).toBe(404);
      const left = await asAdmin('GET', '/v1/admin/dead-letters?limit=200');
      expect(left.body.items.filter((d: { jobId: string }) => d.jobId === first || d.jobId === second)).toEqual([]);
      expect((await asAdmin('POST', `/v1/admin/dead-letters/${letter.messageId}/replay`)).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });
});

describe('signing-key rotation (restarts auth; keep last)', () => {
  it('keeps tokens of the previous key valid, accepts the new key at once, and drops the retired key', async () => {
    const user = await newUser(base, 'rotation');
    const oldKid = decodeJwt(user.token).header.kid;

    // Rotate: the current key becomes the previous one, a new key signs.
    writeFileSync(previousKeyFile, readFileSync(currentKeyFile), { mode: 0o600 });
    writeFileSync(currentKeyFile, newKeyPem(), { mode: 0o600 });
    await h.restart('auth');
    const fresh = await call(base, 'POST', '/v1/auth/login', { body: { email: user.email, password: user.password } });
    const newKid = decodeJwt(fresh.body.accessToken).header.kid;
    expect(newKid).not.toBe(oldKid);
    expect((await call(base, 'GET', '/v1/jobs', { token: fresh.body.accessToken })).status).toBe(200);
    expect((await call(base, 'GET', '/v1/jobs', { token: user.token })).status).toBe(200);

    // Retire the old key: once the gateway refetches the JWKS (every 5 s here) its tokens stop.
    writeFileSync(previousKeyFile, newKeyPem(), { mode: 0o600 });
    await h.restart('auth');
    await until(async () => (await call(base, 'GET', '/v1/jobs', { token: user.token })).status === 401 || undefined, 20_000);
    const refused = await call(base, 'GET', '/v1/jobs', { token: user.token });
    expect(refused.body.error.message).toMatch(/unknown key/);
    expect((await call(base, 'GET', '/v1/jobs', { token: fresh.body.accessToken })).status).toBe(200);
  });
});
