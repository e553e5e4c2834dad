import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Broker, newEnvelope } from '@oca/amqp';
import { EXCHANGES, HEADERS, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import { createPool, migrate, type Pool } from '@oca/db';
import { createLogger, type Logger } from '@oca/observability';
import { createTestDatabase, type TestDatabase } from '@oca/testkit';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { Job } from '../../src/services/job';
import { JobStore } from '../../src/services/job-store';
import { DeliveryStore } from '../../src/webhooks/delivery-store';
import { WebhookDeliveryWorker } from '../../src/handlers/webhook-delivery.handler';
import type { OutboundLookup } from '@oca/outbound';
import { SsrfGuard } from '../../src/webhooks/ssrf-guard';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { WebhookSecretStore } from '../../src/webhooks/webhook-secrets';

const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');
const RETRY_DELAYS_MS = [200, 200, 200];

// The integration project's testTimeout is not applied per project by jest; set it here (hooks included).
jest.setTimeout(60_000);

// ---- a real HTTP receiver on 127.0.0.1, scripted per path ----

/** A status to answer with, or 'hang' to never answer. */
type Step = number | 'hang';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

class Receiver {
  readonly requests: Received[] = [];
  private readonly scripts = new Map<string, Step[]>();
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.onRequest(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Answers successive requests to `path` with `steps`; the last step repeats. */
  script(path: string, steps: Step[]): string {
    this.scripts.set(path, steps);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const steps = this.scripts.get(path) ?? [404];
      const step = steps.length > 1 ? steps.shift()! : steps[0]!;
      if (step === 'hang') return;
      if (step >= 300 && step < 400) res.setHeader('location', `${path}/redirected`);
      res.statusCode = step;
      res.end(step === 200 ? 'ok' : 'nope');
    });
  }
}

/** True when `secret` verifies the request with standardwebhooks (timestamp tolerance included). */
function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- a broker + worker + dispatcher under their own prefix ----

interface DeadLetter {
  jobId: string | null;
  reason: unknown;
}

interface Harness {
  broker: Broker;
  worker: WebhookDeliveryWorker;
  dispatcher: WebhookDispatcher;
  deadLetters: DeadLetter[];
  stop(): Promise<void>;
}

async function startHarness(
  deps: { pool: Pool; logger: Logger; registry?: Registry },
  opts: { ssrf: SsrfGuard; timeoutMs?: number },
): Promise<Harness> {
  const broker = await Broker.connect({
    url: AMQP_URL,
    connectionName: 'gateway-webhooks-test',
    logger: deps.logger,
    prefix: `test-webhooks-${randomBytes(4).toString('hex')}.`,
    retryDelaysMs: { [QUEUES.webhookDelivery]: RETRY_DELAYS_MS },
  });
  const worker = new WebhookDeliveryWorker({
    broker,
    jobs: new JobStore(deps.pool),
    ssrf: opts.ssrf,
    secrets: new WebhookSecretStore(deps.pool),
    deliveries: new DeliveryStore(deps.pool),
    logger: deps.logger,
    registry: deps.registry,
    timeoutMs: opts.timeoutMs ?? 2_000,
    retryDelaysMs: RETRY_DELAYS_MS,
  });
  await worker.start();
  const deadLetters: DeadLetter[] = [];
  await broker.consume(QUEUES.deadLetter, z.object({ jobId: z.string().nullable() }).loose(), async (msg, ctx) => {
    deadLetters.push({ jobId: msg.jobId, reason: ctx.headers[HEADERS.deadLetterReason] });
  });
  return {
    broker,
    worker,
    dispatcher: new WebhookDispatcher(broker),
    deadLetters,
    stop: async () => {
      await worker.stop();
      await broker.deleteTopology();
      await broker.close();
    },
  };
}

