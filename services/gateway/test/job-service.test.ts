/**
 * JobService + CompletionHandler against the real PostgreSQL, Redis and RabbitMQ: what a submit
 * writes and publishes, idempotency, guarded completion, and long-poll wake-ups across two
 * gateway instances (two JobWaiters on separate Redis connections).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Broker } from '@oca/amqp';
import { JobExecute, QUEUES, type AddressResult, type Principal } from '@oca/contracts';
import { createPool, migrate, type Pool } from '@oca/db';
import { createLogger } from '@oca/observability';
import { createTestDatabase, serviceUrls, type TestDatabase } from '@oca/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { DomainError, statusOf } from '../src/errors';
import { createGatewayMetrics } from '../src/metrics';
import { CompletionHandler } from '../src/handlers/completion.handler';
import type { Job } from '../src/services/job';
import { JobLifecycle } from '../src/services/job-lifecycle';
import { JobPublisher } from '../src/services/job-publisher';
import { JobService, type JobServiceOptions } from '../src/services/job-service';
import { ResultCache } from '../src/services/result-cache';
import { JobStore } from '../src/services/job-store';
import { JobWaiter } from '../src/services/job-waiter';
import { StalledJobSweeper } from '../src/services/stalled-job-sweeper';
import { ActiveJobQuota } from '../src/limits/active-job-quota';

const urls = serviceUrls();
const logger = createLogger({ service: 'gateway-test', level: 'silent' });
const ADDRESS = '0x' + 'ab'.repeat(20);
const user: Principal = { userId: randomUUID(), email: 'u@example.com', role: 'user', via: 'token' };

let db: TestDatabase;
let pool: Pool;
let broker: Broker;
let redisA: Redis, subA: Redis, redisB: Redis, subB: Redis;
let service: JobService;
let waiterB: JobWaiter;
let store: JobStore;
let completions: CompletionHandler;
let quota: ActiveJobQuota;
let serviceOptions: JobServiceOptions;
let lifecycle: JobLifecycle;
const enqueuedWebhooks: Job[] = [];
const prefix = `gw-test-${randomUUID().slice(0, 8)}.`;
const redisPrefix = `oca-gw-test-${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  const admin = new URL(urls.postgresUrl);
  admin.pathname = '/postgres';
  db = await createTestDatabase(admin.toString(), 'gateway');
  await migrate({ databaseUrl: db.url, schema: 'jobs', dir: path.resolve(__dirname, '..', 'migrations'), logger });
  pool = createPool({ connectionString: db.url, applicationName: 'gateway-test' });
  broker = await Broker.connect({ url: urls.amqpUrl, connectionName: 'gateway-test', logger, prefix });
  [redisA, subA, redisB, subB] = [new Redis(urls.redisUrl), new Redis(urls.redisUrl), new Redis(urls.redisUrl), new Redis(urls.redisUrl)];
  const metrics = createGatewayMetrics(new Registry());
  store = new JobStore(pool);
  const waiterA = new JobWaiter(redisA, subA, redisPrefix);
  waiterB = new JobWaiter(redisB, subB, redisPrefix);
  await Promise.all([waiterA.start(), waiterB.start()]);
  quota = new ActiveJobQuota({ redis: redisA, keyPrefix: redisPrefix, max: 1000, countActive: (userId) => store.countActive(userId) });
  lifecycle = new JobLifecycle({ quota, waiter: waiterA, webhooks: { enqueue: async (job) => void enqueuedWebhooks.push(job) }, metrics, logger });
  serviceOptions = {
    quota,
    lifecycle,
    store,
    deliveries: { listForJob: async () => [] },
    publisher: new JobPublisher(broker),
    // The real cache (empty under this prefix: every lookup misses); coalescing is off in these
    // tests — a seam that never follows — and tested with the real coalescer further down.
    cache: new ResultCache({ redis: redisA, prefix: redisPrefix, metrics, logger }),
    coalescer: { follow: async () => undefined, lead: async () => undefined },
    redis: redisA,
    redisPrefix,
    waiter: waiterA,
    webhookGuard: { check: async () => [] },
    networks: ['devnet'],
    metrics,
    logger,
  };
  service = new JobService(serviceOptions);
  completions = new CompletionHandler({ broker, store, lifecycle, logger, prefetch: 5 });
});

afterAll(async () => {
  await broker?.deleteTopology();
  await broker?.close();
  await Promise.all([redisA, subA, redisB, subB].map((r) => r?.quit()));
  await pool?.end();
  await db?.drop();
});

/** A result the address agent's schema accepts (the completion handler checks it). */
function addressResult(): AddressResult {
  return {
    agent: 'address',
    network: 'devnet',
    target: ADDRESS,
    blockNumber: '42',
    generatedAt: new Date().toISOString(),
    summary: 'an account',
    findings: [],
    data: { kind: 'eoa', balanceWei: '0', balance: '0', nonce: 0, codeSize: 0, codeHash: null, token: null, proxy: null },
  };
}

