import { Broker, type Consumer } from '@oca/amqp';
import { ChainClients } from '@oca/chain';
import { amqpTlsOptions, redisTlsOptions } from '@oca/config';
import { QUEUES } from '@oca/contracts';
import { createMetricsRegistry, Periodic, ShutdownManager, startOnce, startOpsServer, type Logger, type OpsServer } from '@oca/observability';
import { Redis } from 'ioredis';
import type { CacheEnv } from './env';
import { CacheRpcHandler } from './handlers/cache-rpc.handler';
import { CompletionHandler } from './handlers/completion.handler';
import { createCacheMetrics, type CacheMetrics } from './metrics';
import { CacheWriter } from './services/cache-writer';
import { ChainHeadPoller } from './services/chain-head-poller';
import { CacheInvalidator } from './services/invalidator';
import { RefreshAhead } from './services/refresh-ahead';
import { RefreshLedger } from './services/refresh-ledger';
import { StatsReader } from './services/stats-reader';

export interface CacheAppOptions {
  env: CacheEnv;
  logger: Logger;
}

export interface CacheApp {
  /** Connects Redis and RabbitMQ, starts filling, answering RPC and the periodic tasks; resolves once ready. */
  start(): Promise<void>;
  /**
   * readiness off → periodic tasks (the running round finishes) → RPC and completion consumers
   * (in-flight handlers finish; unacked fills stay queued) → broker → Redis → ops server.
   * Safe to call twice.
   */
  stop(reason?: string): Promise<void>;
  /** Port of /health, /ready and /metrics (known after start; useful when configured as 0). */
  readonly opsPort: number;
}

/** Composition root of the cache service: every dependency is built here and nowhere else. */
export function createCacheApp(config: CacheAppOptions): CacheApp {
  const { env, logger } = config;
  const registry = createMetricsRegistry('cache');
  const metrics = createCacheMetrics(registry);
  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
  let ops: OpsServer | undefined;
  let redis: Redis | undefined;
  let broker: Broker | undefined;
  let completions: CompletionHandler | undefined;
  let rpc: Consumer | undefined;
  const tasks: Periodic[] = [];

  // Steps run in this order whatever start() reached; each skips what was never created.
  shutdown
    .add('readiness off', () => ops?.setShuttingDown())
    .add('periodic tasks (await the running round)', async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    })
    .add('rpc consumer (await in-flight)', () => rpc?.cancel())
    .add('completions consumer (await in-flight)', () => completions?.stop())
    .add('broker', () => broker?.close())
    .add('redis', async () => {
      if (redis?.status === 'ready') await redis.quit();
      else redis?.disconnect();
    })
    .add('ops server', () => ops?.close());

  async function boot(): Promise<void> {
    redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, ...redisTlsOptions(env) });
    await redis.connect();
    const client = redis;
    broker = await Broker.connect({
      url: env.AMQP_URL,
      tls: amqpTlsOptions(env),
      connectionName: 'cache',
      logger,
      registry,
      queueType: env.AMQP_QUEUE_TYPE,
      prefix: env.AMQP_PREFIX,
    });
    const connected = broker;
    const prefix = env.REDIS_PREFIX;
    const ledger = new RefreshLedger({ redis: client, prefix, perMinute: env.CACHE_REFRESHES_PER_MINUTE, metrics });
    const stats = new StatsReader(client, prefix, metrics);

    completions = new CompletionHandler({
      broker: connected,
      writer: new CacheWriter({ redis: client, prefix, ttlSeconds: env.CACHE_TTL_SECONDS }),
      ledger,
      metrics,
      redisPrefix: prefix,
      maxEntryBytes: env.CACHE_MAX_ENTRY_BYTES,
      prefetch: env.CACHE_FILL_CONCURRENCY,
    });
    await completions.start();
    const rpcHandler = new CacheRpcHandler({ invalidator: new CacheInvalidator(client, prefix), stats, metrics });
    rpc = await connected.rpcServer(QUEUES.cacheRpc, rpcHandler.handle);
    tasks.push(...periodicTasks({ env, logger, metrics, redis: client, broker: connected, ledger, stats }));
    for (const task of tasks) task.start();

    ops = await startOpsServer({
      port: env.CACHE_METRICS_PORT,
      registry,
      checks: { redis: async () => (await client.ping()) === 'PONG', rabbitmq: () => connected.isConnected() },
    });
    logger.info({ opsPort: ops.port, tasks: tasks.map((t) => t.name) }, 'cache filling and answering rpc');
  }

  return {
    get opsPort() {
      if (!ops) throw new Error('cache app not started');
      return ops.port;
    },
    start: startOnce(boot, shutdown),
    stop: (reason = 'stop') => shutdown.shutdown(reason),
  };
}

interface TaskDeps {
  env: CacheEnv;
  logger: Logger;
  metrics: CacheMetrics;
  redis: Redis;
  broker: Broker;
  ledger: RefreshLedger;
  stats: StatsReader;
}

/** The periodic tasks the configuration turns on: chain heads, refresh-ahead, gauges. */
function periodicTasks({ env, logger, metrics, redis, broker, ledger, stats }: TaskDeps): Periodic[] {
  const prefix = env.REDIS_PREFIX;
  const tasks: Periodic[] = [];
  const chain = new ChainClients({ rpcUrls: env.rpcUrls, timeoutMs: env.CHAIN_HEAD_TIMEOUT_MS, retryCount: 0 });
  if (env.CHAIN_HEAD_POLL_SECONDS > 0 && chain.configured().length > 0) {
    const poller = new ChainHeadPoller({ redis, prefix, chain, intervalSeconds: env.CHAIN_HEAD_POLL_SECONDS, metrics, logger });
    tasks.push(new Periodic({ name: 'chain heads', intervalMs: env.CHAIN_HEAD_POLL_SECONDS * 1000, run: () => poller.pollOnce(), logger }));
  }
  if (env.CACHE_REFRESHES_PER_MINUTE > 0) {
    const refresh = new RefreshAhead({
      redis,
      broker,
      ledger,
      prefix,
      intervalSeconds: env.CACHE_REFRESH_INTERVAL_SECONDS,
      aheadSeconds: env.CACHE_REFRESH_AHEAD_SECONDS,
      topN: env.CACHE_REFRESH_TOP_N,
      minHits: env.CACHE_REFRESH_MIN_HITS,
      hotKeysMax: env.CACHE_HOT_KEYS_MAX,
      halfLifeSeconds: env.CACHE_HOT_HALF_LIFE_SECONDS,
      logger,
    });
    tasks.push(new Periodic({ name: 'refresh-ahead', intervalMs: env.CACHE_REFRESH_INTERVAL_SECONDS * 1000, run: async () => void (await refresh.round()), logger }));
  }
  if (env.CACHE_STATS_INTERVAL_SECONDS > 0) {
    tasks.push(new Periodic({ name: 'stats gauges', intervalMs: env.CACHE_STATS_INTERVAL_SECONDS * 1000, run: async () => void (await stats.read()), logger }));
  }
  return tasks;
}
