/**
 * The result cache and request coalescing on the submit path, against the real PostgreSQL, Redis
 * and RabbitMQ: entries are written into Redis as the cache service writes them; completions are
 * applied by the real completion handler; job.execute messages are counted in the real queue.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Broker } from '@oca/amqp';
import { AGENT_CATALOG, cacheTargetOf, QUEUES, REDIS_KEYS, type AddressResult, type CacheEntry, type Principal } from '@oca/contracts';
import { createPool, migrate, type Pool } from '@oca/db';
import { createLogger } from '@oca/observability';
import { createTestDatabase, serviceUrls, type TestDatabase } from '@oca/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { CompletionHandler } from '../src/handlers/completion.handler';
import { ActiveJobQuota } from '../src/limits/active-job-quota';
import { createGatewayMetrics } from '../src/metrics';
import type { Job } from '../src/services/job';
import { JobLifecycle } from '../src/services/job-lifecycle';
import { JobPublisher } from '../src/services/job-publisher';
import { JobService } from '../src/services/job-service';
import { JobStore } from '../src/services/job-store';
import { JobWaiter } from '../src/services/job-waiter';
import { RequestCoalescer } from '../src/services/request-coalescer';
import { ResultCache } from '../src/services/result-cache';

const urls = serviceUrls();
const logger = createLogger({ service: 'gateway-cache-test', level: 'silent' });
const amqpPrefix = `gw-cache-${randomUUID().slice(0, 8)}.`;
const redisPrefix = `oca-gw-cache-${randomUUID().slice(0, 8)}:`;

let db: TestDatabase;
let pool: Pool;
let broker: Broker;
let redis: Redis, sub: Redis, redisB: Redis, subB: Redis;
let store: JobStore;
let cache: ResultCache;
let service: JobService;
let completions: CompletionHandler;
let completionsB: CompletionHandler;
const webhooks: Job[] = [];

/** A gateway instance's job services; `enqueue` replaces the webhook queue (default: recorded in `webhooks`). */
function wire(commands: Redis, waiter: JobWaiter, enqueue: (job: Job) => Promise<void> = async (job) => void webhooks.push(job)) {
  const metrics = createGatewayMetrics(new Registry());
  const quota = new ActiveJobQuota({ redis: commands, keyPrefix: redisPrefix, max: 1000, countActive: (userId) => store.countActive(userId) });
  const publisher = new JobPublisher(broker);
  const resultCache = new ResultCache({ redis: commands, prefix: redisPrefix, metrics, logger });
  const coalescer = new RequestCoalescer({ store, cache: resultCache, publisher, logger });
  const lifecycle = new JobLifecycle({ quota, waiter, webhooks: { enqueue }, metrics, logger, coalescer });
  const jobs = new JobService({
    quota,
    lifecycle,
    store,
    deliveries: { listForJob: async () => [] },
    publisher,
    cache: resultCache,
    coalescer,
    redis: commands,
    redisPrefix,
    waiter,
    webhookGuard: { check: async () => [] },
    networks: ['devnet'],
    metrics,
    logger,
  });
  return { jobs, resultCache, handler: new CompletionHandler({ broker, store, lifecycle, logger, prefetch: 5 }), metrics };
}

let waiter: JobWaiter, waiterB: JobWaiter;
let flakyWebhooks: { handler: CompletionHandler; failFor: Set<string> };

beforeAll(async () => {
  const admin = new URL(urls.postgresUrl);
  admin.pathname = '/postgres';
  db = await createTestDatabase(admin.toString(), 'gateway_cache');
  await migrate({ databaseUrl: db.url, schema: 'jobs', dir: path.resolve(__dirname, '..', 'migrations'), logger });
  pool = createPool({ connectionString: db.url, applicationName: 'gateway-cache-test' });
  broker = await Broker.connect({ url: urls.amqpUrl, connectionName: 'gateway-cache-test', logger, prefix: amqpPrefix });
  [redis, sub, redisB, subB] = [new Redis(urls.redisUrl), new Redis(urls.redisUrl), new Redis(urls.redisUrl), new Redis(urls.redisUrl)];
  store = new JobStore(pool);
  [waiter, waiterB] = [new JobWaiter(redis, sub, redisPrefix), new JobWaiter(redisB, subB, redisPrefix)];
  await Promise.all([waiter.start(), waiterB.start()]);
  const a = wire(redis, waiter);
  // A second gateway instance: its own Redis connections, the same database and broker.
  const b = wire(redisB, waiterB);
  [service, cache, completions, completionsB] = [a.jobs, a.resultCache, a.handler, b.handler];
  // An instance whose webhook queue refuses the jobs in failFor (the broker down mid-completion).
  const failFor = new Set<string>();
  const flaky = wire(redis, waiter, async (job) => {
    if (failFor.delete(job.id)) throw new Error('webhook queue unavailable');
    webhooks.push(job);
  });
  flakyWebhooks = { handler: flaky.handler, failFor };
});