function completedMessage(jobId: string, status: 'succeeded' | 'failed' = 'succeeded', result: unknown = addressResult()) {
  const now = new Date().toISOString();
  return {
    v: 1 as const,
    type: 'job.completed' as const,
    id: randomUUID(),
    jobId,
    correlationId: 'c-1',
    createdAt: now,
    payload: { agent: 'address', status, result, startedAt: now, finishedAt: now, durationMs: 5 },
  };
}

it('writes the job, then publishes a confirmed job.execute with the plan priority', async () => {
  await broker.purge(QUEUES.agentExecution);
  const { job: row, created } = await service.submit({
    principal: user,
    body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } },
    correlationId: 'corr-1',
  });
  expect(created).toBe(true);
  expect(row.status).toBe('queued');
  expect(row.priority).toBe(4);
  const stored = await store.get(row.id);
  expect(stored?.enqueuedAt).toBeInstanceOf(Date);

  const received = await new Promise<{ msg: JobExecute; priority?: number }>((resolve) => {
    void broker.consume(QUEUES.agentExecution, JobExecute, async (msg, ctx) => resolve({ msg, priority: ctx.priority }), { prefetch: 1 });
  });
  expect(received.msg.jobId).toBe(row.id);
  expect(received.msg.correlationId).toBe('corr-1');
  expect(received.msg.payload).toMatchObject({ agent: 'address', userId: user.userId, priority: 4 });
  expect(received.priority).toBe(4);
});

it('rejects bad params and an unserved network before writing anything', async () => {
  const before = (await pool.query('SELECT count(*)::int AS n FROM jobs.jobs')).rows[0].n;
  await expect(service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: '0x1' } }, correlationId: 'c' })).rejects.toMatchObject({
    code: 'invalid_params',
  });
  await expect(
    service.submit({ principal: user, body: { agent: 'address', params: { network: 'base', address: ADDRESS } }, correlationId: 'c' }),
  ).rejects.toMatchObject({ code: 'network_not_configured' });
  expect((await pool.query('SELECT count(*)::int AS n FROM jobs.jobs')).rows[0].n).toBe(before);
});

it('answers 409 while a request with the same Idempotency-Key is still being queued', async () => {
  const key = `k-${randomUUID()}`;
  const body = { agent: 'address', params: { network: 'devnet', address: ADDRESS } };
  const first = await service.submit({ principal: user, body, idempotencyKey: key, correlationId: 'c' });
  await pool.query('UPDATE jobs.jobs SET enqueued_at = NULL WHERE id = $1', [first.job.id]); // as if still publishing
  await expect(service.submit({ principal: user, body, idempotencyKey: key, correlationId: 'c' })).rejects.toMatchObject({ code: 'idempotency_in_flight' });
});

it('applies a completion exactly once and wakes a long-poll on another instance', async () => {
  const { job: row } = await service.submit({
    principal: user,
    body: { agent: 'address', params: { network: 'devnet', address: ADDRESS }, webhook: { url: 'https://example.com/hook' } },
    correlationId: 'c',
  });
  // A long-poll held by "instance B" (its own waiter and Redis subscriber).
  const serviceB = new JobService({ ...serviceOptions, waiter: waiterB });
  const started = Date.now();
  const polled = serviceB.get(row.id, user, 10);
  await new Promise((r) => setTimeout(r, 200));
  await completions.handle(completedMessage(row.id));
  const woke = await polled;
  expect(woke.status).toBe('succeeded');
  expect(Date.now() - started).toBeLessThan(5000);
  expect(enqueuedWebhooks.filter((j) => j.id === row.id)).toHaveLength(1);

  // A duplicate (e.g. from a second executor) and a late failure change nothing.
  await completions.handle(completedMessage(row.id, 'failed'));
  await completions.handle(completedMessage(row.id));
  const after = await store.get(row.id);
  expect(after?.status).toBe('succeeded');
  expect(enqueuedWebhooks.filter((j) => j.id === row.id)).toHaveLength(1);
});

