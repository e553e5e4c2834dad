/**
 * The result cache and request coalescing against the real services as separate processes
 * (auth, agent-executor, cache, gateway): one agent run for many identical questions, followers
 * that survive their gateway, and fills that survive a stopped cache service.
 */
import { Redis } from 'ioredis';
import { serviceUrls, waitForHttp } from '@oca/testkit';
import { setRole } from '../../services/auth/src/cli/set-role';
import { api, metricValue, startHarness, type Harness } from './harness';
import { startReceiver, until } from './webhook-receiver';

jest.setTimeout(120_000);

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let apiKey: string;
let adminToken: string;
let redis: Redis;

beforeAll(async () => {
  // 50 submissions at once from one user: above the default per-user request budget.
  h = await startHarness({ RATE_LIMIT_USER_PER_MINUTE: '1000' });
  receiver = await startReceiver();
  redis = new Redis(serviceUrls().redisUrl);
  const email = `cache-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password } });
  const login = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password } });
  apiKey = (await api(h.gatewayUrl, 'POST', '/v1/api-keys', { token: login.body.accessToken, body: { name: 'cache' } })).body.key;
  const admin = { email: `cache-admin-${Date.now()}@example.com`, password };
  await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: admin });
  await setRole(h.db.url, admin.email, 'admin');
  adminToken = (await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: admin })).body.accessToken;
});

afterAll(async () => {
  await redis?.quit();
  await receiver?.close();
  await h?.close();
});

const addressRuns = () => metricValue(h.opsPorts['agent-executor'], 'oca_executor_agent_runs_total', { agent: 'address' });
const submit = (address: string, extra: Record<string, unknown> = {}) =>
  api(h.gatewayUrl, 'POST', '/v1/jobs', { apiKey, body: { agent: 'address', params: { network: 'devnet', address }, ...extra } });
const statusOf = async (id: string) => (await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}`, { apiKey })).body;

/** Entries the cache service holds whose source job is one of `ids`. */
async function filled(ids: string[]): Promise<number> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${h.redisPrefix}cache:address:*`, 'COUNT', 1000);
    cursor = next;
    for (const raw of await Promise.all(keys.map((k) => redis.get(k)))) {
      const jobId = raw ? (JSON.parse(raw) as { jobId: string }).jobId : undefined;
      if (jobId && ids.includes(jobId)) found.add(jobId);
    }
  } while (cursor !== '0');
  return found.size;
}

it('runs the agent once for 50 identical concurrent submissions: 50 succeeded jobs, one result, 50 webhooks', async () => {
  const before = await addressRuns();
  const target = h.market.tokens.alpha.address;
  const answers = await Promise.all(Array.from({ length: 50 }, () => submit(target, { webhook: { url: receiver.url } })));
  // One miss runs; the others follow it while it runs, or — once the cache service filled its
  // result, which can happen within the burst — are answered from the entry (200).
  const statuses = answers.map((a) => a.headers.get('cache-status')?.replace(/; ttl=\d+$/, ''));
  expect(statuses.filter((s) => s === 'OnChainAgents; fwd=miss')).toHaveLength(1);
  expect(statuses.filter((s) => s === 'OnChainAgents; fwd=miss; collapsed' || s === 'OnChainAgents; hit')).toHaveLength(49);
  expect(answers.every((a) => (a.status === 200) === (a.headers.get('cache-status')?.includes('; hit') ?? false))).toBe(true);

  const ids = answers.map((a) => a.body.id as string);
  // Long-poll the leader (the per-user cap of open long-polls is 20), then read every job.
  const leader = answers.find((a) => a.headers.get('cache-status') === 'OnChainAgents; fwd=miss')!.body.id;
  expect((await api(h.gatewayUrl, 'GET', `/v1/jobs/${leader}?wait=20`, { apiKey })).body.status).toBe('succeeded');
  // The followers take the leader's outcome in the leader's own transaction (jobs.complete_job):
  // once the leader reads finished, every follower does.
  const done = await Promise.all(ids.map((id) => api(h.gatewayUrl, 'GET', `/v1/jobs/${id}`, { apiKey })));
  expect(done.every((d) => d.body.status === 'succeeded')).toBe(true);
  expect(new Set(done.map((d) => JSON.stringify(d.body.result))).size).toBe(1);
  expect(await addressRuns()).toBe(before + 1);
  await until(() => (ids.every((id) => receiver.received.some((r) => r.body.includes(id))) ? true : undefined));
  expect(receiver.received.filter((r) => ids.some((id) => r.body.includes(id)))).toHaveLength(50);
});

it('completes followers whose gateway was killed: the restarted gateway applies the leader’s completion to them', async () => {
  const target = h.scenario.erc1155;
  await h.stack.stop('agent-executor');
  let leader: string, followers: string[];
  try {
    const first = await submit(target, { cache: 'bypass' });
    leader = first.body.id;
    const rest = await Promise.all(Array.from({ length: 5 }, () => submit(target)));
    followers = rest.map((r) => r.body.id);
    expect(rest.every((r) => r.body.cache?.status === 'coalesced' && r.body.cache?.sourceJobId === leader)).toBe(true);
    // The gateway that accepted them dies; the leader then runs while no gateway is up.
    await h.stack.stop('gateway', 'SIGKILL');
  } finally {
    h.stack.start('agent-executor');
  }
  await waitForHttp(`http://127.0.0.1:${h.opsPorts['agent-executor']}/ready`, 60_000);
  await until(async () => ((await addressRunsFor()) ? true : undefined));
  h.stack.start('gateway');
  await waitForHttp(`${h.gatewayUrl}/ready`, 60_000);
  const leaderDone = await api(h.gatewayUrl, 'GET', `/v1/jobs/${leader!}?wait=20`, { apiKey });
  expect(leaderDone.body.status).toBe('succeeded');
  for (const id of followers!) {
    const job = await until(async () => {
      const body = await statusOf(id);
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(job.result).toEqual(leaderDone.body.result);
  }

  async function addressRunsFor(): Promise<boolean> {
    // The executor finished the leader: its completion now waits in the gateway's queue.
    return h.logs.some((l) => l.startsWith('[agent-executor]') && l.includes('job finished') && l.includes(leader));
  }
});

