import path from 'node:path';
import { Broker } from '@oca/amqp';
import { amqpTlsOptions, redisTlsOptions } from '@oca/config';
import { QUEUES } from '@oca/contracts';
import { createPool, migrate, pingPool } from '@oca/db';
import { createMetricsRegistry, runChecks, ShutdownManager, startOpsServer, type Logger, type OpsServer } from '@oca/observability';
import { Redis } from 'ioredis';
import type { GatewayEnv } from './env';
import { ActiveJobQuota } from './limits/active-job-quota';
import { ConcurrencyLimiter } from './limits/concurrency-limiter';
import { LoginThrottle } from './limits/login-throttle';
import { createGatewayMetrics } from './metrics';
import { authenticate } from './plugins/authenticate';
import { buildServer, type GatewayServer } from './server';
import { ApiKeyVerifier } from './services/api-key-verifier';
import { AuthClient } from './services/auth-client';
import { CompletionHandler } from './services/completion-handler';
import { JobService } from './services/job-service';
import { JobStore } from './services/job-store';
import { JobWaiter } from './services/job-waiter';
import { TokenVerifier } from './services/token-verifier';
import { CredentialRevocations } from './services/credential-revocations';
import { StalledJobSweeper } from './services/stalled-job-sweeper';
import { WebhookDeliveryWorker } from './webhooks/delivery-worker';
import { DeliveryStore } from './webhooks/delivery-store';
import { SsrfGuard } from './webhooks/ssrf-guard';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookSecretStore } from './webhooks/webhook-secrets';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

export interface GatewayApp {
  server: GatewayServer;
  /** The port the public API listens on (useful when configured as 0). */
  port: number;
  opsPort: number;
  stop(reason?: string): Promise<void>;
}

/**
 * Composition root: migrations, pool, Redis, broker, consumers, then the HTTP server. Stop order:
 * readiness off → HTTP closes (in-flight requests finish) → consumers cancelled and awaited →
 * broker → Redis → pool.
 */
