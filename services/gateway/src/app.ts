import path from 'node:path';
import { Broker, EventPublisher } from '@oca/amqp';
import { amqpTlsOptions, redisTlsOptions } from '@oca/config';
import { QUEUES } from '@oca/contracts';
import { createPool, migrate, pingPool, type Pool } from '@oca/db';
import { createMetricsRegistry, runChecks, ShutdownManager, startOnce, startOpsServer, type Logger, type OpsServer } from '@oca/observability';
import { Redis } from 'ioredis';
import type { GatewayEnv } from './env';
import { ActiveJobQuota } from './limits/active-job-quota';
import { ConcurrencyLimiter } from './limits/concurrency-limiter';
import { LoginThrottle } from './limits/login-throttle';
import { createGatewayMetrics } from './metrics';
import { authenticate } from './plugins/authenticate';
import { buildServer, type GatewayServer, type ServerOptions } from './server';
import { ApiKeyVerifier } from './services/api-key-verifier';
import { AuthClient } from './services/auth-client';
import { AnalyticsClient } from './services/analytics-client';
import { CacheClient } from './services/cache-client';
import { AccountAdmin } from './services/account-admin';
import { CompletionHandler } from './handlers/completion.handler';
import { DeadLetterAdmin } from './services/dead-letter-admin';
import { JobLifecycle } from './services/job-lifecycle';
import { JobPublisher } from './services/job-publisher';
import { RequestCoalescer } from './services/request-coalescer';
import { ResultCache } from './services/result-cache';
import { JobService } from './services/job-service';
import { JobStore } from './services/job-store';
import { JobWaiter } from './services/job-waiter';
import { TokenVerifier } from './services/token-verifier';
import { CredentialRevocations } from './services/credential-revocations';
import { StalledJobSweeper } from './services/stalled-job-sweeper';
import { WebhookDeliveryWorker } from './handlers/webhook-delivery.handler';
import { DeliveryStore } from './webhooks/delivery-store';
import { SsrfGuard } from './webhooks/ssrf-guard';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookSecretStore } from './webhooks/webhook-secrets';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');
/** The schema this service owns; its migration history lives there too (also run by cli/migrate). */
export const DB_SCHEMA = 'jobs';

export interface GatewayAppOptions {
  env: GatewayEnv;
  logger: Logger;
}

export interface GatewayApp {
  /** Migrates, connects, starts the consumers and listens; resolves once serving. */
  start(): Promise<void>;
  /**
   * readiness off → HTTP closes (in-flight requests finish) → consumers cancelled and awaited →
   * broker → Redis → pool → ops server. Safe to call twice; also cleans up after a failed start.
   */
  stop(reason?: string): Promise<void>;
  /** The fastify instance (known after start). */
  readonly server: GatewayServer;
  /** The port the public API listens on (known after start; useful when configured as 0). */
  readonly port: number;
  readonly opsPort: number;
}

/** The HTTP layer's limits and policies, read from the environment. */
function serverSettings(env: GatewayEnv): Omit<ServerOptions, 'logger' | 'metrics' | 'redis' | 'deps'> {
  return {
    bodyLimit: env.GATEWAY_BODY_LIMIT_BYTES,
    maxHeaderBytes: env.GATEWAY_MAX_HEADER_BYTES,
    tls: env.GATEWAY_TLS_CERT && env.GATEWAY_TLS_KEY ? { cert: env.GATEWAY_TLS_CERT, key: env.GATEWAY_TLS_KEY, ca: env.GATEWAY_TLS_CA } : undefined,
    trustProxy: env.GATEWAY_TRUST_PROXY,
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
      maxInFlight: env.OVERLOAD_MAX_IN_FLIGHT,
    },
  };
}