describe('webhook delivery (Postgres, RabbitMQ, HTTP receiver)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let receiver: Receiver;
  let main: Harness;
  let secrets: WebhookSecretStore;
  let deliveries: DeliveryStore;
  const registry = new Registry();
  const logLines: string[] = [];
  const logger = createLogger({
    service: 'gateway-test',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });

  beforeAll(async () => {
    db = await createTestDatabase(ADMIN_URL, 'gateway_webhooks');
    await migrate({ databaseUrl: db.url, schema: 'jobs', dir: MIGRATIONS_DIR, logger });
    pool = createPool({ connectionString: db.url, applicationName: 'gateway-webhooks-test' });
    secrets = new WebhookSecretStore(pool);
    deliveries = new DeliveryStore(pool);
    receiver = new Receiver();
    await receiver.listen();
    main = await startHarness({ pool, logger, registry }, { ssrf: new SsrfGuard({ allowPrivate: true }) });
  });

  afterAll(async () => {
    await main?.stop();
    await receiver?.close();
    await pool?.end();
    await db?.drop();
  });

  /** A finished job owned by a fresh user, inserted as the completion handler would leave it. */
  async function insertJob(webhookUrl: string, status: 'succeeded' | 'failed' = 'succeeded'): Promise<Job> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO jobs.jobs (id, user_id, agent, params, priority, status, result, error, webhook_url, correlation_id,
                              enqueued_at, started_at, finished_at)
       VALUES ($1, $2, 'token-security', $3, 5, $4, $5, $6, $7, $8, now(), now(), now())`,
      [
        id,
        randomUUID(),
        JSON.stringify({ network: 'devnet', address: '0x0000000000000000000000000000000000000001' }),
        status,
        status === 'succeeded' ? JSON.stringify({ summary: 'fine' }) : null,
        status === 'failed' ? JSON.stringify({ code: 'agent_failed', message: 'rpc down' }) : null,
        webhookUrl,
        `corr-${id}`,
      ],
    );
    return (await new JobStore(pool).get(id))!;
  }

  const rowsOf = (jobId: string) => deliveries.listForJob(jobId);

  it('retries 500, 500 and delivers on the third attempt, signed, with one row per attempt', async () => {
    const url = receiver.script('/retry', [500, 500, 200]);
    const job = await insertJob(url);
    const { secret } = await secrets.get(job.userId);

    await main.dispatcher.enqueue(job, job.correlationId);
    const rows = await waitFor('three attempts', async () => {
      const r = await rowsOf(job.id);
      return r.length === 3 && r[2]!.outcome === 'delivered' ? r : undefined;
    });

    expect(rows.map((r) => [r.attempt, r.outcome, r.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 200],
    ]);
    const webhookId = `msg_${job.id.replace(/-/g, '')}`;
    for (const r of rows) {
      expect(r.webhookId).toBe(webhookId);
      expect(r.url).toBe(url);
      expect(r.eventType).toBe('job.succeeded');
    }
    expect(rows[0]!.error).toBe('receiver answered HTTP 500');
    expect(rows[0]!.nextAttemptAt).not.toBeNull();
    expect(Date.parse(rows[0]!.nextAttemptAt!) - Date.parse(rows[0]!.attemptedAt)).toBeLessThan(5_000);
    expect(rows[2]!.nextAttemptAt).toBeNull();
    expect(rows[2]!.error).toBeNull();

    const received = receiver.on('/retry');
    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['webhook-id']).toBe(webhookId);
      expect(verifies(secret, r)).toBe(true);
    }
    const body = JSON.parse(received[2]!.body) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(body.type).toBe('job.succeeded');
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(body.data).toMatchObject({ id: job.id, status: 'succeeded', agent: 'token-security', result: { summary: 'fine' } });
    expect(body.data.links).toEqual({ self: `/v1/jobs/${job.id}`, deliveries: `/v1/jobs/${job.id}/deliveries` });

    const metrics = await registry.getSingleMetricAsString('oca_gateway_webhook_deliveries_total');
    expect(metrics).toMatch(/oca_gateway_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/oca_gateway_webhook_deliveries_total\{outcome="failed"\} [2-9]/);
    expect(await registry.getSingleMetricAsString('oca_gateway_webhook_delivery_duration_seconds')).toMatch(
      /oca_gateway_webhook_delivery_duration_seconds_count\{outcome="delivered"\} [1-9]/,
    );

    // Redelivering the message after success must neither POST again nor add a row.
    await main.dispatcher.enqueue(job, job.correlationId);
    await sleep(800);
    expect(receiver.on('/retry')).toHaveLength(3);
    expect(await rowsOf(job.id)).toHaveLength(3);
  });

  it('stops after one attempt when the receiver answers 410 Gone', async () => {
    const url = receiver.script('/gone', [410]);
    const job = await insertJob(url);
    await main.dispatcher.enqueue(job, job.correlationId);

    await waitFor('the 410 attempt', async () => ((await rowsOf(job.id)).length > 0 ? true : undefined));
    // Longer than every back-off step together: a retry would have come by now.
    await sleep(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) + 1_000);

    const rows = await rowsOf(job.id);
    expect(rows.map((r) => [r.attempt, r.outcome, r.statusCode, r.nextAttemptAt])).toEqual([[1, 'gone', 410, null]]);
    expect(receiver.on('/gone')).toHaveLength(1);
    expect(main.deadLetters.filter((d) => d.jobId === job.id)).toEqual([]);
  });

  it('does not follow a redirect: 3xx counts as failed, and exhausted retries dead-letter the message', async () => {
    const url = receiver.script('/moved', [302]);
    const job = await insertJob(url, 'failed');
    await main.dispatcher.enqueue(job, job.correlationId);

    const dead = await waitFor('the dead-lettered message', () => main.deadLetters.find((d) => d.jobId === job.id));
    expect(String(dead.reason)).toMatch(/retries exhausted/);

    const rows = await rowsOf(job.id);
    const attempts = RETRY_DELAYS_MS.length + 1;
    expect(rows.map((r) => [r.attempt, r.outcome, r.statusCode])).toEqual(
      Array.from({ length: attempts }, (_, i) => [i + 1, 'failed', 302]),
    );
    expect(rows[0]!.error).toBe('redirect not followed (HTTP 302 to /moved/redirected)');
    expect(rows[0]!.eventType).toBe('job.failed');
    expect(rows.slice(0, -1).every((r) => r.nextAttemptAt !== null)).toBe(true);
    expect(rows[attempts - 1]!.nextAttemptAt).toBeNull();
    expect(receiver.on('/moved')).toHaveLength(attempts);
    expect(receiver.on('/moved/redirected')).toHaveLength(0);
  });

  it('records a timeout as a failed attempt and delivers on the retry', async () => {
    const h = await startHarness({ pool, logger }, { ssrf: new SsrfGuard({ allowPrivate: true }), timeoutMs: 400 });
    try {
      const url = receiver.script('/slow', ['hang', 200]);
      const job = await insertJob(url);
      await h.dispatcher.enqueue(job, job.correlationId);
      const rows = await waitFor('two attempts', async () => {
        const r = await rowsOf(job.id);
        return r.length === 2 ? r : undefined;
      });
      expect(rows.map((r) => [r.attempt, r.outcome, r.statusCode])).toEqual([
        [1, 'failed', null],
        [2, 'delivered', 200],
      ]);
      expect(rows[0]!.error).toBe('no answer within 400 ms');
      expect(rows[0]!.durationMs).toBeGreaterThanOrEqual(350);
      expect(rows[0]!.durationMs).toBeLessThan(2_000);
    } finally {
      await h.stop();
    }
  });

  it('signs with both secrets during the grace period after a rotation, then with the new one only', async () => {
    const url = receiver.script('/rotated', [200]);
    const job = await insertJob(url);
    const before = await secrets.get(job.userId);
    expect(before.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(before.previousSecretExpiresAt).toBeNull();
    expect(await secrets.get(job.userId)).toEqual(before);

    const after = await secrets.rotate(job.userId);
    expect(after.secret).not.toBe(before.secret);
    const graceMs = Date.parse(after.previousSecretExpiresAt!) - Date.now();
    expect(graceMs).toBeGreaterThan(23.9 * 3600_000);
    expect(graceMs).toBeLessThanOrEqual(24 * 3600_000);
    expect(await secrets.signingSecrets(job.userId)).toEqual([after.secret, before.secret]);

    await main.dispatcher.enqueue(job, job.correlationId);
    const [request] = await waitFor('the delivery', () => (receiver.on('/rotated').length > 0 ? receiver.on('/rotated') : undefined));
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(after.secret, request!)).toBe(true);
    expect(verifies(before.secret, request!)).toBe(true);
    expect(verifies((await new WebhookSecretStore(pool).rotate(randomUUID())).secret, request!)).toBe(false);
    await waitFor('the delivered row', async () => ((await rowsOf(job.id))[0]?.outcome === 'delivered' ? true : undefined));

    // Once the grace period is over the old secret no longer signs.
    await pool.query(`UPDATE jobs.webhook_secrets SET previous_expires_at = now() - interval '1 second' WHERE user_id = $1`, [job.userId]);
    expect(await secrets.signingSecrets(job.userId)).toEqual([after.secret]);
    expect(await secrets.get(job.userId)).toEqual({ secret: after.secret, previousSecretExpiresAt: null });
  });

  it('refuses a private target at delivery time (allowPrivate false): rejected, never called, not retried', async () => {
    const h = await startHarness({ pool, logger }, { ssrf: new SsrfGuard({ allowPrivate: false }) });
    try {
      // The URL was accepted at submission (e.g. under another setting, or its DNS changed since).
      const url = receiver.script('/private', [200]);
      const job = await insertJob(url);
      await h.dispatcher.enqueue(job, job.correlationId);

      await waitFor('the rejected attempt', async () => ((await rowsOf(job.id)).length > 0 ? true : undefined));
      await sleep(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) + 1_000);
      const rows = await rowsOf(job.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ attempt: 1, outcome: 'rejected', statusCode: null, nextAttemptAt: null });
      expect(rows[0]!.error).toMatch(/non-public address \(loopback\)/);
      expect(receiver.on('/private')).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });

  it('refuses a host that now resolves to a cloud metadata address, even with allowPrivate: true', async () => {
    // The stub resolver answers the metadata address; the guard refuses before any connection.
    const lookup: OutboundLookup = async () => [{ address: '169.254.169.254', family: 4 }];
    const h = await startHarness({ pool, logger }, { ssrf: new SsrfGuard({ allowPrivate: true, lookup }) });
    try {
      const job = await insertJob('http://rebound.example.invalid/latest/meta-data/');
      await h.dispatcher.enqueue(job, job.correlationId);
      await waitFor('the rejected attempt', async () => ((await rowsOf(job.id)).length > 0 ? true : undefined));
      const rows = await rowsOf(job.id);
      expect(rows[0]).toMatchObject({ attempt: 1, outcome: 'rejected', statusCode: null, nextAttemptAt: null });
      expect(rows[0]!.error).toMatch(/cloud metadata address/);
    } finally {
      await h.stop();
    }
  });

  it('connects to the address the guard checked, keeping the host name in the Host header', async () => {
    // `.invalid` never resolves through real DNS (RFC 6761): a delivery that re-resolved the name
    // instead of using the checked address could not connect at all.
    const calls: string[] = [];
    const lookup: OutboundLookup = async (host) => {
      calls.push(host);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const h = await startHarness({ pool, logger }, { ssrf: new SsrfGuard({ allowPrivate: true, lookup }) });
    try {
      receiver.script('/pinned', [200]);
      const job = await insertJob(`http://hooks.example.invalid:${receiver.port}/pinned`);
      await h.dispatcher.enqueue(job, job.correlationId);
      await waitFor('the delivered row', async () => ((await rowsOf(job.id))[0]?.outcome === 'delivered' ? true : undefined));
      const [request] = receiver.on('/pinned');
      expect(request!.headers.host).toBe(`hooks.example.invalid:${receiver.port}`);
      expect(calls).toEqual(['hooks.example.invalid']);
    } finally {
      await h.stop();
    }
  });

  it('records each (job, attempt) once, so a redelivered message adds no row', async () => {
    const job = await insertJob('http://127.0.0.1:1/unused');
    const attempt = {
      jobId: job.id,
      webhookId: `msg_${job.id.replace(/-/g, '')}`,
      attempt: 1,
      url: job.webhookUrl!,
      eventType: 'job.succeeded',
      statusCode: 500,
      outcome: 'failed' as const,
      error: 'receiver answered HTTP 500',
      durationMs: 12.6,
      nextAttemptAt: new Date(Date.now() + 200),
    };
    await deliveries.record(attempt);
    await deliveries.record({ ...attempt, statusCode: 200, outcome: 'delivered', error: null, nextAttemptAt: null });
    const rows = await rowsOf(job.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: 500, durationMs: 13 });
  });

  it('dead-letters a message whose job does not exist', async () => {
    const jobId = randomUUID();
    await main.broker.publish(
      EXCHANGES.webhooks,
      ROUTING_KEYS.webhookDeliver,
      newEnvelope('webhook.deliver', { webhookId: `msg_${jobId.replace(/-/g, '')}`, eventType: 'job.succeeded' }, { jobId, correlationId: 'c-1' }),
    );
    const dead = await waitFor('the dead-lettered message', () => main.deadLetters.find((d) => d.jobId === jobId));
    expect(String(dead.reason)).toContain(`job ${jobId} not found`);
    expect(await rowsOf(jobId)).toEqual([]);
  });

  it('never logs a secret or a signature', async () => {
    const signatures = receiver.requests.flatMap((r) => String(r.headers['webhook-signature'] ?? '').split(' ')).filter(Boolean);
    const { rows } = await pool.query<{ secret: string; previous_secret: string | null }>(
      'SELECT secret, previous_secret FROM jobs.webhook_secrets',
    );
    const secretValues = rows.flatMap((r) => [r.secret, r.previous_secret]).filter((s): s is string => !!s);
    expect(signatures.length).toBeGreaterThan(5);
    expect(secretValues.length).toBeGreaterThan(3);
    expect(logLines.some((l) => l.includes('"msg":"webhook attempt"'))).toBe(true);
    const log = logLines.join('');
    for (const value of [...signatures, ...secretValues, ...secretValues.map((s) => s.slice('whsec_'.length))]) {
      expect(log).not.toContain(value.replace(/^v1,/, ''));
    }
  });
});