it('wakes a long-poll on the completing instance without waiting for Redis pub/sub', async () => {
  const { job: row } = await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' });
  // Held on instance A, whose waiter the lifecycle notifies. Its publisher is made to stall: the
  // local waiter must be woken before (and whatever) the publish does.
  const stalled = new JobWaiter({ publish: () => new Promise<number>(() => undefined) } as unknown as Redis, subA, `${redisPrefix}local-`);
  const waiting = stalled.wait(row.id, 10_000);
  let woke = false;
  void waiting.ready.then(() => (woke = true));
  void stalled.notify(row.id);
  await new Promise((r) => setImmediate(r));
  expect(woke).toBe(true);
  expect(stalled.size).toBe(0);
});

it('checks a completion’s result against the agent’s schema: an invalid one fails the job, a mismatched agent changes nothing', async () => {
  const submit = async () =>
    (await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' })).job;
  const [forged, valid, other] = [await submit(), await submit(), await submit()];
  await completions.handle(completedMessage(forged.id, 'succeeded', { ...addressResult(), data: { kind: '<script>', injected: true } }));
  expect(await store.get(forged.id)).toMatchObject({ status: 'failed', result: null, error: { code: 'agent_error', message: 'The agent produced an invalid result' } });
  // A valid result is stored as the schema parsed it: keys it does not declare are dropped.
  await completions.handle(completedMessage(valid.id, 'succeeded', { ...addressResult(), injected: '<script>' }));
  const stored = await store.get(valid.id);
  expect(stored).toMatchObject({ status: 'succeeded', result: { agent: 'address', blockNumber: '42' } });
  expect(Object.keys(stored!.result as object)).not.toContain('injected');
  const wrongAgent = completedMessage(other.id);
  wrongAgent.payload.agent = 'market';
  await completions.handle(wrongAgent);
  expect((await store.get(other.id))?.status).toBe('queued');
});

it('keeps the plan on the job, so job.completed carries it with the RPC calls the executor reported', async () => {
  const sent: { type: string; payload: Record<string, unknown> }[] = [];
  const events = { publish: ((type: string, payload: Record<string, unknown>) => void sent.push({ type, payload })) as never };
  const withEvents = new JobLifecycle({ ...(lifecycle as any).options, events });
  const premium: Principal = { ...user, userId: randomUUID(), role: 'premium' };
  const submitted = await new JobService({ ...serviceOptions, lifecycle: withEvents, events }).submit({
    principal: premium,
    body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } },
    correlationId: 'plan-1',
  });
  expect((await store.get(submitted.job.id))?.plan).toBe('premium');

  const message = completedMessage(submitted.job.id);
  await new CompletionHandler({ broker, store, lifecycle: withEvents, logger, prefetch: 1 }).handle({ ...message, payload: { ...message.payload, rpcCalls: 6 } });
  expect(sent.map((e) => [e.type, e.payload.plan])).toEqual([
    ['event.job.submitted', 'premium'],
    ['event.job.completed', 'premium'],
  ]);
  expect(sent[1]!.payload).toMatchObject({ status: 'succeeded', rpcCalls: 6, agent: 'address', userId: premium.userId });

  // A job from before plans were kept, or with a role this build does not know: no plan.
  for (const plan of [null, 'enterprise']) {
    await pool.query('UPDATE jobs.jobs SET plan = $2 WHERE id = $1', [submitted.job.id, plan]);
    expect((await store.get(submitted.job.id))?.plan).toBeNull();
  }
});

it('does not let a completion overwrite a canceled job', async () => {
  const { job: row } = await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' });
  await service.cancel(row.id, user);
  expect(await redisA.exists(`${redisPrefix}job:${row.id}:canceled`)).toBe(1);
  await completions.handle(completedMessage(row.id));
  expect((await store.get(row.id))?.status).toBe('canceled');
  await expect(service.cancel(row.id, user)).rejects.toMatchObject({ code: 'job_not_cancelable' });
});

it('hides other users’ jobs', async () => {
  const { job: row } = await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' });
  const other: Principal = { ...user, userId: randomUUID() };
  await expect(service.get(row.id, other)).rejects.toBeInstanceOf(DomainError);
  await expect(service.cancel(row.id, other)).rejects.toMatchObject({ code: 'not_found' });
  expect((await service.list(other, 10)).jobs).toEqual([]);
});