/** Composition root of the gateway: every dependency is built here and nowhere else. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const { env, logger } = options;
  const registry = createMetricsRegistry('gateway');
  const metrics = createGatewayMetrics(registry);
  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
  let pool: Pool | undefined;
  let redis: Redis | undefined;
  let subscriber: Redis | undefined;
  let broker: Broker | undefined;
  let tokens: TokenVerifier | undefined;
  let server: GatewayServer | undefined;
  let completions: CompletionHandler | undefined;
  let webhookWorker: WebhookDeliveryWorker | undefined;
  let sweeper: StalledJobSweeper | undefined;
  let ops: OpsServer | undefined;
  let events: EventPublisher | undefined;
  let resultCache: ResultCache | undefined;

  // Steps run in this order whatever start() reached; each skips what was never created.
  shutdown
    .add('readiness off', () => ops?.setShuttingDown())
    .add('http server', () => server?.close())
    .add('jwks refresh', () => tokens?.stop())
    .add('stalled-job sweeper', () => sweeper?.stop())
    .add('completion consumer', () => completions?.stop())
    .add('webhook worker', () => webhookWorker?.stop())
    .add('analytics events (send the buffer)', () => events?.close())
    .add('cache counters (write what is counted)', () => resultCache?.close())
    .add('broker', () => broker?.close())
    .add('redis', async () => {
      await subscriber?.quit();
      await redis?.quit();
    })
    .add('postgres', () => pool?.end())
    .add('ops server', () => ops?.close());

  async function boot(): Promise<void> {
    const ssl = { mode: env.DATABASE_SSL, ca: env.DATABASE_SSL_CA };
    await migrate({ databaseUrl: env.DATABASE_URL, schema: DB_SCHEMA, dir: MIGRATIONS_DIR, logger, ssl });
    const db = (pool = createPool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, applicationName: 'oca-gateway', ssl }, (err) =>
      logger.error({ err }, 'idle postgres client error'),
    ));
    const commands = (redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true, ...redisTlsOptions(env) }));
    subscriber = new Redis(env.REDIS_URL, { lazyConnect: true, ...redisTlsOptions(env) });
    await Promise.all([commands.connect(), subscriber.connect()]);
    const amqp = (broker = await Broker.connect({
      url: env.AMQP_URL,
      tls: amqpTlsOptions(env),
      connectionName: 'gateway',
      logger,
      registry,
      queueType: env.AMQP_QUEUE_TYPE,
      prefix: env.AMQP_PREFIX,
      retryDelaysMs: { [QUEUES.webhookDelivery]: env.WEBHOOK_RETRY_DELAYS_MS, [QUEUES.agentCompletion]: env.COMPLETION_RETRY_DELAYS_MS },
      // Handlers pass their message's ids explicitly (ctx.log, ctx.logContext): no AsyncLocalStorage,
      // whose promise hooks would otherwise tax every promise of every HTTP request.
      asyncLogContext: false,
    }));

    events = new EventPublisher({ broker: amqp, logger, registry });
    const store = new JobStore(db, { finishedCacheBytes: env.FINISHED_JOBS_CACHE_MB * 1024 * 1024 });
    const waiter = new JobWaiter(commands, subscriber, env.REDIS_PREFIX);
    await waiter.start();
    const ssrf = new SsrfGuard({ allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_TARGETS });
    const webhookSecrets = new WebhookSecretStore(db);
    const deliveries = new DeliveryStore(db);
    const auth = new AuthClient(amqp, env.AUTH_RPC_TIMEOUT_MS);
    const quota = new ActiveJobQuota({ redis: commands, keyPrefix: env.REDIS_PREFIX, max: env.ACTIVE_JOBS_MAX_PER_USER, countActive: (userId) => store.countActive(userId) });
    const publisher = new JobPublisher(amqp);
    const cache = (resultCache = new ResultCache({ redis: commands, prefix: env.REDIS_PREFIX, metrics, logger }));
    const coalescer = new RequestCoalescer({ store, cache, publisher, logger });
    const lifecycle = new JobLifecycle({ quota, waiter, webhooks: new WebhookDispatcher(amqp), metrics, logger, coalescer, events });
    const jobs = new JobService({
      quota,
      lifecycle,
      store,
      deliveries,
      publisher,
      cache,
      coalescer,
      redis: commands,
      redisPrefix: env.REDIS_PREFIX,
      waiter,
      webhookGuard: ssrf,
      networks: env.GATEWAY_NETWORKS,
      metrics,
      logger,
      events,
    });
    const revocations = new CredentialRevocations(commands, env.REDIS_PREFIX);
    const verifier = (tokens = new TokenVerifier(auth, {
      refreshIntervalMs: env.JWKS_REFRESH_SECONDS * 1000,
      onRefreshError: (err) => logger.warn({ err: err.message }, 'JWKS refresh failed; keeping the keys already known'),
    }));
    verifier.start();
    const apiKeys = new ApiKeyVerifier(auth, commands, env.REDIS_PREFIX, env.API_KEY_CACHE_SECONDS, revocations);

    const checks = {
      postgres: () => pingPool(db),
      redis: async () => (await commands.ping()) === 'PONG',
      rabbitmq: () => amqp.isConnected(),
    };
    const http = (server = await buildServer({
      ...serverSettings(env),
      logger,
      metrics,
      redis: commands,
      deps: {
        auth,
        cacheService: new CacheClient(amqp, env.AUTH_RPC_TIMEOUT_MS),
        analyticsService: new AnalyticsClient(amqp, env.AUTH_RPC_TIMEOUT_MS),
        jobs,
        webhookSecrets,
        authenticate: authenticate({ tokens: verifier, apiKeys, revocations }),
        accounts: new AccountAdmin({ auth, revocations, apiKeyCache: apiKeys, jobs }),
        deadLetters: new DeadLetterAdmin({ queue: amqp, logger }),
        loginThrottle: new LoginThrottle({
          redis: commands,
          keyPrefix: env.REDIS_PREFIX,
          maxFailures: env.LOGIN_MAX_FAILURES,
          windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
        }),
        longPolls: new ConcurrencyLimiter({ redis: commands, keyPrefix: `${env.REDIS_PREFIX}long-polls:`, max: env.LONG_POLL_MAX_PER_USER }),
        analyzeWaits: new ConcurrencyLimiter({ redis: commands, keyPrefix: `${env.REDIS_PREFIX}analyze-waits:`, max: env.ANALYZE_MAX_WAITS_PER_USER }),
        analyzeWaitSeconds: env.ANALYZE_WAIT_SECONDS,
        networks: env.GATEWAY_NETWORKS,
        longPollMaxSeconds: env.LONG_POLL_MAX_SECONDS,
        ready: () => runChecks(checks),
      },
    }));

    completions = new CompletionHandler({ broker: amqp, store, lifecycle, logger, prefetch: env.COMPLETION_PREFETCH });
    webhookWorker = new WebhookDeliveryWorker({
      broker: amqp,
      jobs: store,
      ssrf,
      secrets: webhookSecrets,
      deliveries,
      logger,
      registry,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS,
      prefetch: env.WEBHOOK_PREFETCH,
      events,
    });
    await completions.start();
    await webhookWorker.start();
    sweeper = new StalledJobSweeper({
      store,
      lifecycle,
      metrics,
      logger,
      runningSeconds: env.JOB_STALLED_RUNNING_SECONDS,
      queuedSeconds: env.JOB_STALLED_QUEUED_SECONDS,
      intervalMs: env.JOB_SWEEP_INTERVAL_SECONDS * 1000,
    });
    if (env.JOB_SWEEP_INTERVAL_SECONDS > 0) sweeper.start();

    await http.listen({ port: env.GATEWAY_PORT, host: env.GATEWAY_HOST, backlog: env.GATEWAY_LISTEN_BACKLOG });
    ops = await startOpsServer({ port: env.GATEWAY_METRICS_PORT, registry, checks });
    logger.info({ port: listeningPort(http, env.GATEWAY_PORT), opsPort: ops.port }, 'gateway listening');
  }

  return {
    get server() {
      if (!server) throw new Error('gateway app not started');
      return server;
    },
    get port() {
      if (!server) throw new Error('gateway app not started');
      return listeningPort(server, env.GATEWAY_PORT);
    },
    get opsPort() {
      if (!ops) throw new Error('gateway app not started');
      return ops.port;
    },
    start: startOnce(boot, shutdown),
    stop: (reason = 'stop') => shutdown.shutdown(reason),
  };
}

function listeningPort(server: GatewayServer, configured: number): number {
  const address = server.server.address();
  return typeof address === 'object' && address ? address.port : configured;
}