afterAll(async () => {
  await broker?.deleteTopology();
  await broker?.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await Promise.all([redis, sub, redisB, subB].map((r) => r?.quit()));
  await pool?.end();
  await db?.drop();
});

const user = (role: Principal['role'] = 'user'): Principal => ({ userId: randomUUID(), email: 'c@example.com', role, via: 'token' });
const newAddress = () => `0x${randomUUID().replace(/-/g, '').padEnd(40, '0').slice(0, 40)}`;

function addressResult(address: string, blockNumber = 100): AddressResult {
  return {
    agent: 'address',
    network: 'devnet',
    target: address,
    blockNumber: String(blockNumber),
    generatedAt: new Date().toISOString(),
    summary: `result for ${address}`,
    findings: [],
    data: { kind: 'eoa', balanceWei: '7', balance: '0.000000000000000007', nonce: 1, codeSize: 0, codeHash: null, token: null, proxy: null },
  };
}

/** Writes an entry the way the cache service does (same key function, same entry schema). */
async function putEntry(address: string, options: { ageSeconds?: number; block?: number; agentVersion?: number } = {}): Promise<CacheEntry> {
  const params = { network: 'devnet', address };
  const key = cache.keyFor('address', params);
  const entry: CacheEntry = {
    v: 1,
    key,
    agent: 'address',
    agentVersion: options.agentVersion ?? AGENT_CATALOG.address.version,
    network: 'devnet',
    params,
    target: cacheTargetOf(params),
    blockNumber: options.block ?? 100,
    jobId: randomUUID(),
    storedAt: new Date(Date.now() - (options.ageSeconds ?? 1) * 1000).toISOString(),
    result: addressResult(address, options.block ?? 100),
  };
  await redis.set(key, JSON.stringify(entry), 'EX', 3600);
  return entry;
}

const submit = (principal: Principal, address: string, extra: Record<string, unknown> = {}, bypassCache = false) =>
  service.submit({ principal, body: { agent: 'address', params: { network: 'devnet', address }, ...extra }, correlationId: `c-${randomUUID()}`, bypassCache });

function completed(jobId: string, status: 'succeeded' | 'failed', result: unknown) {
  const now = new Date().toISOString();
  return {
    v: 1 as const,
    type: 'job.completed' as const,
    id: randomUUID(),
    jobId,
    correlationId: 'c',
    createdAt: now,
    payload: {
      agent: 'address',
      status,
      ...(status === 'succeeded' ? { result } : { error: { code: 'agent_error' as const, message: 'The agent failed on this input', retryable: false } }),
      startedAt: now,
      finishedAt: now,
      durationMs: 3,
    },
  };
}

const queued = async () => (await broker.queueDepth(QUEUES.agentExecution)).messages;

