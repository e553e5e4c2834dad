/**
 * createExecutorApp's lifecycle against the real RabbitMQ and Redis: a start that fails half-way
 * (its ops port is taken, after Redis, the broker and the consumer are up) releases what it opened,
 * so the process could exit. Nothing is stubbed; the AMQP and Redis prefixes are the test's own.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Broker } from '@oca/amqp';
import { QUEUES } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { findFreePort, serviceUrls } from '@oca/testkit';
import { createExecutorApp } from '../src/app';
import { loadEnv } from '../src/env';

const URLS = serviceUrls();
const logger = createLogger({ service: 'agent-executor', level: 'silent' });

let blocker: Server | undefined;
let broker: Broker | undefined;

afterEach(async () => {
  await broker?.deleteTopology().catch(() => undefined);
  await broker?.close();
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  broker = blocker = undefined;
});

it('releases the broker consumer when start fails after it, and rejects with the cause', async () => {
  const prefix = `t-exec-app-${randomUUID().slice(0, 8)}-`;
  const port = await findFreePort();
  const server = createServer();
  blocker = server;
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', () => resolve()));
  broker = await Broker.connect({ url: URLS.amqpUrl, connectionName: `${prefix}probe`, logger, prefix });

  const app = createExecutorApp({
    env: loadEnv({
      NODE_ENV: 'test',
      AMQP_URL: URLS.amqpUrl,
      AMQP_PREFIX: prefix,
      REDIS_URL: URLS.redisUrl,
      REDIS_PREFIX: `${prefix}:`,
      EXECUTOR_METRICS_PORT: String(port),
    }),
    logger,
  });
  await expect(app.start()).rejects.toThrow(/EADDRINUSE/);
  // The consumer was attached before the ops server failed; the cleanup cancelled it.
  expect((await broker.queueDepth(QUEUES.agentExecution)).consumers).toBe(0);
  await expect(app.stop()).resolves.toBeUndefined();
  // start() after a failure does not retry half-way: it returns the same failure.
  await expect(app.start()).rejects.toThrow(/EADDRINUSE/);
});
