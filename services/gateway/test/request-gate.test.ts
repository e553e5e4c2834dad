/**
 * The request gate (plugins/request-gate.ts) against the real Redis: an authenticated read makes
 * ONE Redis call for the per-IP ceiling, the cached API key or the token's version, and the
 * route's caller limit, with the decisions the separate limiters made. The HTTP layer is the real
 * one (buildServer) with the real authenticate, ApiKeyVerifier and CredentialRevocations; stubbed:
 * auth's RPC client (answers verifyApiKey like auth), the access-token verifier (answers a fixed
 * principal per token) and the job service.
 */
import { randomUUID } from 'node:crypto';
import type { Principal, VerifiedApiKey } from '@oca/contracts';
import { serviceUrls } from '@oca/testkit';
import { Redis } from 'ioredis';
import { authenticate } from '../src/plugins/authenticate';
import type { RateLimitsOptions } from '../src/plugins/rate-limit';
import { ApiKeyVerifier } from '../src/services/api-key-verifier';
import type { AuthClient } from '../src/services/auth-client';
import { CredentialRevocations } from '../src/services/credential-revocations';
import { stubServer } from './support/stub-server';

const LIMITS: RateLimitsOptions = {
  perRolePerMinute: { user: 4, premium: 8, admin: 50 },
  authIpPerMinute: 3,
  publicIpPerMinute: 4,
  ipPerMinute: 12,
  expensiveAgents: { agents: ['security'], perRolePerMinute: { user: 2, premium: 3, admin: 10 } },
};
const JOB_ID = '33333333-3333-4333-8333-333333333333';

let redis: Redis;
let prefix: string;
let app: Awaited<ReturnType<typeof stubServer>>['app'];
let verified: VerifiedApiKey;
let authCalls: number;
let commands: string[];
const token: { principal: Principal; tokenVersion: number } = { principal: { userId: randomUUID(), email: 't@example.com', role: 'user', via: 'token' }, tokenVersion: 1 };

beforeEach(async () => {
  prefix = `oca-gate-test-${randomUUID().slice(0, 8)}:`;
  redis = new Redis(serviceUrls().redisUrl);
  verified = { userId: randomUUID(), email: 'k@example.com', role: 'user', via: 'api-key', apiKeyId: randomUUID(), tokenVersion: 1 };
  authCalls = 0;
  const auth = {
    call: async (method: string) => {
      if (method !== 'verifyApiKey') throw new Error(`unexpected ${method}`);
      authCalls++;
      return verified;
    },
  } as unknown as AuthClient;
  const revocations = new CredentialRevocations(redis, prefix);
  const apiKeys = new ApiKeyVerifier(auth, redis, prefix, 30, revocations);
  ({ app } = await stubServer(
    {
      authenticate: authenticate({ tokens: { verify: async () => token }, apiKeys, revocations }),
      jobs: { get: jest.fn(async () => ({ id: JOB_ID, userId: verified.userId, agent: 'address', params: {}, priority: 4, status: 'queued', result: null, error: null, webhookUrl: null, createdAt: new Date(), startedAt: null, finishedAt: null, cache: null, leaderJobId: null })) } as any,
    },
    { redis, redisPrefix: prefix, rateLimits: LIMITS },
  ));
  // Every command the gateway sends to Redis, by name (EVALSHA, GET, ...).
  commands = [];
  const send = redis.sendCommand.bind(redis);
  jest.spyOn(redis, 'sendCommand').mockImplementation((command, stream) => {
    commands.push(command.name);
    return send(command, stream);
  });
});

