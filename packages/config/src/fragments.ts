import { z } from 'zod';
import { refuseDevelopmentSecrets } from './production';
import { DATABASE_SSL_MODES, pemCertificates, pemPrivateKey, refineTlsSettings } from './tls';

/**
 * Variables every service shares. Defaults are the local development stack; production refuses
 * the default secrets (see `refineServiceEnv`). Every variable may come from `<NAME>_FILE`.
 */
export const commonEnv = {
  /** production refuses development-default secrets and private webhook targets */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** amqp:// or amqps:// (TLS) with credentials; production refuses none, `guest` and default passwords */
  AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  /** CA bundle (PEM) that signed RabbitMQ's certificate, for amqps://; default: the system CAs */
  AMQP_TLS_CA: pemCertificates.optional(),
  /** Client certificate (PEM) for RabbitMQ's EXTERNAL/mutual TLS, with AMQP_TLS_KEY */
  AMQP_TLS_CERT: pemCertificates.optional(),
  /** Private key (PEM) of AMQP_TLS_CERT */
  AMQP_TLS_KEY: pemPrivateKey.optional(),
  /** classic (x-max-priority) or quorum (HA, no priority on RabbitMQ 3.x) */
  AMQP_QUEUE_TYPE: z.enum(['classic', 'quorum']).default('classic'),
  /** Prepended to every exchange and queue name; isolates test runs and side-by-side stacks */
  AMQP_PREFIX: z.string().default(''),
  /** Milliseconds a graceful shutdown may take before the process exits with code 1 */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(1000).default(25_000),
};

export const databaseEnv = {
  /** The dev stack creates the database when missing. Production needs a password in it. */
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/oca'),
  /** Pool size per process; PgBouncer in front at scale */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Transport security to PostgreSQL: `disable` (plain), `require` (encrypted, server not
   * verified: stops eavesdroppers, not a man in the middle), `verify-full` (encrypted, certificate
   * checked against DATABASE_SSL_CA or the system CAs, host name checked).
   */
  DATABASE_SSL: z.enum(DATABASE_SSL_MODES).default('disable'),
  /** CA bundle (PEM) that signed the server's certificate, for verify-full */
  DATABASE_SSL_CA: pemCertificates.optional(),
};

export const redisEnv = {
  /** redis:// or rediss:// (TLS); production needs a password in it */
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key; isolates test runs */
  REDIS_PREFIX: z.string().default('oca:'),
  /** CA bundle (PEM) that signed Redis's certificate, for rediss://; default: the system CAs */
  REDIS_TLS_CA: pemCertificates.optional(),
  /** Client certificate (PEM) when Redis requires one (tls-auth-clients yes), with REDIS_TLS_KEY */
  REDIS_TLS_CERT: pemCertificates.optional(),
  /** Private key (PEM) of REDIS_TLS_CERT */
  REDIS_TLS_KEY: pemPrivateKey.optional(),
};

/**
 * `superRefine` callback every service's env schema ends with: production refuses missing or
 * development-default connection secrets, and contradictory TLS settings are refused always.
 */
export function refineServiceEnv(env: { NODE_ENV?: string } & Record<string, unknown>, ctx: z.RefinementCtx): void {
  refuseDevelopmentSecrets(env, ctx);
  refineTlsSettings(env, ctx);
}

/**
 * Second argument of `superRefine`: run the refinement even when a field already failed, so one
 * start reports every problem. The callback then sees unvalidated values and must check types
 * (refineServiceEnv only reads strings).
 */
export const evenWithFieldIssues = { when: () => true };
