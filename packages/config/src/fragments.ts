import { z } from 'zod';

/** Variables every service shares. Defaults are the local development stack. */
export const commonEnv = {
  /** production refuses development-default secrets and private webhook targets */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  /** classic (x-max-priority) or quorum (HA, no priority on RabbitMQ 3.x) */
  AMQP_QUEUE_TYPE: z.enum(['classic', 'quorum']).default('classic'),
  /** Prepended to every exchange and queue name; isolates test runs and side-by-side stacks */
  AMQP_PREFIX: z.string().default(''),
  /** Seconds a graceful shutdown may take before the process exits non-zero */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(1000).default(25_000),
};

export const databaseEnv = {
  /** The dev stack creates the database when missing */
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/oca'),
  /** Pool size per process; PgBouncer in front at scale */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export const redisEnv = {
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key; isolates test runs */
  REDIS_PREFIX: z.string().default('oca:'),
};
