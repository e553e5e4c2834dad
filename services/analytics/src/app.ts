import path from 'node:path';
import { setLogger as setInfluxLogger } from '@influxdata/influxdb-client';
import { Broker, type BrokerOptions, type Consumer } from '@oca/amqp';
import { amqpTlsOptions } from '@oca/config';
import { ANALYTICS_EVENTS_MAX_LENGTH, QUEUES } from '@oca/contracts';
import { createPool, migrate, pingPool, type Pool } from '@oca/db';
import { createMetricsRegistry, Periodic, ShutdownManager, startOnce, startOpsServer, type Logger, type OpsServer } from '@oca/observability';
import type { AnalyticsEnv } from './env';
import { AnalyticsRpcHandler } from './handlers/analytics-rpc.handler';
import { EventHandler } from './handlers/event.handler';
import { createAnalyticsMetrics } from './metrics';
import { InfluxWriter } from './services/influx-writer';
import { UsageStore } from './services/usage-store';

/** `migrations/` beside `src/` and `dist/`, so this resolves from either. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');
/** The schema this service owns; its migration history lives there too (also run by cli/migrate). */
export const DB_SCHEMA = 'analytics';

export interface AnalyticsAppOptions {
  env: AnalyticsEnv;
  logger: Logger;
  /**
   * Back-off steps of analytics.events (tests shorten them; a changed list needs the old retry
   * queues deleted first, see BrokerOptions.retryDelaysMs). @default DEFAULT_RETRY_DELAYS_MS
   */
  retryDelaysMs?: number[];
}

export interface AnalyticsApp {
  /** Migrates, connects PostgreSQL and RabbitMQ, starts consuming events and answering RPC; resolves once ready. */
  start(): Promise<void>;
  /**
   * readiness off → periodic tasks → RPC and event consumers (in-flight events finish: their
   * batch is written or they go back to the queue) → pending points → broker → pool → ops server.
   * Safe to call twice.
   */
  stop(reason?: string): Promise<void>;
  /** Port of /health, /ready and /metrics (known after start; useful when configured as 0). */
  readonly opsPort: number;
}

/** Composition root of the analytics service: every dependency is built here and nowhere else. */
export function createAnalyticsApp(config: AnalyticsAppOptions): AnalyticsApp {
  const { env, logger } = config;
  const registry = createMetricsRegistry('analytics');
  const metrics = createAnalyticsMetrics(registry);
  metrics.queueMaxLength.set(ANALYTICS_EVENTS_MAX_LENGTH);
  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
  let ops: OpsServer | undefined;
  let pool: Pool | undefined;
  let broker: Broker | undefined;
  let events: EventHandler | undefined;
  let rpc: Consumer | undefined;
  let influx: InfluxWriter | undefined;
  const tasks: Periodic[] = [];

  // Steps run in this order whatever start() reached; each skips what was never created.
  shutdown
    .add('readiness off', () => ops?.setShuttingDown())
    .add('periodic tasks (await the running round)', async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    })
    .add('rpc consumer (await in-flight)', () => rpc?.cancel())
    .add('events consumer (await in-flight)', async () => {
      // In-flight handlers wait for their batch: write it now rather than after the flush interval.
      const flushing = influx?.flush();
      await events?.stop();
      await flushing;
    })
    .add('influx writer', () => influx?.close())
    .add('broker', () => broker?.close())
    .add('postgres', () => pool?.end())
    .add('ops server', () => ops?.close());

  async function boot(): Promise<void> {
    const ssl = { mode: env.DATABASE_SSL, ca: env.DATABASE_SSL_CA };
    await migrate({ databaseUrl: env.DATABASE_URL, schema: DB_SCHEMA, dir: MIGRATIONS_DIR, logger, ssl });
    pool = createPool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, applicationName: 'oca-analytics', ssl }, (err) =>
      logger.error({ err }, 'idle postgres client error'),
    );
    const db = pool;
    const usage = new UsageStore(db);
    if (env.INFLUX_URL) {
      // The client logs through console by default; its lines go to our logger instead.
      setInfluxLogger({ error: (message, err) => logger.debug({ err: (err as Error | undefined)?.message }, message), warn: (message) => logger.debug(message) });
      influx = new InfluxWriter({
        url: env.INFLUX_URL,
        token: env.INFLUX_TOKEN,
        org: env.INFLUX_ORG,
        bucket: env.INFLUX_BUCKET,
        batchSize: env.ANALYTICS_BATCH_SIZE,
        flushIntervalMs: env.ANALYTICS_FLUSH_INTERVAL_MS,
        attempts: env.INFLUX_WRITE_ATTEMPTS,
        timeoutMs: env.INFLUX_TIMEOUT_MS,
        metrics,
        logger,
      });
    } else {
      logger.warn('INFLUX_URL is not set: no time series are written, only the usage rollups are kept');
    }
    const brokerOptions: BrokerOptions = {
      url: env.AMQP_URL,
      tls: amqpTlsOptions(env),
      connectionName: 'analytics',
      logger,
      registry,
      queueType: env.AMQP_QUEUE_TYPE,
      prefix: env.AMQP_PREFIX,
      ...(config.retryDelaysMs ? { retryDelaysMs: { [QUEUES.analyticsEvents]: config.retryDelaysMs } } : {}),
    };
    broker = await Broker.connect(brokerOptions);
    const connected = broker;
    events = new EventHandler({ broker: connected, usage, influx, metrics, prefetch: env.ANALYTICS_PREFETCH });
    await events.start();
    rpc = await connected.rpcServer(QUEUES.analyticsRpc, new AnalyticsRpcHandler({ usage, metrics }).handle);

    tasks.push(new Periodic({ name: 'prune event ids', intervalMs: 3_600_000, run: async () => void (await usage.prune(env.ANALYTICS_DEDUP_DAYS)), logger }));
    if (env.ANALYTICS_QUEUE_POLL_SECONDS > 0) {
      const readDepth = async () => metrics.queueMessages.set((await connected.queueDepth(QUEUES.analyticsEvents)).messages);
      tasks.push(new Periodic({ name: 'queue depth', intervalMs: env.ANALYTICS_QUEUE_POLL_SECONDS * 1000, run: readDepth, logger }));
    }
    for (const task of tasks) task.start();

    ops = await startOpsServer({
      port: env.ANALYTICS_METRICS_PORT,
      registry,
      checks: { postgres: () => pingPool(db), rabbitmq: () => connected.isConnected() },
    });
    logger.info({ opsPort: ops.port, influx: env.INFLUX_URL ? 'on' : 'off' }, 'analytics consuming events and answering rpc');
  }

  return {
    get opsPort() {
      if (!ops) throw new Error('analytics app not started');
      return ops.port;
    },
    start: startOnce(boot, shutdown),
    stop: (reason = 'stop') => shutdown.shutdown(reason),
  };
}
