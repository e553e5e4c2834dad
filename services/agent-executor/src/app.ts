import { Broker, type Consumer } from '@oca/amqp';
import { ChainClients } from '@oca/chain';
import { amqpTlsOptions, redisTlsOptions } from '@oca/config';
import { JobExecute, QUEUES } from '@oca/contracts';
import { createMetricsRegistry, ShutdownManager, startOpsServer, type Logger } from '@oca/observability';
import { Redis } from 'ioredis';
import type { ExecutorEnv } from './env';
import { ExecuteHandler } from './handlers/execute.handler';
import { createExecutorMetrics } from './metrics';
import { JobRunner } from './services/job-runner';

export interface ExecutorApp {
  opsPort: number;
  stop(reason?: string): Promise<void>;
}

/**
 * Composition root. The consumer starts only after Redis and the broker are up; concurrency is
 * the consumer's prefetch. Stop: readiness off → consumer cancelled and in-flight jobs awaited
 * (unfinished ones are redelivered to another executor) → broker → Redis.
 */
export async function startExecutor(env: ExecutorEnv, logger: Logger): Promise<ExecutorApp> {
  const registry = createMetricsRegistry('agent-executor');
  const metrics = createExecutorMetrics(registry);
  const chain = new ChainClients({ rpcUrls: env.rpcUrls, timeoutMs: env.RPC_TIMEOUT_MS });
  logger.info({ networks: chain.configured() }, 'networks with an RPC endpoint');

  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, ...redisTlsOptions(env) });
  await redis.connect();
  const broker = await Broker.connect({
    url: env.AMQP_URL,
    tls: amqpTlsOptions(env),
    connectionName: 'agent-executor',
    logger,
    registry,
    queueType: env.AMQP_QUEUE_TYPE,
    prefix: env.AMQP_PREFIX,
    retryDelaysMs: { [QUEUES.agentExecution]: env.EXECUTOR_RETRY_DELAYS_MS },
  });
  const handler = new ExecuteHandler({
    broker,
    redis,
    redisPrefix: env.REDIS_PREFIX,
    runner: new JobRunner({ chain, logger, timeoutFactor: env.AGENT_TIMEOUT_FACTOR }),
    maxAttempts: env.EXECUTOR_RETRY_DELAYS_MS.length + 1,
    metrics,
  });
  const consumer: Consumer = await broker.consume(QUEUES.agentExecution, JobExecute, (message, ctx) => handler.handle(message, ctx), {
    prefetch: env.EXECUTOR_CONCURRENCY,
  });
  const ops = await startOpsServer({
    port: env.EXECUTOR_METRICS_PORT,
    registry,
    checks: { rabbitmq: () => broker.isConnected(), redis: async () => (await redis.ping()) === 'PONG' },
  });
  logger.info({ opsPort: ops.port, concurrency: env.EXECUTOR_CONCURRENCY }, 'agent-executor consuming');

  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS })
    .add('readiness off', () => ops.setShuttingDown())
    .add('consumer (await in-flight jobs)', () => consumer.cancel())
    .add('broker', () => broker.close())
    .add('redis', async () => {
      await redis.quit();
    })
    .add('ops server', () => ops.close());
  return { opsPort: ops.port, stop: (reason = 'stop') => shutdown.shutdown(reason) };
}
