/**
 * Rate limits, the login back-off and the per-user caps across TWO gateway instances sharing the
 * real Redis — the way production runs several replicas behind a load balancer. Each instance is
 * the full HTTP layer (buildServer) with the domain stubbed; the counters are the real ones.
 */
import { randomUUID } from 'node:crypto';
import { serviceUrls } from '@oca/testkit';
import { Redis } from 'ioredis';
import { DomainError } from '../src/errors';
import { ActiveJobQuota } from '../src/limits/active-job-quota';
import { ConcurrencyLimiter } from '../src/limits/concurrency-limiter';
import { LoginThrottle } from '../src/limits/login-throttle';
import type { RateLimitsOptions } from '../src/plugins/rate-limit';
import { stubServer } from './support/stub-server';

const LIMITS: RateLimitsOptions = {
  perRolePerMinute: { user: 5, premium: 8, admin: 50 },
  authIpPerMinute: 3,
  publicIpPerMinute: 4,
  ipPerMinute: 40,
  expensiveAgents: { agents: ['security', 'trend'], perRolePerMinute: { user: 2, premium: 3, admin: 10 } },
};
const JOB_ID = '33333333-3333-4333-8333-333333333333';

let redis: Redis[] = [];
let prefix: string;
let authCall: jest.Mock;
let jobsGet: jest.Mock;
let countActive: jest.Mock;
let jobsSubmit: jest.Mock;
let instances: Array<Awaited<ReturnType<typeof stubServer>>['app']> = [];

/** Two instances with separate Redis connections and one key prefix (a fresh one per test). */
beforeEach(async () => {
  prefix = `oca-rl-test-${randomUUID().slice(0, 8)}:`;
  redis = [new Redis(serviceUrls().redisUrl), new Redis(serviceUrls().redisUrl)];
  authCall = jest.fn(async (method: string, params: { password?: string }) => {
    if (method === 'login' && params.password !== 'right password') throw new DomainError('invalid_credentials', 'Invalid email or password');
    return { accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r', user: { id: randomUUID(), email: 'x@example.com', role: 'user', createdAt: new Date().toISOString() } };
  });
  jobsGet = jest.fn(async () => {
    await new Promise((r) => setTimeout(r, 300));
    return { id: JOB_ID, userId: randomUUID(), agent: 'address', params: {}, priority: 4, status: 'running', result: null, error: null, webhookUrl: null, createdAt: new Date(), startedAt: null, finishedAt: null, cache: null, leaderJobId: null };
  });
  countActive = jest.fn(async () => 0);
  jobsSubmit = jest.fn(async () => ({ created: true, job: { id: randomUUID(), status: 'queued' } }));
  instances = await Promise.all(
    redis.map(async (client) => {
      const { app } = await stubServer(
        {
          auth: { call: authCall } as any,
          jobs: { get: jobsGet, list: jest.fn(async () => ({ jobs: [], nextCursor: null })), submit: jobsSubmit } as any,
          loginThrottle: new LoginThrottle({ redis: client, keyPrefix: prefix, maxFailures: 3, windowSeconds: 60 }),
          longPolls: new ConcurrencyLimiter({ redis: client, keyPrefix: `${prefix}long-polls:`, max: 2 }),
        },
        { redis: client, redisPrefix: prefix, rateLimits: LIMITS },
      );
      return app;
    }),
  );
});

afterEach(async () => {
  await Promise.all(instances.map((app) => app.close()));
  const keys = await redis[0]!.keys(`${prefix}*`); // test-only: a handful of keys under a unique prefix
  if (keys.length) await redis[0]!.del(...keys);
  await Promise.all(redis.map((r) => r.quit()));
});

/** Alternates between the two instances. */
const on = (i: number) => instances[i % 2]!;

describe('per-caller limits hold across instances', () => {
  it('spends one budget per user and route on both instances, then answers 429 with the standard headers', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await on(i).inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer user' } });
      expect(res.statusCode).toBe(200);
      remaining.push(String(res.headers['ratelimit-remaining']));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await on(5).inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer user' } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', details: { limit: 'caller', max: 5 } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '0' });
    expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThan(0);

    // Another route has its own budget; another role has a higher ceiling.
    expect((await on(0).inject({ method: 'GET', url: '/v1/webhook-secret', headers: { authorization: 'Bearer user' } })).statusCode).toBe(200);
    const premium = [];
    for (let i = 0; i < 9; i++) premium.push((await on(i).inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer premium' } })).statusCode);
    expect(premium).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
  });

  it('does not spend the budget on invalid or unauthenticated requests; the per-IP ceiling bounds those', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await on(i).inject({ method: 'GET', url: '/v1/jobs?limit=1000', headers: { authorization: 'Bearer user' }, remoteAddress: '10.1.0.1' });
      expect(res.statusCode).toBe(400);
    }
    expect((await on(0).inject({ method: 'GET', url: '/v1/jobs', headers: { authorization: 'Bearer user' }, remoteAddress: '10.1.0.1' })).statusCode).toBe(200);
    let status = 0;
    let count = 11;
    while (status !== 429 && count < 100) {
      status = (await on(count).inject({ method: 'GET', url: '/v1/jobs', remoteAddress: '10.1.0.1' })).statusCode;
      count++;
    }
    expect(count).toBe(LIMITS.ipPerMinute + 1);
    const res = await on(0).inject({ method: 'GET', url: '/health', remoteAddress: '10.1.0.1' });
    expect(res.statusCode).toBe(429);
    expect(res.json().error.details).toMatchObject({ limit: 'ip' });
    expect(res.headers['retry-after']).toBeDefined();
    // Other clients are unaffected.
    expect((await on(0).inject({ method: 'GET', url: '/health', remoteAddress: '10.1.0.2' })).statusCode).toBe(200);
  });
});

