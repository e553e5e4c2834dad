/**
 * The gateway process never enters an AsyncLocalStorage: on Node 20 the first run()/enterWith()
 * installs promise hooks for the whole process, a tax on every promise of every HTTP request. The
 * real composition root (createGatewayApp, against PostgreSQL, Redis and RabbitMQ) starts, applies a
 * completion, delivers its webhook and answers HTTP while AsyncLocalStorage is spied on — and its
 * handlers' lines still carry the job's ids, passed explicitly.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Broker, newEnvelope } from '@oca/amqp';
import { QUEUES } from '@oca/contracts';
import { createPool, type Pool } from '@oca/db';
import { createLogger } from '@oca/observability';
import { createTestDatabase, serviceUrls, type TestDatabase } from '@oca/testkit';
import { createGatewayApp, type GatewayApp } from '../src/app';
import { z } from 'zod';
import { loadEnv } from '../src/env';

const urls = serviceUrls();
const prefix = `t-gw-als-${randomUUID().slice(0, 8)}.`;
const logLines: string[] = [];
const logger = createLogger({ service: 'gateway-test', level: 'info', destination: { write: (line: string) => void logLines.push(line) } });

let db: TestDatabase;
let pool: Pool;
let receiver: Server;
const received: IncomingMessage[] = [];
const events: { type: string; jobId: string | null; correlationId: string }[] = [];
let app: GatewayApp;
let publisher: Broker;
let run: jest.SpyInstance;
let enterWith: jest.SpyInstance;

const env = () =>
  loadEnv({
    DATABASE_URL: db.url,
    AMQP_URL: urls.amqpUrl,
    REDIS_URL: urls.redisUrl,
    AMQP_PREFIX: prefix,
    REDIS_PREFIX: `oca-${prefix.replace(/\.$/, ':')}`,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    GATEWAY_METRICS_PORT: '0',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    JOB_SWEEP_INTERVAL_SECONDS: '0',
    // Nobody answers the JWKS fetch at start-up here: give up on it quickly.
    AUTH_RPC_TIMEOUT_MS: '200',
  });

beforeAll(async () => {
  const admin = new URL(urls.postgresUrl);
  admin.pathname = '/postgres';
  db = await createTestDatabase(admin.toString(), 'gateway_als');
  pool = createPool({ connectionString: db.url, applicationName: 'gateway-als-test' });
  receiver = createServer((req, res) => {
    received.push(req);
    req.resume().on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // Off here too: this test process is the gateway's, and the spies count every caller.
  publisher = await Broker.connect({ url: urls.amqpUrl, connectionName: 'gateway-als-test', logger: createLogger({ service: 'test', level: 'silent' }), prefix, asyncLogContext: false });
  // The analytics copy of the domain events, to read the webhook.delivered event's ids.
  await publisher.consume(QUEUES.analyticsEvents, z.object({ type: z.string(), jobId: z.string().nullable(), correlationId: z.string() }).loose(), async (event) => {
    events.push(event);
  });
});

afterAll(async () => {
  run?.mockRestore();
  enterWith?.mockRestore();
  await app?.stop();
  await publisher?.deleteTopology();
  await publisher?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await pool?.end();
  await db?.drop();
});

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('completes a job and delivers its webhook without ever entering an AsyncLocalStorage', async () => {
  // Spied inside the test, not in a hook: jest-circus enters its own AsyncLocalStorage around every
  // hook and test. The app is built after the spies, so its start-up counts too.
  run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
  enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
  app = createGatewayApp({ env: env(), logger });
  await app.start();
  const jobId = randomUUID();
  const correlationId = `corr-${randomUUID()}`;
  const { port } = receiver.address() as AddressInfo;
  await pool.query(
    `INSERT INTO jobs.jobs (id, user_id, agent, params, priority, status, webhook_url, correlation_id, cache_status, enqueued_at)
     VALUES ($1, $2, 'address', '{}', 1, 'queued', $3, $4, 'miss', now())`,
    [jobId, randomUUID(), `http://127.0.0.1:${port}/hook`, correlationId],
  );
  const now = new Date().toISOString();
  const error = { code: 'agent_error' as const, message: 'boom', retryable: false };
  await publisher.sendToQueue(
    QUEUES.agentCompletion,
    newEnvelope('job.completed', { agent: 'address', status: 'failed', error, startedAt: now, finishedAt: now, durationMs: 5 }, { jobId, correlationId }),
  );

  await waitFor('the webhook delivery', async () => {
    const { rows } = await pool.query<{ outcome: string }>('SELECT outcome FROM jobs.webhook_deliveries WHERE job_id = $1', [jobId]);
    return rows[0]?.outcome === 'delivered';
  });
  expect(received).toHaveLength(1);
  expect((await pool.query<{ status: string }>('SELECT status FROM jobs.jobs WHERE id = $1', [jobId])).rows[0]?.status).toBe('failed');
  // And an HTTP read (refused without credentials, through the whole plugin chain).
  expect((await fetch(`http://127.0.0.1:${app.port}/v1/jobs/${jobId}`)).status).toBe(401);

  // The webhook worker's line carries the ids through ctx.log, not through an implicit context.
  const attempt = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'webhook attempt');
  expect(attempt).toMatchObject({ jobId, correlationId, outcome: 'delivered', queue: QUEUES.webhookDelivery });
  // And the analytics event takes its correlationId from the delivery's ConsumeContext.
  await waitFor('the webhook.delivered event', () => events.some((e) => e.type === 'event.webhook.delivered'));
  expect(events.find((e) => e.type === 'event.webhook.delivered')).toMatchObject({ jobId, correlationId });

  expect(run).not.toHaveBeenCalled();
  expect(enterWith).not.toHaveBeenCalled();
});