it('reads a finished job from memory after its first read, for its owner only; an unfinished one from the database each time', async () => {
  // A second store (another gateway instance) over the real pool, counting the queries it sends.
  let queries = 0;
  const counted = { query: (...args: Parameters<Pool['query']>) => (queries++, pool.query(...args)) } as unknown as Pool;
  const instance = new JobStore(counted);
  const { job: row } = await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' });

  await instance.getOwned(row.id, user.userId);
  await instance.getOwned(row.id, user.userId);
  expect(queries).toBe(2); // queued: never kept

  await completions.handle(completedMessage(row.id));
  const [first, concurrent] = await Promise.all([instance.getOwned(row.id, user.userId), instance.getOwned(row.id, user.userId)]);
  expect(queries).toBe(3); // two concurrent reads share one query
  expect(first?.status).toBe('succeeded');
  expect(concurrent).toBe(first);
  expect((await instance.getOwned(row.id, user.userId))?.result).toEqual(first?.result);
  expect(await instance.getOwned(row.id, randomUUID())).toBeUndefined();
  expect(queries).toBe(3);

  // FINISHED_JOBS_CACHE_MB=0: every read is a query.
  const uncached = new JobStore(counted, { finishedCacheBytes: 0 });
  await uncached.getOwned(row.id, user.userId);
  expect((await uncached.getOwned(row.id, user.userId))?.status).toBe('succeeded');
  expect(queries).toBe(5);
});

it('rolls back and answers 503 when the broker cannot confirm the job', async () => {
  const broken = new JobService({
    ...serviceOptions,
    publisher: { publish: async () => Promise.reject(new Error('channel closed')) },
  });
  const before = (await pool.query('SELECT count(*)::int AS n FROM jobs.jobs')).rows[0].n;
  await expect(
    broken.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' }),
  ).rejects.toMatchObject({ code: 'unavailable', retryAfterSeconds: 5 });
  expect(statusOf('unavailable')).toBe(503);
  expect((await pool.query('SELECT count(*)::int AS n FROM jobs.jobs')).rows[0].n).toBe(before);
});

describe('stalled-job sweeper', () => {
  it('fails jobs running or queued for too long with code stalled, once, waking long-polls and queuing the webhook', async () => {
    const submit = async (webhook?: string) =>
      (
        await service.submit({
          principal: user,
          body: { agent: 'address', params: { network: 'devnet', address: ADDRESS }, ...(webhook ? { webhook: { url: webhook } } : {}) },
          correlationId: `sweep-${randomUUID()}`,
        })
      ).job;
    const [lostRunning, lostQueued, fresh, done] = [await submit('https://example.com/hook'), await submit(), await submit(), await submit()];
    await store.markStarted(lostRunning.id, new Date(Date.now() - 3_600_000).toISOString());
    await pool.query(`UPDATE jobs.jobs SET created_at = now() - interval '2 hours' WHERE id = ANY($1)`, [[lostQueued.id, done.id]]);
    await completions.handle(completedMessage(done.id));
    const webhooksBefore = enqueuedWebhooks.length;

    const sweeperMetrics = createGatewayMetrics(new Registry());
    const stalledCount = async () => (await sweeperMetrics.jobsStalled.get()).values.map((v) => [v.labels.agent, v.value]);
    const sweeper = new StalledJobSweeper({
      store,
      metrics: sweeperMetrics,
      lifecycle: new JobLifecycle({
        quota,
        waiter: waiterB,
        webhooks: { enqueue: async (job) => void enqueuedWebhooks.push(job) },
        metrics: createGatewayMetrics(new Registry()),
        logger,
      }),
      logger,
      runningSeconds: 1800,
      queuedSeconds: 3600,
      intervalMs: 60_000,
    });
    // A long-poll on another instance's waiter would otherwise sleep its full 10 s.
    const wake = waiterB.wait(lostQueued.id, 10_000);
    const started = Date.now();
    expect(await sweeper.sweep()).toBe(2);
    await wake.ready;
    expect(Date.now() - started).toBeLessThan(3_000);

    const byId = async (id: string) => (await store.get(id))!;
    for (const id of [lostRunning.id, lostQueued.id]) {
      expect(await byId(id)).toMatchObject({ status: 'failed', error: { code: 'stalled', retryable: true }, finishedAt: expect.any(Date) });
    }
    expect((await byId(fresh.id)).status).toBe('queued');
    expect((await byId(done.id)).status).toBe('succeeded');
    expect(enqueuedWebhooks.slice(webhooksBefore).map((j) => j.id)).toEqual([lostRunning.id]);
    // oca_gateway_jobs_stalled_total: one per job failed, by agent
    expect(await stalledCount()).toEqual([['address', 2]]);

    // A late completion for a swept job changes nothing, and a second round finds nothing.
    await completions.handle(completedMessage(lostRunning.id));
    expect((await byId(lostRunning.id)).status).toBe('failed');
    expect(await sweeper.sweep()).toBe(0);
    expect(await stalledCount()).toEqual([['address', 2]]);
  });
});