describe('the stricter budget of expensive agents', () => {
  const submit = (i: number, agent: string, who = 'user') =>
    on(i).inject({ method: 'POST', url: '/v1/jobs', headers: { authorization: `Bearer ${who}` }, payload: { agent, params: { network: 'devnet' } } });

  it('counts security and trend jobs together per user across instances, leaves other agents to the route budget', async () => {
    expect((await submit(0, 'security')).statusCode).toBe(202);
    expect((await submit(1, 'trend')).statusCode).toBe(202);
    const limited = await submit(2, 'security');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', details: { limit: 'expensive-agents', max: 2 } });
    expect(limited.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A cheap agent still goes through (the route budget of 5 is not used up), and the refused job was never submitted.
    expect((await submit(3, 'address')).statusCode).toBe(202);
    expect(jobsSubmit).toHaveBeenCalledTimes(3);
    // Premium has its own, higher ceiling.
    expect([(await submit(0, 'trend', 'premium')).statusCode, (await submit(1, 'trend', 'premium')).statusCode, (await submit(0, 'trend', 'premium')).statusCode, (await submit(1, 'trend', 'premium')).statusCode]).toEqual([202, 202, 202, 429]);
  });
});

describe('per-IP limits on unauthenticated routes', () => {
  it('limits the credential routes per client IP across instances', async () => {
    const body = { email: 'who@example.com', password: 'right password' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await on(i).inject({ method: 'POST', url: '/v1/auth/login', payload: body, remoteAddress: '10.2.0.1' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await on(0).inject({ method: 'POST', url: '/v1/auth/login', payload: body, remoteAddress: '10.2.0.2' })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const body = { email: 'who@example.com', password: 'right password' };
    const spoofed = [];
    for (let i = 0; i < 4; i++) {
      spoofed.push(
        (await on(i).inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: 'x' }, remoteAddress: '10.3.0.1', headers: { 'x-forwarded-for': `198.51.100.${i}` } })).statusCode,
      );
    }
    expect(spoofed).toEqual([200, 200, 200, 429]);

    const { app: behindProxy } = await stubServer({ auth: { call: authCall } as any }, { redis: redis[0], redisPrefix: prefix, rateLimits: LIMITS, trustProxy: ['10.3.0.9'] });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await behindProxy.inject({ method: 'POST', url: '/v1/auth/login', payload: body, remoteAddress: '10.3.0.9', headers: { 'x-forwarded-for': `198.51.100.${i}` } });
        expect(res.statusCode).toBe(200);
      }
    } finally {
      await behindProxy.close();
    }
  });

  it('groups IPv6 clients by /64', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await on(i).inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: 'x' }, remoteAddress: `2001:db8:1:2::${i + 1}` })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('login back-off per account and IP', () => {
  it('refuses the pair after the allowed failures without asking auth, shared by both instances', async () => {
    const wrong = { email: 'victim@example.com', password: 'guess' };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await on(i).inject({ method: 'POST', url: '/v1/auth/login', payload: wrong, remoteAddress: '10.4.0.1' })).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    const callsBefore = authCall.mock.calls.length;
    // The right password does not help any more from this address (the window is 60 s here)…
    const locked = await on(1).inject({ method: 'POST', url: '/auth/login', payload: { ...wrong, password: 'right password' }, remoteAddress: '10.4.0.1' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'rate_limited', details: { limit: 'login_failures' } });
    expect(locked.json().error).toContain('Too many failed logins');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(authCall.mock.calls.length).toBe(callsBefore);
    // …but the owner, elsewhere, is not locked out, and a success clears their own count.
    expect((await on(0).inject({ method: 'POST', url: '/v1/auth/login', payload: { ...wrong, password: 'right password' }, remoteAddress: '10.4.0.2' })).statusCode).toBe(200);
  });

  it('a successful login resets the count', async () => {
    const email = 'forgetful@example.com';
    const attempt = (i: number, url: string, password: string) =>
      on(i).inject({ method: 'POST', url, payload: { email, password }, remoteAddress: '10.5.0.1' }).then((r) => r.statusCode);
    expect([await attempt(0, '/v1/auth/login', 'oops'), await attempt(1, '/v1/auth/login', 'oops')]).toEqual([401, 401]);
    expect(await attempt(0, '/auth/login', 'right password')).toBe(200);
    // Without the reset the second of these would already be refused (2 + 1 = 3 failures).
    expect([await attempt(1, '/auth/login', 'oops'), await attempt(0, '/auth/login', 'oops'), await attempt(1, '/v1/auth/login', 'oops')]).toEqual([401, 401, 401]);
  });
});

