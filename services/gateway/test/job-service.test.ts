/**
 * JobService + CompletionHandler against the real PostgreSQL, Redis and RabbitMQ: what a submit
 * writes and publishes, idempotency, guarded completion, and long-poll wake-ups across two
 * gateway instances (two JobWaiters on separate Redis connections).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Broker } from '@oca/amqp';
import { JobExecute, QUEUES, type Principal } from '@oca/contracts';
import { createPool, migrate, type Pool } from '@oca/db';
import { createLogger } from '@oca/observability';
import { createTestDatabase, serviceUrls, type TestDatabase } from '@oca/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { ApiError } from '../src/errors';
import { createGatewayMetrics } from '../src/metrics';
import { CompletionHandler } from '../src/services/completion-handler';
import type { JobRow } from '../src/services/job-row';
import { JobService } from '../src/services/job-service';
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
const enqueuedWebhooks: JobRow[] = [];
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
  quota = new ActiveJobQuota({ redis: redisA, keyPrefix: redisPrefix, max: 1000, countActive: (userId) => store.countQueued(userId) });
  service = new JobService({
    quota,
    store,
    broker,
    redis: redisA,
    redisPrefix,
    waiter: waiterA,
    webhookGuard: { check: async () => [] },
    networks: ['devnet'],
    metrics,
    logger,
  });
  completions = new CompletionHandler({
    quota,
    broker,
    store,
    waiter: waiterA,
    webhooks: { enqueue: async (job) => void enqueuedWebhooks.push(job) },
    metrics,
    prefetch: 5,
  });
});

afterAll(async () => {
  await broker?.deleteTopology();
  await broker?.close();
  await Promise.all([redisA, subA, redisB, subB].map((r) => r?.quit()));
  await pool?.end();
  await db?.drop();
});

function completedMessage(jobId: string, status: 'succeeded' | 'failed' = 'succeeded') {
  const now = new Date().toISOString();
  return {
    v: 1 as const,
    type: 'job.completed' as const,
    id: randomUUID(),
    jobId,
    correlationId: 'c-1',
    createdAt: now,
    payload: { agent: 'address', status, result: { ok: true }, startedAt: now, finishedAt: now, durationMs: 5 },
  };
}

it('writes the job, then publishes a confirmed job.execute with the plan priority', async () => {
  await broker.purge(QUEUES.agentExecution);
  const { row, created } = await service.submit({
    principal: user,
    body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } },
    correlationId: 'corr-1',
  });
  expect(created).toBe(true);
  expect(row.status).toBe('queued');
  expect(row.priority).toBe(4);
  const stored = await store.get(row.id);
  expect(stored?.enqueued_at).toBeInstanceOf(Date);

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
  await pool.query('UPDATE jobs.jobs SET enqueued_at = NULL WHERE id = $1', [first.row.id]); // as if still publishing
  await expect(service.submit({ principal: user, body, idempotencyKey: key, correlationId: 'c' })).rejects.toMatchObject({ code: 'idempotency_in_flight' });
});

it('applies a completion exactly once and wakes a long-poll on another instance', async () => {
  const { row } = await service.submit({
    principal: user,
    body: { agent: 'address', params: { network: 'devnet', address: ADDRESS }, webhook: { url: 'https://example.com/hook' } },
    correlationId: 'c',
  });
  // A long-poll held by "instance B" (its own waiter and Redis subscriber).
  const serviceB = new JobService({ ...(service as any).deps, waiter: waiterB });
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

it('does not let a completion overwrite a canceled job', async () => {
  const { row } = await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' });
  await service.cancel(row.id, user);
  expect(await redisA.exists(`${redisPrefix}job:${row.id}:canceled`)).toBe(1);
  await completions.handle(completedMessage(row.id));
  expect((await store.get(row.id))?.status).toBe('canceled');
  await expect(service.cancel(row.id, user)).rejects.toMatchObject({ code: 'job_not_cancelable' });
});

it('hides other users’ jobs', async () => {
  const { row } = await service.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' });
  const other: Principal = { ...user, userId: randomUUID() };
  await expect(service.get(row.id, other)).rejects.toBeInstanceOf(ApiError);
  await expect(service.cancel(row.id, other)).rejects.toMatchObject({ code: 'not_found' });
  expect((await service.list(other, 10)).rows).toEqual([]);
});

it('rolls back and answers 503 when the broker cannot confirm the job', async () => {
  const broken = new JobService({
    ...(service as any).deps,
    broker: { publish: async () => Promise.reject(new Error('channel closed')) },
  });
  const before = (await pool.query('SELECT count(*)::int AS n FROM jobs.jobs')).rows[0].n;
  await expect(
    broken.submit({ principal: user, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'c' }),
  ).rejects.toMatchObject({ code: 'unavailable', status: 503 });
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
      ).row;
    const [lostRunning, lostQueued, fresh, done] = [await submit('https://example.com/hook'), await submit(), await submit(), await submit()];
    await store.markStarted(lostRunning.id, new Date(Date.now() - 3_600_000).toISOString());
    await pool.query(`UPDATE jobs.jobs SET created_at = now() - interval '2 hours' WHERE id = ANY($1)`, [[lostQueued.id, done.id]]);
    await completions.handle(completedMessage(done.id));
    const webhooksBefore = enqueuedWebhooks.length;

    const sweeper = new StalledJobSweeper({
      quota,
      store,
      waiter: waiterB,
      webhooks: { enqueue: async (job) => void enqueuedWebhooks.push(job) },
      metrics: createGatewayMetrics(new Registry()),
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
      expect(await byId(id)).toMatchObject({ status: 'failed', error: { code: 'stalled', retryable: true }, finished_at: expect.any(Date) });
    }
    expect((await byId(fresh.id)).status).toBe('queued');
    expect((await byId(done.id)).status).toBe('succeeded');
    expect(enqueuedWebhooks.slice(webhooksBefore).map((j) => j.id)).toEqual([lostRunning.id]);

    // A late completion for a swept job changes nothing, and a second round finds nothing.
    await completions.handle(completedMessage(lostRunning.id));
    expect((await byId(lostRunning.id)).status).toBe('failed');
    expect(await sweeper.sweep()).toBe(0);
  });
});

describe('active-job quota (Redis counter over the PostgreSQL truth)', () => {
  it('builds the counter from the database, follows submissions, completions and cancels, and heals drift before refusing', async () => {
    const owner: Principal = { userId: randomUUID(), email: 'q@example.com', role: 'user', via: 'token' };
    const small = new ActiveJobQuota({ redis: redisA, keyPrefix: redisPrefix, max: 3, countActive: (userId) => store.countQueued(userId) });
    const quoted = new JobService({ ...(service as any).deps, quota: small });
    const handler = new CompletionHandler({ ...(completions as any).deps, quota: small });
    const key = `${redisPrefix}active-jobs:${owner.userId}`;
    const submit = async () => {
      const release = await small.reserve(owner);
      try {
        return (await quoted.submit({ principal: owner, body: { agent: 'address', params: { network: 'devnet', address: ADDRESS } }, correlationId: 'q' })).row;
      } catch (err) {
        await release();
        throw err;
      }
    };
    const [a, b, c] = [await submit(), await submit(), await submit()];
    expect(await redisA.get(key)).toBe('3');
    await expect(small.reserve(owner)).rejects.toMatchObject({ code: 'rate_limited', details: { limit: 'active_jobs', max: 3, active: 3 } });

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
  });

  it('writes concurrent submissions with one INSERT and hands each caller its own row', async () => {
    const spy = jest.spyOn(pool, 'query');
    try {
      const jobs = Array.from({ length: 40 }, () => newJob());
      const results = await Promise.all(jobs.map((job) => store.insert(job)));
      expect(results.map((r) => [r.created, r.row.id, r.row.correlation_id, r.row.enqueued_at instanceof Date])).toEqual(
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