describe('active-job quota (Redis counter over the PostgreSQL truth)', () => {
  it('builds the counter from the database, follows submissions, completions and cancels, and heals drift before refusing', async () => {
    const owner: Principal = { userId: randomUUID(), email: 'q@example.com', role: 'user', via: 'token' };
    const small = new ActiveJobQuota({ redis: redisA, keyPrefix: redisPrefix, max: 3, countActive: (userId) => store.countActive(userId) });
    const smallLifecycle = new JobLifecycle({ ...(lifecycle as any).options, quota: small });
    const quoted = new JobService({ ...serviceOptions, quota: small, lifecycle: smallLifecycle });
    const handler = new CompletionHandler({ broker, store, lifecycle: smallLifecycle, logger, prefetch: 5 });
    const key = `${redisPrefix}active-jobs:${owner.userId}`;
    // JobService.submit reserves the unit itself and gives it back when no job was created.
    const submit = async () =>
      (await quoted.submit({ principal: owner, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'q' })).job;
    const [a, b, c] = [await submit(), await submit(), await submit()];
    expect(await redisA.get(key)).toBe('3');
    await expect(small.reserve(owner)).rejects.toMatchObject({ code: 'rate_limited', details: { limit: 'active_jobs', max: 3, active: 3 } });
    await expect(submit()).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 10 });
    expect(await redisA.get(key)).toBe('3');

    await handler.handle(completedMessage(a.id));
    await handler.handle(completedMessage(a.id)); // a duplicate frees nothing more
    expect(await redisA.get(key)).toBe('2');
    await quoted.cancel(b.id, owner);
    expect(await redisA.get(key)).toBe('1');

    // Drift: the counter says full (a crash lost two releases); the database has one active job.
    await redisA.set(key, '3');
    const release = await small.reserve(owner, 2);
    expect(await redisA.get(key)).toBe('3');
    await release(1);
    expect(await redisA.get(key)).toBe('2');
    await release(5); // only what is left of the reservation goes back
    expect(await redisA.get(key)).toBe('1');

    // Lost counter (Redis flushed or expired): rebuilt from the database, c is still active.
    await redisA.del(key);
    await small.reserve(owner);
    expect(await redisA.get(key)).toBe('2');
    expect((await store.get(c.id))?.status).toBe('queued');
  });

  it('counts reservations in Redis across instances, gives back what was not created, and recounts before refusing', async () => {
    const owner: Principal = { userId: randomUUID(), email: 'x@example.com', role: 'premium', via: 'token' };
    const countActive = jest.fn((userId: string) => store.countActive(userId));
    // Two instances: separate Redis connections, one key prefix, one database.
    const instances = [redisA, redisB].map((redis) => {
      const q = new ActiveJobQuota({ redis, keyPrefix: redisPrefix, max: 10, countActive });
      return new JobService({ ...serviceOptions, redis, quota: q, lifecycle: new JobLifecycle({ ...(lifecycle as any).options, quota: q }) });
    });
    const body = { agent: 'address', params: { network: 'devnet', address: '0x' + '2'.repeat(40) } };
    for (let i = 0; i < 8; i++) await instances[i % 2]!.submit({ principal: owner, body, correlationId: `x-${i}` });
    const key = `${redisPrefix}active-jobs:${owner.userId}`;
    expect(await redisA.get(key)).toBe('8');
    // One database count built the counter; the 8 submissions after it cost none.
    expect(countActive).toHaveBeenCalledTimes(1);

    // A failed submission gives its unit back.
    const broken = new JobService({
      ...(instances[1] as any).options,
      publisher: { publish: async () => Promise.reject(new Error('channel closed')) },
    });
    await expect(broken.submit({ principal: owner, body, correlationId: 'x-broken' })).rejects.toMatchObject({ code: 'unavailable' });
    expect(await redisA.get(key)).toBe('8');
    // So does an idempotent replay: the original job holds its unit.
    const first = await instances[0]!.submit({ principal: owner, body, idempotencyKey: 'k-replay', correlationId: 'r' });
    const replay = await instances[1]!.submit({ principal: owner, body, idempotencyKey: 'k-replay', correlationId: 'r' });
    expect([first.created, replay.created, replay.job.id]).toEqual([true, false, first.job.id]);
    expect(await redisA.get(key)).toBe('9');
  });
});