describe('cache lookups on submit', () => {
  it('answers from a fresh entry at once: a succeeded job with the cached result, its webhook, no execution', async () => {
    await broker.purge(QUEUES.agentExecution);
    const address = newAddress();
    const entry = await putEntry(address, { ageSeconds: 2 });
    const before = webhooks.length;
    const { job, created, cacheTtlSeconds } = await submit(user(), address, { webhook: { url: 'https://hooks.example.com/x' } });
    expect(created).toBe(true);
    expect(job).toMatchObject({ status: 'succeeded', result: entry.result, cache: { status: 'hit', sourceJobId: entry.jobId, ageSeconds: 2 } });
    expect(cacheTtlSeconds).toBeGreaterThanOrEqual(AGENT_CATALOG.address.cache.maxAgeSeconds - 3);
    expect(await store.get(job.id)).toMatchObject({ status: 'succeeded', finishedAt: expect.any(Date) });
    expect(webhooks.slice(before).map((j) => j.id)).toEqual([job.id]);
    expect(await queued()).toBe(0);
    // The hit is counted for refresh-ahead with the next flush of the counters (at most a second on).
    await cache.flushCounters();
    expect(await redis.zscore(REDIS_KEYS.cacheHits(redisPrefix), entry.key)).toBe('1');
  });

  it('misses a stale entry — by age, or by blocks once the head moved — unless the client accepts older with maxAgeSeconds', async () => {
    const old = newAddress();
    await putEntry(old, { ageSeconds: 3600 });
    expect((await submit(user(), old)).job.cache).toEqual({ status: 'miss' });
    expect((await submit(user(), old, { maxAgeSeconds: 7200 })).job.cache).toMatchObject({ status: 'hit', ageSeconds: 3600 });

    const behind = newAddress();
    await putEntry(behind, { block: 100 });
    await redis.set(REDIS_KEYS.chainHead(redisPrefix, 'devnet'), JSON.stringify({ block: 101, at: new Date().toISOString() }), 'EX', 60);
    try {
      // address: same block only; the head moved one block.
      expect((await submit(user(), behind)).job.cache).toEqual({ status: 'miss' });
      expect((await submit(user(), behind, { maxAgeSeconds: 7200 })).job.cache).toMatchObject({ status: 'hit' });
    } finally {
      await redis.del(REDIS_KEYS.chainHead(redisPrefix, 'devnet'));
    }
  });

  it('bypasses on request, never serves other params, and ignores entries of another agent version', async () => {
    const address = newAddress();
    await putEntry(address);
    expect((await submit(user(), address, { cache: 'bypass' })).job).toMatchObject({ status: 'queued', cache: { status: 'bypass' } });
    expect((await submit(user(), address, {}, true)).job.cache).toEqual({ status: 'bypass' });
    expect((await submit(user(), address.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).job.cache).toEqual({ status: 'miss' });

    const bumped = newAddress();
    await putEntry(bumped, { agentVersion: AGENT_CATALOG.address.version + 1 });
    expect((await submit(user(), bumped)).job.cache).toEqual({ status: 'miss' });
  });
});

describe('cache counters', () => {
  it('adds lookups up in memory and writes them in one flush; counts Redis did not take are kept for the next', async () => {
    const prefix = `${redisPrefix}counters:`;
    // Not connected and no offline queue: a command fails (and starts connecting) until it is ready.
    const offline = new Redis(urls.redisUrl, { lazyConnect: true, enableOfflineQueue: false });
    const counters = new ResultCache({ redis: offline, prefix, metrics: createGatewayMetrics(new Registry()), logger, countersFlushMs: 60_000 });
    try {
      for (let i = 0; i < 3; i++) counters.coalesced('address');
      await counters.lookup('address', { network: 'devnet', address: newAddress() }, { bypass: true });
      await counters.lookup('market', { network: 'devnet', pair: newAddress() }, { bypass: true });
      const lookups = REDIS_KEYS.cacheLookups(prefix);
      await counters.flushCounters();
      expect(await redis.hgetall(lookups)).toEqual({});

      if (offline.status !== 'ready') await new Promise((resolve) => offline.once('ready', resolve));
      counters.coalesced('address');
      await counters.close();
      expect(await redis.hgetall(lookups)).toEqual({ 'address:coalesced': '4', 'address:bypass': '1', 'market:bypass': '1' });
      await counters.flushCounters(); // nothing new: nothing written twice
      expect(await redis.hget(lookups, 'address:coalesced')).toBe('4');
    } finally {
      offline.disconnect();
    }
  });
});

describe('request coalescing', () => {
  it('runs 50 identical concurrent submissions once; all 50 take the one result, each with its own webhook', async () => {
    await broker.purge(QUEUES.agentExecution);
    const address = newAddress();
    const users = Array.from({ length: 50 }, () => user());
    const submitted = await Promise.all(users.map((u) => submit(u, address, { webhook: { url: 'https://hooks.example.com/y' } })));
    const leaders = submitted.filter((s) => s.job.cache?.status === 'miss');
    expect(leaders).toHaveLength(1);
    const leader = leaders[0]!.job;
    expect(submitted.filter((s) => s.job.cache?.status === 'coalesced').every((s) => s.job.cache?.sourceJobId === leader.id)).toBe(true);
    expect(await queued()).toBe(1);

    const before = webhooks.length;
    const result = addressResult(address, 7);
    const ids = submitted.map((s) => s.job.id);
    // A long-poll on the leader, woken by the completion: what its client reads at that moment.
    const statusesWhenWoken = waiter.wait(leader.id, 10_000).ready.then(async () => (await pool.query('SELECT status FROM jobs.jobs WHERE id = ANY($1)', [ids])).rows.map((r) => r.status as string));
    await completions.handle(completed(leader.id, 'succeeded', result));
    // Every follower took the outcome before the leader's long-polls were woken.
    expect(await statusesWhenWoken).toEqual(Array(50).fill('succeeded'));
    const { rows } = await pool.query('SELECT status, result FROM jobs.jobs WHERE id = ANY($1)', [ids]);
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    expect(new Set(rows.map((r) => JSON.stringify(r.result))).size).toBe(1);
    expect(rows[0].result).toMatchObject({ blockNumber: '7', target: address });
    expect(webhooks.slice(before).map((j) => j.id).sort()).toEqual([...ids].sort());
    // Before the cache service fills the entry, an identical miss takes the leader's fresh result
    // instead of running again (no entry was written in this test: the answer comes from PostgreSQL).
    await broker.purge(QUEUES.agentExecution);
    const late = await submit(user(), address);
    expect(late.job).toMatchObject({ status: 'succeeded', result: { blockNumber: '7' }, cache: { status: 'hit', sourceJobId: leader.id } });
    expect(await queued()).toBe(0);
  });

  it('completes a leader and its followers in one transaction: a reader never sees the leader finished while a follower waits', async () => {
    let torn = 0;
    for (let round = 0; round < 10; round += 1) {
      const address = newAddress();
      const [leader, ...followers] = await Promise.all([submit(user(), address), submit(user(), address), submit(user(), address), submit(user(), address)]).then((all) =>
        [...all].sort((a, b) => (a.job.cache?.status === 'miss' ? -1 : b.job.cache?.status === 'miss' ? 1 : 0)).map((s) => s.job),
      );
      expect(followers.every((f) => f.leaderJobId === leader!.id)).toBe(true);
      let done = false;
      const reader = (async () => {
        while (!done) {
          const { rows } = await pool.query<{ id: string; status: string }>('SELECT id, status FROM jobs.jobs WHERE id = ANY($1)', [[leader!.id, ...followers.map((f) => f.id)]]);
          const leaderDone = rows.some((r) => r.id === leader!.id && r.status === 'succeeded');
          if (leaderDone && rows.some((r) => r.status === 'queued')) torn += 1;
        }
      })();
      await completions.handle(completed(leader!.id, 'succeeded', addressResult(address, 11)));
      done = true;
      await reader;
      for (const f of followers) expect(await store.get(f.id)).toMatchObject({ status: 'succeeded', result: { blockNumber: '11' } });
    }
    expect(torn).toBe(0);
  });

  it('finishes a follower that commits while the completion waits for the leader’s row (a later snapshot than the completion’s start)', async () => {
    const address = newAddress();
    const leader = (await submit(user(), address)).job;
    const other = (await submit(user(), newAddress())).job;
    // The other job becomes a follower the way JobStore.follow makes one: the leader's row held
    // FOR SHARE until the follower's row is committed. The completion starts meanwhile and waits.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT id FROM jobs.jobs WHERE id = $1 AND status IN ('queued', 'running') FOR SHARE`, [leader.id]);
      await client.query(`UPDATE jobs.jobs SET leader_job_id = $1, cache_status = 'coalesced', cache_source_job_id = $1 WHERE id = $2`, [leader.id, other.id]);
      let applied = false;
      const completion = completions.handle(completed(leader.id, 'succeeded', addressResult(address, 12))).then(() => void (applied = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(applied).toBe(false); // blocked on the leader's row
      await client.query('COMMIT');
      await completion;
    } finally {
      client.release();
    }
    expect(await store.get(other.id)).toMatchObject({ status: 'succeeded', result: { blockNumber: '12' }, cache: { status: 'coalesced', sourceJobId: leader.id } });
  });

  it('redoes the followers’ webhooks when a completion is redelivered after one failed to queue', async () => {
    const address = newAddress();
    const hook = { webhook: { url: 'https://hooks.example.com/again' } };
    const first = await submit(user(), address, hook);
    const [a, b] = await Promise.all([submit(user(), address, hook), submit(user(), address, hook)]);
    expect([a.job.leaderJobId, b.job.leaderJobId]).toEqual([first.job.id, first.job.id]);
    const message = completed(first.job.id, 'succeeded', addressResult(address, 13));
    flakyWebhooks.failFor.add(b.job.id);
    const before = webhooks.length;
    await expect(flakyWebhooks.handler.handle(message)).rejects.toThrow('webhook queue unavailable');
    expect(webhooks.slice(before).map((j) => j.id)).not.toContain(b.job.id);
    // The broker brings the message back: the transition is done, the effects are not.
    await flakyWebhooks.handler.handle(message, { attempt: 2, redelivered: true });
    const again = webhooks.slice(before).map((j) => j.id);
    expect(again).toContain(b.job.id);
    expect(again.filter((id) => id === first.job.id).length).toBeGreaterThanOrEqual(2);
  });

  it('fails the followers with their leader’s error, completed on another gateway instance', async () => {
    const address = newAddress();
    const first = await submit(user(), address);
    const [a, b] = await Promise.all([submit(user(), address), submit(user(), address)]);
    expect([a.job.leaderJobId, b.job.leaderJobId]).toEqual([first.job.id, first.job.id]);
    // The instance that accepted the followers is not the one that applies the completion.
    await completionsB.handle(completed(first.job.id, 'failed', undefined));
    for (const id of [a.job.id, b.job.id]) {
      expect(await store.get(id)).toMatchObject({ status: 'failed', error: { code: 'agent_error' }, cache: { status: 'coalesced', sourceJobId: first.job.id } });
    }
    // A failed leader answers nobody after it: the next identical request runs.
    expect((await submit(user(), address)).job).toMatchObject({ status: 'queued', cache: { status: 'miss' }, leaderJobId: null });
  });

  it('promotes the best waiting follower when the leader is canceled, and the others follow it', async () => {
    await broker.purge(QUEUES.agentExecution);
    const address = newAddress();
    const owner = user();
    const leader = (await submit(owner, address, { priority: 4 })).job;
    const low = (await submit(user(), address, { priority: 2 })).job;
    const high = (await submit(user('premium'), address, { priority: 4 })).job;
    expect([low.leaderJobId, high.leaderJobId]).toEqual([leader.id, leader.id]);
    expect(await queued()).toBe(1);

    await service.cancel(leader.id, owner);
    expect(await queued()).toBe(2); // the promoted follower was published
    const promoted = await store.get(high.id);
    expect(promoted).toMatchObject({ status: 'queued', leaderJobId: null, cache: { status: 'miss' } });
    expect(await store.get(low.id)).toMatchObject({ leaderJobId: high.id, cache: { status: 'coalesced', sourceJobId: high.id } });

    await completions.handle(completed(high.id, 'succeeded', addressResult(address, 9)));
    expect(await store.get(low.id)).toMatchObject({ status: 'succeeded', result: { blockNumber: '9' } });
  });

  it('lets identical misses follow a bypass run in flight; a bypass itself never follows', async () => {
    const address = newAddress();
    const fresh = (await submit(user(), address, { cache: 'bypass' })).job;
    expect((await submit(user(), address)).job).toMatchObject({ leaderJobId: fresh.id, cache: { status: 'coalesced', sourceJobId: fresh.id } });
    const again = (await submit(user(), address, { cache: 'bypass' })).job;
    expect(again).toMatchObject({ leaderJobId: null, status: 'queued', cache: { status: 'bypass' } });
  });

  it('does not make a higher-priority request wait behind a lower-priority leader', async () => {
    const address = newAddress();
    const leader = (await submit(user(), address, { priority: 1 })).job;
    const urgent = (await submit(user('premium'), address, { priority: 6 })).job;
    expect(urgent).toMatchObject({ leaderJobId: null, cache: { status: 'miss' } });
    // It leads from now on: the next identical request follows it, not the slow one.
    expect((await submit(user(), address, { priority: 1 })).job.leaderJobId).toBe(urgent.id);
    expect(leader.cache).toEqual({ status: 'miss' });
  });
});
