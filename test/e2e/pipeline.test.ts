/**
 * The user flow of the README, against the real services as separate processes: register, log
 * in, create an API key, submit an `address` job with a webhook, get the result by long-poll and
 * by a signed webhook verified with the standardwebhooks library, as a receiver would.
 */
import { Webhook } from 'standardwebhooks';
import { AddressResult } from '@oca/contracts';
import { DEMO_TOKEN, serviceUrls } from '@oca/testkit';
import { Redis } from 'ioredis';
import { api, metricValue, startHarness, type Harness } from './harness';
import { startReceiver, until } from './webhook-receiver';

jest.setTimeout(120_000);

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  // One waiting `POST /api/analyze` per user, so the compat tests can reach the cap.
  h = await startHarness({ ANALYZE_MAX_WAITS_PER_USER: '1' });
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

async function newUser(email: string) {
  const password = 'correct horse battery staple';
  const reg = await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password } });
  expect(reg.status).toBe(201);
  const login = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return { token: login.body.accessToken as string, refreshToken: login.body.refreshToken as string, userId: reg.body.id as string };
}

describe('job pipeline end to end', () => {
  let alice: Awaited<ReturnType<typeof newUser>>;
  let apiKey: string;

  beforeAll(async () => {
    alice = await newUser(`alice-${Date.now()}@example.com`);
    const created = await api(h.gatewayUrl, 'POST', '/v1/api-keys', { token: alice.token, body: { name: 'e2e' } });
    expect(created.status).toBe(201);
    apiKey = created.body.key;
  });

  it('runs an address job and returns real chain data by long-poll and by a signed webhook', async () => {
    const { erc20 } = h.scenario;
    const secret = await api(h.gatewayUrl, 'GET', '/v1/webhook-secret', { apiKey });
    expect(secret.status).toBe(200);
    expect(secret.body.secret).toMatch(/^whsec_/);

    const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
      apiKey,
      body: { agent: 'address', params: { network: 'devnet', address: erc20 }, webhook: { url: receiver.url } },
    });
    expect(submit.status).toBe(202);
    expect(submit.body.status).toBe('queued');
    const id = submit.body.id as string;

    const polled = await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=20`, { apiKey });
    expect(polled.status).toBe(200);
    expect(polled.body.status).toBe('succeeded');
    const result = AddressResult.parse(polled.body.result);
    expect(result.data.kind).toBe('contract');
    expect(result.data.token?.standard).toBe('ERC20');
    expect(result.data.token?.symbol).toBe(DEMO_TOKEN.symbol);
    expect(result.data.token?.totalSupply).toBe(DEMO_TOKEN.totalSupply.toString());
    expect(Number(result.blockNumber)).toBeGreaterThan(0);

    const delivery = await until(() => receiver.received.find((r) => r.body.includes(id)));
    const verified = new Webhook(secret.body.secret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    }) as { type: string; data: { id: string; status: string; result: unknown } };
    expect(verified.type).toBe('job.succeeded');
    expect(verified.data.id).toBe(id);
    expect(verified.data.result).toEqual(polled.body.result);

    const deliveries = await until(async () => {
      const res = await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}/deliveries`, { apiKey });
      return res.body.items?.length ? res : undefined;
    });
    expect(deliveries.body.items[0]).toMatchObject({ attempt: 1, outcome: 'delivered', statusCode: 200 });
  });

  it('answers an access token and an API key alike, and hides one user’s jobs from another', async () => {
    const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
      token: alice.token,
      body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa } },
    });
    expect(submit.status).toBe(202);
    const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id}?wait=20`, { token: alice.token });
    expect(done.body.status).toBe('succeeded');
    expect(done.body.result.data.kind).toBe('eoa');

    const bob = await newUser(`bob-${Date.now()}@example.com`);
    for (const [method, path] of [
      ['GET', `/v1/jobs/${submit.body.id}`],
      ['DELETE', `/v1/jobs/${submit.body.id}`],
      ['GET', `/v1/jobs/${submit.body.id}/deliveries`],
    ] as const) {
      const res = await api(h.gatewayUrl, method, path, { token: bob.token });
      expect(res.status).toBe(404);
    }
    const list = await api(h.gatewayUrl, 'GET', '/v1/jobs', { token: bob.token });
    expect(list.body.items).toEqual([]);
  });

  it('carries the correlation id from the HTTP request through the queue into the executor’s log lines', async () => {
    const correlationId = `e2e-corr-${Date.now()}`;
    const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
      apiKey,
      headers: { 'x-correlation-id': correlationId },
      body: { agent: 'address', params: { network: 'devnet', address: h.scenario.erc721 } },
    });
    expect(submit.headers.get('x-correlation-id')).toBe(correlationId);
    const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id}?wait=20`, { apiKey });
    expect(done.body.status).toBe('succeeded');
    const line = await until(() =>
      h.logs.find((l) => l.startsWith('[agent-executor]') && l.includes('job finished') && l.includes(submit.body.id)),
    );
    const parsed = JSON.parse(line.slice(line.indexOf('{')));
    expect(parsed).toMatchObject({ jobId: submit.body.id, correlationId, service: 'agent-executor' });
  });

  it('lists own jobs newest first with cursor pages', async () => {
    const first = await api(h.gatewayUrl, 'GET', '/v1/jobs?limit=1', { apiKey });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(h.gatewayUrl, 'GET', `/v1/jobs?limit=1&cursor=${first.body.nextCursor}`, { apiKey });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(Date.parse(second.body.items[0].createdAt)).toBeLessThanOrEqual(Date.parse(first.body.items[0].createdAt));
  });

  it('honours Idempotency-Key: same body → same job, other body → 422', async () => {
    const key = `idem-${Date.now()}`;
    // bypass: an earlier test asked the same question, and a cache hit would answer 200 at once.
    const body = { agent: 'address', params: { network: 'devnet', address: h.scenario.erc721 }, cache: 'bypass' };
    const a = await api(h.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body, headers: { 'idempotency-key': key } });
    const b = await api(h.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body, headers: { 'idempotency-key': key } });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const c = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
      apiKey,
      body: { ...body, params: { ...body.params, address: h.scenario.erc20 } },
      headers: { 'idempotency-key': key },
    });
    expect(c.status).toBe(422);
    expect(c.body.error.code).toBe('idempotency_key_reused');
  });

  it('caps priority by plan', async () => {
    const res = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
      apiKey,
      body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa }, priority: 9 },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('priority_not_allowed');
  });

  it('cancels a queued job, and the executor never runs it', async () => {
    await h.stack.stop('agent-executor');
    const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
      apiKey,
      body: { agent: 'address', params: { network: 'devnet', address: h.scenario.eoa } },
      headers: { 'cache-control': 'no-cache' },
    });
    expect(submit.status).toBe(202);
    // Nothing runs it now, so a long-poll holds for the whole wait and answers `queued`.
    const started = Date.now();
    const held = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id}?wait=2`, { apiKey });
    expect(held.body.status).toBe('queued');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const canceled = await api(h.gatewayUrl, 'DELETE', `/v1/jobs/${submit.body.id}`, { apiKey });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const again = await api(h.gatewayUrl, 'DELETE', `/v1/jobs/${submit.body.id}`, { apiKey });
    expect(again.status).toBe(409);
    h.stack.start('agent-executor');
    await until(() => h.logs.some((l) => l.includes('job was canceled') && l.includes(submit.body.id)) || undefined);
    const after = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id}`, { apiKey });
    expect(after.body.status).toBe('canceled');
    expect(after.body.result).toBeNull();
  });

  it('answers a repeated question from the cache service’s entry: 200 at once, Cache-Status, no agent run', async () => {
    const body = { agent: 'address', params: { network: 'devnet', address: h.scenario.deployer } };
    const first = await api(h.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body, headers: { 'cache-control': 'no-cache' } });
    expect(first.status).toBe(202);
    expect(first.headers.get('cache-status')).toBe('OnChainAgents; fwd=bypass');
    const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${first.body.id}?wait=20`, { apiKey });
    expect(done.body.status).toBe('succeeded');
    // The cache service fills from the completions fanout, asynchronously: wait for its entry.
    const redis = new Redis(serviceUrls().redisUrl);
    try {
      // A whole SCAN (one step sees only part of a busy keyspace).
      await until(async () => {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${h.redisPrefix}cache:address:*`, 'COUNT', 1000);
          cursor = next;
          const entries = await Promise.all(keys.map((k) => redis.get(k)));
          if (entries.some((e) => e?.includes(first.body.id))) return true;
        } while (cursor !== '0');
        return undefined;
      });
    } finally {
      await redis.quit();
    }
    const runs = await metricValue(h.opsPorts['agent-executor'], 'oca_executor_agent_runs_total', { agent: 'address' });
    const hit = await api(h.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body });
    expect(hit.status).toBe(200);
    expect(hit.body).toMatchObject({ status: 'succeeded', result: done.body.result, cache: { status: 'hit', sourceJobId: first.body.id } });
    expect(hit.headers.get('cache-status')).toMatch(/^OnChainAgents; hit; ttl=\d+$/);
    expect(await metricValue(h.opsPorts['agent-executor'], 'oca_executor_agent_runs_total', { agent: 'address' })).toBe(runs);
    const polled = await api(h.gatewayUrl, 'GET', `/v1/jobs/${hit.body.id}`, { apiKey });
    expect(polled.headers.get('cache-status')).toBe('OnChainAgents; hit');

    // GET /v1/agents publishes each agent's freshness policy.
    const agents = await api(h.gatewayUrl, 'GET', '/v1/agents');
    expect(agents.body.items.find((a: { name: string }) => a.name === 'address')).toMatchObject({ version: 1, cache: { maxAgeSeconds: 12, maxBlocks: 0 } });
  });

  it('revokes an API key', async () => {
    const created = await api(h.gatewayUrl, 'POST', '/v1/api-keys', { token: alice.token, body: { name: 'short-lived' } });
    const list = await api(h.gatewayUrl, 'GET', '/v1/api-keys', { token: alice.token });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);
    const revoked = await api(h.gatewayUrl, 'DELETE', `/v1/api-keys/${created.body.id}`, { token: alice.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    // Never used, so never cached: refused at once.
    const refused = await api(h.gatewayUrl, 'GET', '/v1/jobs', { apiKey: created.body.key });
    expect(refused.status).toBe(401);
  });
});