afterEach(async () => {
  await app.close();
  jest.restoreAllMocks();
  const keys = await redis.keys(`${prefix}*`); // test-only: a handful of keys under a unique prefix
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const get = (headers: Record<string, string>, url = `/v1/jobs/${JOB_ID}`, remoteAddress = '10.9.0.1') => app.inject({ method: 'GET', url, headers, remoteAddress });
const callerCount = async (userId: string, route = '/v1/jobs/:id') => Number((await redis.get(`${prefix}rate-limit:GET${route}-user:${userId}`)) ?? 0);
/** onResponse hooks (the refund) run after inject resolves */
const settled = () => new Promise((r) => setTimeout(r, 50));

describe('a cached API key', () => {
  it('makes one Redis call per request for the IP ceiling, the credential and the caller limit', async () => {
    const key = `oca_${randomUUID()}`;
    expect((await get({ 'x-api-key': key })).statusCode).toBe(200); // uncached: auth verifies, the gateway caches
    expect(authCalls).toBe(1);
    commands.length = 0;
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await get({ 'x-api-key': key });
      expect(res.statusCode).toBe(200);
      remaining.push(res.headers['ratelimit-remaining']);
    }
    expect(commands).toEqual(['evalsha', 'evalsha', 'evalsha']);
    expect(authCalls).toBe(1);
    expect(remaining).toEqual(['2', '1', '0']);

    const limited = await get({ 'x-api-key': key });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', details: { limit: 'caller', max: 4 } });
    expect(limited.headers).toMatchObject({ 'ratelimit-limit': '4', 'ratelimit-remaining': '0' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The per-IP counter saw every request, once each.
    expect(Number(await redis.get(`${prefix}rate-limit:ip:10.9.0.1`))).toBe(5);
  });

  it('is refused once its owner changed (auth asked again) and the caller is charged once', async () => {
    const key = `oca_${randomUUID()}`;
    await get({ 'x-api-key': key });
    expect(await callerCount(verified.userId)).toBe(1);
    await new CredentialRevocations(redis, prefix).userChanged(verified.userId, 2);
    verified = { ...verified, tokenVersion: 2, role: 'premium' };
    const res = await get({ 'x-api-key': key });
    expect(res.statusCode).toBe(200);
    expect(authCalls).toBe(2);
    expect(await callerCount(verified.userId)).toBe(2);
    expect(res.headers['ratelimit-limit']).toBe('8'); // the new role's ceiling
  });
});

describe('the per-IP ceiling', () => {
  it('answers 429 before 401 and never asks auth for a refused client', async () => {
    for (let i = 0; i < LIMITS.ipPerMinute; i++) expect((await get({}, `/v1/jobs/${JOB_ID}`, '10.9.0.2')).statusCode).toBe(401);
    const refused = await get({ 'x-api-key': `oca_${randomUUID()}` }, `/v1/jobs/${JOB_ID}`, '10.9.0.2');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.details).toMatchObject({ limit: 'ip', max: LIMITS.ipPerMinute });
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': String(LIMITS.ipPerMinute), 'ratelimit-remaining': '0' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(authCalls).toBe(0);
    // The same bucket as the public routes' ceiling (the plugin's key).
    expect((await app.inject({ method: 'GET', url: '/health', remoteAddress: '10.9.0.2' })).statusCode).toBe(429);
  });
});

describe('an access token', () => {
  const bearer = { authorization: 'Bearer a.b.c' };

  it('reads its version and charges the caller in one call; a stale token is refused and not charged', async () => {
    expect((await get(bearer)).statusCode).toBe(200);
    commands.length = 0;
    const res = await get(bearer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['ratelimit-remaining']).toBe('2');
    expect(commands).toEqual(['evalsha']);

    await new CredentialRevocations(redis, prefix).userChanged(token.principal.userId, 2);
    const stale = await get(bearer);
    expect(stale.statusCode).toBe(401);
    await settled();
    expect(await callerCount(token.principal.userId)).toBe(2);
  });

  it('gives back the charge of a request that fails validation', async () => {
    await new CredentialRevocations(redis, prefix).userChanged(token.principal.userId, 1);
    expect((await get(bearer)).statusCode).toBe(200);
    for (let i = 0; i < 6; i++) expect((await get(bearer, '/v1/jobs/not-a-uuid')).statusCode).toBe(400);
    await settled();
    expect(await callerCount(token.principal.userId)).toBe(1);
    expect((await get(bearer)).headers['ratelimit-remaining']).toBe('2');
  });
});