it('fills every entry a stopped cache service missed once it is back, and then answers from them', async () => {
  await h.stack.stop('cache');
  const targets = [h.scenario.eoa, h.scenario.deployer, h.scenario.erc721];
  const ids: string[] = [];
  try {
    for (const target of targets) {
      const res = await submit(target, { cache: 'bypass' });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    for (const id of ids) expect((await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=20`, { apiKey })).body.status).toBe('succeeded');
    // The gateway kept serving; nothing filled while the cache service was down.
    expect(await filled(ids)).toBe(0);
  } finally {
    h.stack.start('cache');
  }
  await waitForHttp(`http://127.0.0.1:${h.opsPorts.cache}/ready`, 60_000);
  await until(async () => ((await filled(ids)) === ids.length ? true : undefined));
  const again = await submit(targets[0]!);
  expect(again.status).toBe(200);
  expect(again.body.cache).toMatchObject({ status: 'hit', sourceJobId: ids[0] });
});

it('lets an admin see the cache service’s stats and invalidate a target through the gateway', async () => {
  const target = h.scenario.erc20;
  const first = await submit(target, { cache: 'bypass' });
  await api(h.gatewayUrl, 'GET', `/v1/jobs/${first.body.id}?wait=20`, { apiKey });
  await until(async () => ((await filled([first.body.id])) === 1 ? true : undefined));
  expect((await submit(target)).status).toBe(200);

  // The gateway writes its lookup counters about once a second.
  const stats = await until(async () => {
    const answer = await api(h.gatewayUrl, 'GET', '/v1/admin/cache/stats', { token: adminToken });
    return answer.status !== 200 || answer.body.byAgent?.address?.hits >= 1 ? answer : undefined;
  });
  expect(stats.status).toBe(200);
  expect(stats.body.entries).toBeGreaterThanOrEqual(1);
  expect(stats.body.byAgent.address).toMatchObject({ hits: expect.any(Number), misses: expect.any(Number) });
  expect(stats.body.byAgent.address.hits).toBeGreaterThanOrEqual(1);
  expect((await api(h.gatewayUrl, 'GET', '/v1/admin/cache/stats', { apiKey })).status).toBe(403);

  const invalidated = await api(h.gatewayUrl, 'DELETE', `/v1/admin/cache?agent=address&target=${target.toLowerCase()}`, { token: adminToken });
  expect(invalidated.status).toBe(200);
  expect(invalidated.body.deleted).toBe(1);
  expect(await filled([first.body.id])).toBe(0);
  const after = await submit(target);
  expect(after.status).toBe(202);
  expect(after.body.cache.status).not.toBe('hit');
  const bad = await api(h.gatewayUrl, 'DELETE', '/v1/admin/cache?target=not-an-address', { token: adminToken });
  expect(bad.status).toBe(400);
});
