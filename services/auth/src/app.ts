import path from 'node:path';
import { Broker, EventPublisher, type Consumer } from '@oca/amqp';
import { amqpTlsOptions } from '@oca/config';
import { QUEUES, type Jwks } from '@oca/contracts';
import { createPool, migrate, pingPool, type Pool } from '@oca/db';
import { createMetricsRegistry, ShutdownManager, startOnce, startOpsServer, type Logger, type OpsServer } from '@oca/observability';
import type { AuthEnv } from './env';
import { AuthRpcHandler } from './handlers/auth-rpc.handler';
import { createAuthMetrics } from './metrics';
import { AccessTokenSigner } from './services/access-token-signer';
import { AccountService } from './services/account-service';
import { ApiKeyService } from './services/api-key-service';
import { PasswordHasher, type PasswordHashOptions } from './services/password-hasher';
import { RefreshTokens } from './services/refresh-tokens';
import { SigningKey, SigningKeyRing } from './services/signing-key';
import { AdminService } from './services/admin-service';

/** `migrations/` beside `src/` and `dist/`, so this resolves from either. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');
/** The schema this service owns; its migration history lives there too (also run by cli/migrate). */
export const DB_SCHEMA = 'auth';

export interface AuthAppOptions {
  env: AuthEnv;
  logger: Logger;
  /** argon2id cost; tests lower the memory cost. @default the library's defaults */
  passwordHashing?: PasswordHashOptions;
}

export interface AuthApp {
  /** Migrates, connects and starts answering RPC; resolves once ready. */
  start(): Promise<void>;
  /** readiness off → RPC consumer cancelled (in-flight answered) → broker → pool → ops server. Safe to call twice. */
  stop(reason?: string): Promise<void>;
  /** Port of /health, /ready and /metrics (known after start; useful when configured as 0). */
  readonly opsPort: number;
  /** `kid` of the signing key (the private key itself never leaves the app). */
  readonly kid: string;
  jwks(): Jwks;
}

/** Composition root of the auth service: every dependency is built here and nowhere else. */
export function createAuthApp(options: AuthAppOptions): AuthApp {
  const { env, logger } = options;
  // Loaded (or generated) up front so a bad key fails before anything connects.
  const signingKey = SigningKey.load({
    privateKeyPem: env.AUTH_SIGNING_KEY,
    kid: env.AUTH_SIGNING_KEY_ID,
    production: env.NODE_ENV === 'production',
    logger,
  });
  const signingKeys = new SigningKeyRing(
    signingKey,
    env.AUTH_SIGNING_KEY_PREVIOUS ? SigningKey.fromPem(env.AUTH_SIGNING_KEY_PREVIOUS, env.AUTH_SIGNING_KEY_PREVIOUS_ID) : undefined,
  );
  const registry = createMetricsRegistry('auth');
  const metrics = createAuthMetrics(registry);
  const shutdown = new ShutdownManager({ logger, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
  let ops: OpsServer | undefined;
  let pool: Pool | undefined;
  let broker: Broker | undefined;
  let consumer: Consumer | undefined;
  let events: EventPublisher | undefined;

  // Steps run in this order whatever start() reached; each skips what was never created.
  shutdown
    .add('readiness off', () => ops?.setShuttingDown())
    .add('rpc consumer (await in-flight)', () => consumer?.cancel())
    .add('broker', async () => {
      // Buffered analytics events go out before the connection closes (EventPublisher.close).
      await events?.close();
      await broker?.close();
    })
    .add('postgres', () => pool?.end())
    .add('ops server', () => ops?.close());

  async function boot(): Promise<void> {
    const ssl = { mode: env.DATABASE_SSL, ca: env.DATABASE_SSL_CA };
    await migrate({ databaseUrl: env.DATABASE_URL, schema: DB_SCHEMA, dir: MIGRATIONS_DIR, logger, ssl });
    pool = createPool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, applicationName: 'oca-auth', ssl }, (err) =>
      logger.error({ err }, 'idle postgres client error'),
    );
    const db = pool;
    const hasher = new PasswordHasher(options.passwordHashing);
    await hasher.warmUp();
    broker = await Broker.connect({
      url: env.AMQP_URL,
      tls: amqpTlsOptions(env),
      connectionName: 'auth',
      logger,
      registry,
      queueType: env.AMQP_QUEUE_TYPE,
      prefix: env.AMQP_PREFIX,
    });
    events = new EventPublisher({ broker, logger, registry });
    const handler = new AuthRpcHandler({
      accounts: new AccountService({
        pool: db,
        hasher,
        signer: new AccessTokenSigner(signingKey, env.AUTH_ACCESS_TOKEN_TTL_SECONDS),
        refreshTokens: new RefreshTokens(db, env.AUTH_REFRESH_TOKEN_TTL_SECONDS),
        openRegistration: env.AUTH_OPEN_REGISTRATION,
        events,
      }),
      apiKeys: new ApiKeyService({ pool: db, prefix: env.AUTH_API_KEY_PREFIX }),
      admin: new AdminService(db),
      signingKeys,
      metrics,
    });
    const connected = broker;
    consumer = await connected.rpcServer(QUEUES.authRpc, handler.handle);
    ops = await startOpsServer({
      port: env.AUTH_METRICS_PORT,
      registry,
      checks: { postgres: () => pingPool(db), rabbitmq: () => connected.isConnected() },
    });
    logger.info({ opsPort: ops.port, kid: signingKey.kid, previousKid: signingKeys.previous?.kid, openRegistration: env.AUTH_OPEN_REGISTRATION }, 'auth answering rpc');
  }

  return {
    kid: signingKey.kid,
    jwks: () => signingKeys.jwks(),
    get opsPort() {
      if (!ops) throw new Error('auth app not started');
      return ops.port;
    },
    start: startOnce(boot, shutdown),
    stop: (reason = 'stop') => shutdown.shutdown(reason),
  };
}