export async function startGateway(env: GatewayEnv, logger: Logger): Promise<GatewayApp> {
  const registry = createMetricsRegistry('gateway');
  const metrics = createGatewayMetrics(registry);

  const ssl = { mode: env.DATABASE_SSL, ca: env.DATABASE_SSL_CA };
  await migrate({ databaseUrl: env.DATABASE_URL, schema: 'jobs', dir: MIGRATIONS_DIR, logger, ssl });
  const pool = createPool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, applicationName: 'oca-gateway', ssl }, (err) =>
    logger.error({ err }, 'idle postgres client error'),
  );
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true, ...redisTlsOptions(env) });
  const subscriber = new Redis(env.REDIS_URL, { lazyConnect: true, ...redisTlsOptions(env) });
  await Promise.all([redis.connect(), subscriber.connect()]);

  const broker = await Broker.connect({
    url: env.AMQP_URL,
    tls: amqpTlsOptions(env),
    connectionName: 'gateway',
    logger,
    registry,
    queueType: env.AMQP_QUEUE_TYPE,
    prefix: env.AMQP_PREFIX,
    retryDelaysMs: { [QUEUES.webhookDelivery]: env.WEBHOOK_RETRY_DELAYS_MS, [QUEUES.agentCompletion]: env.COMPLETION_RETRY_DELAYS_MS },
  });

  const store = new JobStore(pool);
  const waiter = new JobWaiter(redis, subscriber, env.REDIS_PREFIX);
  await waiter.start();
  const ssrf = new SsrfGuard({ allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_TARGETS });
  const webhookSecrets = new WebhookSecretStore(pool);
  const deliveries = new DeliveryStore(pool);
  const auth = new AuthClient(broker, env.AUTH_RPC_TIMEOUT_MS);
  const activeJobs = new ActiveJobQuota({
    redis,
    keyPrefix: env.REDIS_PREFIX,
    max: env.ACTIVE_JOBS_MAX_PER_USER,
    countActive: (userId) => store.countQueued(userId),
  });
  const jobs = new JobService({
    quota: activeJobs,
    store,
    broker,
    redis,
    redisPrefix: env.REDIS_PREFIX,
    waiter,
    webhookGuard: ssrf,
    networks: env.GATEWAY_NETWORKS,
    metrics,
    logger,
  });
  const revocations = new CredentialRevocations(redis, env.REDIS_PREFIX);
  const tokens = new TokenVerifier(auth, {
    refreshIntervalMs: env.JWKS_REFRESH_SECONDS * 1000,
    onRefreshError: (err) => logger.warn({ err: err.message }, 'JWKS refresh failed; keeping the keys already known'),
  });
  tokens.start();
  const apiKeys = new ApiKeyVerifier(auth, redis, env.REDIS_PREFIX, env.API_KEY_CACHE_SECONDS, revocations);

  const checks = {
    postgres: () => pingPool(pool),
    redis: async () => (await redis.ping()) === 'PONG',
    rabbitmq: () => broker.isConnected(),
  };
  const server = await buildServer({
    logger,
    metrics,
    bodyLimit: env.GATEWAY_BODY_LIMIT_BYTES,
    maxHeaderBytes: env.GATEWAY_MAX_HEADER_BYTES,
    tls: env.GATEWAY_TLS_CERT && env.GATEWAY_TLS_KEY ? { cert: env.GATEWAY_TLS_CERT, key: env.GATEWAY_TLS_KEY, ca: env.GATEWAY_TLS_CA } : undefined,
    trustProxy: env.GATEWAY_TRUST_PROXY,
    redis,
    redisPrefix: env.REDIS_PREFIX,
    corsOrigins: env.GATEWAY_CORS_ORIGINS,
    rateLimits: {
      perRolePerMinute: { user: env.RATE_LIMIT_USER_PER_MINUTE, premium: env.RATE_LIMIT_PREMIUM_PER_MINUTE, admin: env.RATE_LIMIT_ADMIN_PER_MINUTE },
      authIpPerMinute: env.RATE_LIMIT_AUTH_IP_PER_MINUTE,
      publicIpPerMinute: env.RATE_LIMIT_PUBLIC_IP_PER_MINUTE,
      ipPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
      expensiveAgents: {
        agents: env.RATE_LIMIT_EXPENSIVE_AGENTS,
        perRolePerMinute: {
          user: env.RATE_LIMIT_EXPENSIVE_USER_PER_MINUTE,
          premium: env.RATE_LIMIT_EXPENSIVE_PREMIUM_PER_MINUTE,
          admin: env.RATE_LIMIT_EXPENSIVE_ADMIN_PER_MINUTE,
        },
      },
    },
    overload: {
      maxEventLoopDelayMs: env.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: env.OVERLOAD_MAX_EVENT_LOOP_UTILIZATION,
      maxHeapUsedBytes: env.OVERLOAD_MAX_HEAP_USED_BYTES,
      sampleIntervalMs: env.OVERLOAD_SAMPLE_INTERVAL_MS,
      retryAfterSeconds: env.OVERLOAD_RETRY_AFTER_SECONDS,
    },
    deps: {
      auth,
      jobs,
      deliveries,
      webhookSecrets,
      authenticate: authenticate({ tokens, apiKeys, revocations }),
      revocations,
      apiKeyCache: apiKeys,
      deadLetters: broker,
      loginThrottle: new LoginThrottle({
        redis,
        keyPrefix: env.REDIS_PREFIX,
        maxFailures: env.LOGIN_MAX_FAILURES,
        windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      }),
      activeJobs,
      longPolls: new ConcurrencyLimiter({ redis, keyPrefix: `${env.REDIS_PREFIX}long-polls:`, max: env.LONG_POLL_MAX_PER_USER }),
      analyzeWaits: new ConcurrencyLimiter({ redis, keyPrefix: `${env.REDIS_PREFIX}analyze-waits:`, max: env.ANALYZE_MAX_WAITS_PER_USER }),
      analyzeWaitSeconds: env.ANALYZE_WAIT_SECONDS,
      networks: env.GATEWAY_NETWORKS,
      longPollMaxSeconds: env.LONG_POLL_MAX_SECONDS,
      ready: () => runChecks(checks),
    },
  });

  const completions = new CompletionHandler({
    quota: activeJobs,
    broker,
    store,
    waiter,
    webhooks: new WebhookDispatcher(broker),
    metrics,
    prefetch: env.COMPLETION_PREFETCH,
  });
  const webhookWorker = new WebhookDeliveryWorker({
    broker,
    pool,
    ssrf,
    secrets: webhookSecrets,
    deliveries,
    logger,
    registry,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS,
    prefetch: env.WEBHOOK_PREFETCH,
  });
  await completions.start();
  await webhookWorker.start();
  const sweeper = new StalledJobSweeper({
    quota: activeJobs,
    store,
    waiter,
    webhooks: new WebhookDispatcher(broker),
    metrics,
    logger,
    runningSeconds: env.JOB_STALLED_RUNNING_SECONDS,
    queuedSeconds: env.JOB_STALLED_QUEUED_SECONDS,
    intervalMs: env.JOB_SWEEP_INTERVAL_SECONDS * 1000,
  });
  if (env.JOB_SWEEP_INTERVAL_SECONDS > 0) sweeper.start();

  await server.listen({ port: env.GATEWAY_PORT, host: env.GATEWAY_HOST });
  const ops: OpsServer = await startOpsServer({ port: env.GATEWAY_METRICS_PORT, registry, checks });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : env.GATEWAY_PORT;
  logger.info({ port, opsPort: ops.port }, 'gateway listening');

  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS })
    .add('readiness off', () => ops.setShuttingDown())
    .add('http server', () => server.close())
    .add('jwks refresh', () => tokens.stop())
    .add('stalled-job sweeper', () => sweeper.stop())
    .add('completion consumer', () => completions.stop())
    .add('webhook worker', () => webhookWorker.stop())
    .add('broker', () => broker.close())
    .add('redis', async () => {
      await subscriber.quit();
      await redis.quit();
    })
    .add('postgres', () => pool.end())
    .add('ops server', () => ops.close());

  return { server, port, opsPort: ops.port, stop: (reason = 'stop') => shutdown.shutdown(reason) };
}