describe('seed-compatible POST /api/analyze on the real stack', () => {
  let carol: Awaited<ReturnType<typeof newUser>>;

  beforeAll(async () => {
    carol = await newUser(`carol-${Date.now()}@example.com`);
  });

  // no-cache: these tests are about running the agents (earlier tests asked the same questions).
  const analyze = (body: unknown) => api(h.gatewayUrl, 'POST', '/api/analyze', { token: carol.token, body, headers: { 'cache-control': 'no-cache' } });

  it('runs the deep depth as three v1 jobs of the caller and answers 200 with the results they computed', async () => {
    const target = h.market.tokens.alpha.address;
    const res = await analyze({ target, network: 'devnet', depth: 'deep' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ target, network: 'devnet', depth: 'deep', status: 'succeeded' });
    expect(res.body.jobs.map((j: { agent: string }) => j.agent).sort()).toEqual(['address', 'market', 'security']);
    // Each result is the one its job holds, read back through the v1 API as the caller's own job.
    for (const job of res.body.jobs) {
      const v1 = await api(h.gatewayUrl, 'GET', `/v1/jobs/${job.id}`, { token: carol.token });
      expect(v1.status).toBe(200);
      expect(v1.body).toMatchObject({ agent: job.agent, status: 'succeeded', params: { network: 'devnet', address: target } });
      expect(res.body.results[job.agent]).toEqual(v1.body.result);
      expect(v1.body.result).toMatchObject({ agent: job.agent, network: 'devnet', blockNumber: expect.any(String) });
    }
    const listed = await api(h.gatewayUrl, 'GET', '/v1/jobs?limit=10', { token: carol.token });
    expect(listed.body.items.map((j: { id: string }) => j.id)).toEqual(expect.arrayContaining(res.body.jobs.map((j: { id: string }) => j.id)));
  });

  it('answers 202 with the pending job IDs, at once, past the per-user cap of waiting calls', async () => {
    const target = h.scenario.erc20;
    // One call holds the user's only waiting slot while its jobs run; the other gets 202 at once.
    // Usually the first (sent 30 ms earlier), but under load the second can take the slot first.
    const [first, second] = await Promise.all([
      analyze({ target, network: 'devnet', depth: 'deep' }),
      new Promise((r) => setTimeout(r, 30)).then(() => analyze({ target, network: 'devnet', depth: 'quick' })),
    ]);
    const [held, immediate] = first.status === 202 ? [second, first] : [first, second];
    expect(immediate.status).toBe(202);
    expect(immediate.body).toMatchObject({ status: 'pending' });
    expect(immediate.body.jobs.length).toBe(immediate === first ? 3 : 1);
    for (const job of immediate.body.jobs) expect(job).toMatchObject({ agent: expect.any(String), links: expect.any(Object) });
    expect(immediate.headers.get('location')).toBe(immediate.body.jobs[0].links.self);
    expect([200, 202]).toContain(held.status);
    // The pending jobs are real: they finish like any other.
    const done = await api(h.gatewayUrl, 'GET', `${immediate.body.jobs[0].links.self}?wait=20`, { token: carol.token });
    expect(done.body.status).toBe('succeeded');
  });

  it('reports the failures of some agents as partial, with each failed job’s error', async () => {
    // An EOA: the address agent describes it; the token agents have no token to read.
    const res = await analyze({ target: h.scenario.deployer, network: 'devnet', depth: 'deep' });
    expect(res.status).toBe(200);
    const failed = res.body.jobs.filter((j: { status: string }) => j.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(res.body.status).toBe(failed.length === res.body.jobs.length ? 'failed' : 'partial');
    for (const job of failed) expect(job.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(Object.keys(res.body.results).sort()).toEqual(res.body.jobs.filter((j: { status: string }) => j.status === 'succeeded').map((j: { agent: string }) => j.agent).sort());
    expect(res.body.results.address).toMatchObject({ data: { kind: 'eoa' } });
  });

  it('passes domain errors through in the seed shape', async () => {
    const res = await analyze({ target: h.scenario.erc20, network: 'ethereum' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringContaining('Network "ethereum" is not served here'), code: 'network_not_configured', details: { field: 'params.network' } });
  });
});

describe('bad input gets a clear 4xx, never a 5xx', () => {
  let token: string;
  beforeAll(async () => {
    token = (await newUser(`carol-${Date.now()}@example.com`)).token;
  });

  // Plain objects: jest 30 hangs on an it.each table whose rows mix a RegExp and a missing cell.
  const addr = '0x' + '1'.repeat(40);
  const cases: Array<{ name: string; method: string; path: string; body?: unknown; status: number; code: string; message?: string }> = [
    { name: 'bad address', method: 'POST', path: '/v1/jobs', body: { agent: 'address', params: { network: 'devnet', address: '0x123' } }, status: 400, code: 'invalid_params', message: 'params.address' },
    { name: 'unknown network', method: 'POST', path: '/v1/jobs', body: { agent: 'address', params: { network: 'solana', address: addr } }, status: 400, code: 'invalid_params', message: 'params.network' },
    { name: 'network without RPC', method: 'POST', path: '/v1/jobs', body: { agent: 'address', params: { network: 'ethereum', address: addr } }, status: 400, code: 'network_not_configured' },
    { name: 'unknown agent', method: 'POST', path: '/v1/jobs', body: { agent: 'nope', params: {} }, status: 400, code: 'unknown_agent' },
    { name: 'extra field', method: 'POST', path: '/v1/jobs', body: { agent: 'address', params: {}, role: 'admin' }, status: 400, code: 'validation_failed' },
    { name: 'ftp webhook', method: 'POST', path: '/v1/jobs', body: { agent: 'address', params: { network: 'devnet', address: addr }, webhook: { url: 'ftp://x' } }, status: 400, code: 'validation_failed' },
    { name: 'not a uuid', method: 'GET', path: '/v1/jobs/not-a-uuid', status: 400, code: 'validation_failed' },
    { name: 'wait too long', method: 'GET', path: '/v1/jobs/00000000-0000-4000-8000-000000000000?wait=99', status: 400, code: 'validation_failed' },
    { name: 'missing job', method: 'GET', path: '/v1/jobs/00000000-0000-4000-8000-000000000000', status: 404, code: 'not_found' },
    { name: 'bad cursor', method: 'GET', path: '/v1/jobs?cursor=zzz', status: 400, code: 'validation_failed' },
    { name: 'short password', method: 'POST', path: '/v1/auth/register', body: { email: 'x@example.com', password: 'short' }, status: 400, code: 'validation_failed' },
  ];
  it.each(cases)('$name', async ({ method, path, body, status, code, message }) => {
    const res = await api(h.gatewayUrl, method, path, { token, body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (message) expect(res.body.error.message).toContain(message);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|stack/i);
  });

  it('rejects malformed JSON, a missing token, a forged token and an oversized body', async () => {
    const malformed = await fetch(`${h.gatewayUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"agent":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.code).toBe('validation_failed');
    expect((await api(h.gatewayUrl, 'GET', '/v1/jobs')).status).toBe(401);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
    expect((await api(h.gatewayUrl, 'GET', '/v1/jobs', { token: forged })).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect((await api(h.gatewayUrl, 'GET', '/v1/jobs', { token: none })).status).toBe(401);
    const big = await api(h.gatewayUrl, 'POST', '/v1/jobs', { token, body: { agent: 'address', params: { pad: 'x'.repeat(200_000) } } });
    expect(big.status).toBe(413);
  });
});

describe('usage through the analytics service', () => {
  const today = () => new Date().toISOString().slice(0, 10);

  it('GET /v1/usage matches the jobs the caller submitted, exactly', async () => {
    const carol = await newUser(`carol-usage-${Date.now()}@example.com`);
    const ask = { agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 } };
    const ids: string[] = [];
    // Two runs (bypass), then the same question again: a hit when the cache has filled by then.
    for (const body of [{ ...ask, cache: 'bypass' }, { ...ask, cache: 'bypass' }]) {
      const res = await api(h.gatewayUrl, 'POST', '/v1/jobs', { token: carol.token, body });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    for (const id of ids) expect((await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=20`, { token: carol.token })).body.status).toBe('succeeded');
    const third = await api(h.gatewayUrl, 'POST', '/v1/jobs', { token: carol.token, body: ask });
    expect([200, 202]).toContain(third.status);
    ids.push(third.body.id);
    const views = await Promise.all(ids.map(async (id) => (await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=20`, { token: carol.token })).body));
    expect(views.map((v) => v.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    // What the rollups must say, from the job views: run time is finishedAt − startedAt of jobs that ran.
    const ran = views.filter((v) => v.startedAt);
    const expected = {
      submitted: 3,
      succeeded: 3,
      failed: 0,
      cacheHits: views.filter((v) => v.cache?.status === 'hit').length,
      computeMs: ran.reduce((sum, v) => sum + (Date.parse(v.finishedAt) - Date.parse(v.startedAt)), 0),
    };
    expect(ran.length).toBeGreaterThanOrEqual(2);
    // Tomorrow too: a job submitted just before midnight UTC may finish after it.
    const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const usage = await until(async () => {
      const res = await api(h.gatewayUrl, 'GET', `/v1/usage?from=${today()}&to=${to}`, { token: carol.token });
      return res.status === 200 && res.body.totals.submitted === 3 && res.body.totals.succeeded === 3 ? res.body : undefined;
    });
    expect(usage.totals).toEqual(expected);
    expect(usage.items.every((item: { agent: string }) => item.agent === 'address')).toBe(true);
    expect(usage.topUsers).toBeUndefined();

    const reversed = await api(h.gatewayUrl, 'GET', `/v1/usage?from=${to}&to=${today()}`, { token: carol.token });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details.issues[0].field).toBe('querystring.to');
  });

  it('receives the events of auth and of webhooks too, and writes time series to the InfluxDB stand-in', async () => {
    const wrong = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email: `nobody-${Date.now()}@example.com`, password: 'not the password at all' } });
    expect(wrong.status).toBe(401);
    const handled = (type: string) => metricValue(h.opsPorts.analytics, 'oca_analytics_events_total', { type });
    // Registrations and a delivered webhook happened earlier in this file.
    await until(async () => ((await handled('event.auth.login_failed')) >= 1 ? true : undefined));
    expect(await handled('event.auth.registered')).toBeGreaterThanOrEqual(1);
    expect(await handled('event.webhook.delivered')).toBeGreaterThanOrEqual(1);
    expect(await metricValue(h.opsPorts.analytics, 'oca_analytics_influx_write_failures_total')).toBe(0);
    if (h.victoriaMetrics) {
      const series = await h.victoriaMetrics.exportSeries('{__name__="jobs_count",agent="address",event="completed",status="succeeded"}');
      expect(series.length).toBeGreaterThan(0);
    }
  });
});
