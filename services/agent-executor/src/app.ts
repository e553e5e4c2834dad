import { Broker, type Consumer } from '@oca/amqp';
import { ChainClients } from '@oca/chain';
import { amqpTlsOptions, redisTlsOptions } from '@oca/config';
import { JobExecute, QUEUES } from '@oca/contracts';
import { createMetricsRegistry, ShutdownManager, startOnce, startOpsServer, type Logger, type OpsServer } from '@oca/observability';
import { Redis } from 'ioredis';
import type { ExecutorEnv } from './env';
import { ExecuteHandler } from './handlers/execute.handler';
import { createExecutorMetrics } from './metrics';
import { JobRunner } from './services/job-runner';

export interface ExecutorAppOptions {
  env: ExecutorEnv;
  logger: Logger;
}

export interface ExecutorApp {
  /** Connects Redis and the broker, starts consuming and serving /health, /ready, /metrics; resolves once consuming. */
  start(): Promise<void>;
  /** readiness off → consumer cancelled (in-flight jobs awaited) → broker → Redis → ops server. Safe to call twice. */
  stop(reason?: string): Promise<void>;
  /** Port of /health, /ready and /metrics (known after start; useful when configured as 0). */
  readonly opsPort: number;
}

/**
 * Composition root of the agent-executor: every dependency is built here and nowhere else. The
 * consumer starts only after Redis and the broker are up; concurrency is the consumer's prefetch.
 * Unfinished jobs of a stopped executor are redelivered to another one.
 */
export function createExecutorApp(options: ExecutorAppOptions): ExecutorApp {
  const { env, logger } = options;
  const registry = createMetricsRegistry('agent-executor');
  const metrics = createExecutorMetrics(registry);
  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
  let redis: Redis | undefined;
  let broker: Broker | undefined;
  let consumer: Consumer | undefined;
  let ops: OpsServer | undefined;

  // Steps run in this order whatever start() reached; each skips what was never created.
  shutdown
    .add('readiness off', () => ops?.setShuttingDown())
    .add('consumer (await in-flight jobs)', () => consumer?.cancel())
    .add('broker', () => broker?.close())
    .add('redis', () => closeRedis(redis))
    .add('ops server', () => ops?.close());

  async function boot(): Promise<void> {
    const chain = new ChainClients({ rpcUrls: env.rpcUrls, timeoutMs: env.RPC_TIMEOUT_MS, explorers: env.explorers });
    logger.info({ networks: chain.configured() }, 'networks with an RPC endpoint');
    redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, ...redisTlsOptions(env) });
    const cache = redis;
    await cache.connect();
    broker = await Broker.connect({
      url: env.AMQP_URL,
      tls: amqpTlsOptions(env),
      connectionName: 'agent-executor',
      logger,
      registry,
      queueType: env.AMQP_QUEUE_TYPE,
      prefix: env.AMQP_PREFIX,
      retryDelaysMs: { [QUEUES.agentExecution]: env.EXECUTOR_RETRY_DELAYS_MS },
    });
    const connected = broker;
    const handler = new ExecuteHandler({
      broker: connected,
      redis: cache,
      redisPrefix: env.REDIS_PREFIX,
      runner: new JobRunner({ chain, logger, timeoutFactor: env.AGENT_TIMEOUT_FACTOR, metadata: env.nftMetadata }),
      maxAttempts: env.EXECUTOR_RETRY_DELAYS_MS.length + 1,
      metrics,
    });
    consumer = await connected.consume(QUEUES.agentExecution, JobExecute, (message, ctx) => handler.handle(message, ctx), {
      prefetch: env.EXECUTOR_CONCURRENCY,
    });
    ops = await startOpsServer({
      port: env.EXECUTOR_METRICS_PORT,
      registry,
      checks: { rabbitmq: () => connected.isConnected(), redis: async () => (await cache.ping()) === 'PONG' },
    });
    logger.info({ opsPort: ops.port, concurrency: env.EXECUTOR_CONCURRENCY }, 'agent-executor consuming');
  }

  return {
    get opsPort() {
      if (!ops) throw new Error('agent-executor app not started');
      return ops.port;
    },
    start: startOnce(boot, shutdown),
    stop: (reason = 'stop') => shutdown.shutdown(reason),
  };
}

/** QUIT when connected; a client that never connected (or is retrying) is just disconnected, or it would retry forever. */
async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis) return;
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}