describe('job listing', () => {
  it('lists every job exactly once through nextCursor, for jobs written in one batch (one now()) at several page sizes', async () => {
    const owner: Principal = { userId: randomUUID(), email: 'l@example.com', role: 'user', via: 'token' };
    const body = { agent: 'address', params: { network: 'devnet', address: ADDRESS } };
    // 20 at once: the batched insert gives them all one created_at.
    const submitted = await Promise.all(Array.from({ length: 20 }, (_, i) => service.submit({ principal: owner, body, correlationId: `l-${i}` })));
    const ids = submitted.map((s) => s.job.id).sort();
    const { rows } = await pool.query('SELECT count(DISTINCT created_at)::int AS n FROM jobs.jobs WHERE user_id = $1', [owner.userId]);
    expect(rows[0].n).toBeLessThan(20);
    for (const limit of [1, 3, 7, 20, 50]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.list(owner, limit, cursor);
        expect(page.jobs.length).toBeLessThanOrEqual(limit);
        seen.push(...page.jobs.map((j) => j.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect([...seen].sort()).toEqual(ids);
      expect(new Set(seen).size).toBe(20);
    }
    // A cursor this API never returned is a 400, not a 500.
    await expect(service.list(owner, 5, 'not-a-cursor')).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'cursor' } });
  });
});

describe('batched job inserts', () => {
  const newJob = (id = randomUUID()) => ({
    id,
    userId: user.userId,
    agent: 'address',
    params: { network: 'devnet', address: ADDRESS },
    priority: 1,
    webhookUrl: null,
    correlationId: `batch-${id}`,
    idempotencyKey: null,
    requestHash: null,
    plan: null,
  });

  it('writes concurrent submissions with one INSERT and hands each caller its own row', async () => {
    const spy = jest.spyOn(pool, 'query');
    try {
      const jobs = Array.from({ length: 40 }, () => newJob());
      const results = await Promise.all(jobs.map((job) => store.insert(job)));
      expect(results.map((r) => [r.created, r.job.id, r.job.correlationId, r.job.enqueuedAt instanceof Date])).toEqual(
        jobs.map((job) => [true, job.id, job.correlationId, true]),
      );
      const inserts = spy.mock.calls.filter(([sql]) => String(sql).startsWith('INSERT INTO jobs.jobs'));
      expect(inserts).toHaveLength(1);
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM jobs.jobs WHERE id = ANY($1)', [jobs.map((j) => j.id)]);
      expect(rows[0].n).toBe(40);
    } finally {
      spy.mockRestore();
    }
  });

  it('hands each caller exactly the row the database holds (built from what was sent, not read back)', async () => {
    const plain = newJob();
    const withPlan = { ...newJob(), plan: 'premium' as const, webhookUrl: 'https://hooks.example.com/x', priority: 3 };
    const hit = { ...newJob(), cache: { status: 'hit' as const, sourceJobId: randomUUID(), ageSeconds: 7 }, result: { balance: '12', nested: { list: [1, 'a', null] } } };
    const bypass = { ...newJob(), cache: { status: 'bypass' as const } };
    const inserted = await Promise.all([plain, withPlan, hit, bypass].map((job) => store.insert(job)));
    for (const { job } of inserted) expect(job).toEqual(await store.get(job.id));
    expect(inserted[2]!.job).toMatchObject({ status: 'succeeded', startedAt: expect.any(Date), finishedAt: expect.any(Date) });
    expect(inserted[0]!.job).toMatchObject({ status: 'queued', startedAt: null, finishedAt: null, cache: { status: 'miss' } });
  });

  it('fails every caller of a batch whose INSERT fails, and writes none of it', async () => {
    const clash = randomUUID();
    const [first, second, third] = [newJob(clash), newJob(clash), newJob()];
    const outcomes = await Promise.allSettled([store.insert(first), store.insert(second), store.insert(third)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await store.get(third.id)).toBeUndefined();
    // The next batch is unaffected.
    await expect(store.insert(newJob())).resolves.toMatchObject({ created: true });
  });
});
