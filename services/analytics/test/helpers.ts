import { randomUUID } from 'node:crypto';
import { Broker, newEnvelope } from '@oca/amqp';
import { EXCHANGES, eventRoutingKey, type DomainEvent, type EventType, type Message } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { createTestDatabase, scrapeMetric, serviceUrls, type TestDatabase } from '@oca/testkit';
import { createAnalyticsApp, type AnalyticsApp } from '../src/app';
import { loadEnv } from '../src/env';

export const URLS = serviceUrls();
export const silentLogger = createLogger({ service: 'analytics-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface AnalyticsHarness {
  app: AnalyticsApp;
  db: TestDatabase;
  /** The test's own broker on the app's AMQP prefix: publishes events, calls RPC. */
  client: Broker;
  /** Publishes `event` to oca.events under its routing key, as the services' EventPublisher does. */
  publish(event: DomainEvent): Promise<void>;
  rpc<T>(method: string, params: unknown): Promise<T>;
  /** Sum of a sample of the app's /metrics over every series matching `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** A v1 event envelope created at `createdAt` (default now). */
export function event<T extends EventType>(type: T, payload: Message<T>['payload'], options: { jobId?: string | null; createdAt?: string } = {}): Message<T> {
  const envelope = newEnvelope(type, payload, { jobId: options.jobId ?? null, correlationId: `corr-${randomUUID()}` });
  return { ...envelope, ...(options.createdAt ? { createdAt: options.createdAt } : {}) };
}

/**
 * The analytics app in-process against the real RabbitMQ and a throw-away PostgreSQL database,
 * on a fresh AMQP prefix; `env` overrides its variables (INFLUX_URL, batch size, ...). Retry steps
 * of analytics.events are shortened to a few hundred ms.
 */
export async function startAnalyticsHarness(env: Record<string, string> = {}): Promise<AnalyticsHarness> {
  const id = randomUUID().slice(0, 8);
  const prefix = `t-analytics-${id}-`;
  const db = await createTestDatabase(URLS.postgresUrl, 'analytics');
  const appEnv = loadEnv({
    NODE_ENV: 'test',
    AMQP_URL: URLS.amqpUrl,
    AMQP_PREFIX: prefix,
    DATABASE_URL: db.url,
    ANALYTICS_METRICS_PORT: '0',
    ANALYTICS_FLUSH_INTERVAL_MS: '20',
    ANALYTICS_QUEUE_POLL_SECONDS: '0',
    SHUTDOWN_DEADLINE_MS: '10000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = createAnalyticsApp({ env: appEnv, logger: silentLogger, retryDelaysMs: [200, 400, 800, 1_600, 3_200] });
  const client = await Broker.connect({ url: URLS.amqpUrl, connectionName: `analytics-test-${id}`, logger: silentLogger, prefix });
  try {
    await app.start();
  } catch (err) {
    await client.close();
    await db.drop();
    throw err;
  }
  return {
    app,
    db,
    client,
    publish: (e) => client.publish(EXCHANGES.events, eventRoutingKey(e.type), e),
    rpc: (method, params) => client.rpc(EXCHANGES.rpc, 'analytics.rpc', method, params, { timeoutMs: 5_000 }),
    metric: async (name, labels = {}) => scrapeMetric(app.opsPort, name, labels),
    close: async () => {
      await app.stop('test done');
      await client.deleteTopology().catch(() => undefined);
      await client.close();
      await db.drop();
    },
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