describe('per-user caps on held requests and queued jobs', () => {
  it('caps open long-polls per user across instances with 429', async () => {
    const url = `/v1/jobs/${JOB_ID}?wait=5`;
    const headers = { authorization: 'Bearer user' };
    const open = [on(0).inject({ method: 'GET', url, headers }), on(1).inject({ method: 'GET', url, headers })];
    await new Promise((r) => setTimeout(r, 100));
    const third = await on(0).inject({ method: 'GET', url, headers });
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toMatchObject({ code: 'rate_limited', details: { limit: 'long_polls', max: 2 } });
    expect(third.json().error.message).toContain('long-polls');
    expect((await Promise.all(open)).map((r) => r.statusCode)).toEqual([200, 200]);
    // Released: room again; a plain poll never needs a slot.
    expect((await on(1).inject({ method: 'GET', url, headers })).statusCode).toBe(200);
    expect((await on(1).inject({ method: 'GET', url: `/v1/jobs/${JOB_ID}`, headers })).statusCode).toBe(200);
  });

  it('frees a slot whose holder died when its lease ends', async () => {
    const limiter = new ConcurrencyLimiter({ redis: redis[0]!, keyPrefix: `${prefix}lease:`, max: 1 });
    expect(await limiter.acquire('u', 100)).toBeDefined();
    expect(await limiter.acquire('u', 100)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 150));
    expect(await limiter.acquire('u', 100)).toBeDefined();
  });

  it('refuses a submission beyond the queued + running bound with a clear 429', async () => {
    // The database says the user already has 10; the counter is built from it on first use.
    // (JobService.submit reserves; here the route's job service lets the real quota refuse.)
    countActive.mockResolvedValue(10);
    const quota = new ActiveJobQuota({ redis: redis[0]!, keyPrefix: prefix, max: 10, countActive });
    jobsSubmit.mockImplementationOnce(async ({ principal }) => quota.reserve(principal));
    const res = await on(0).inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: 'Bearer user' },
      payload: { agent: 'address', params: { network: 'devnet', address: '0x' + '1'.repeat(40) } },
    });
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toMatchObject({ code: 'rate_limited', details: { limit: 'active_jobs', max: 10, active: 10 } });
    expect(res.json().error.message).toContain('at most 10');
    expect(res.headers['retry-after']).toBe('10');
  });
});
