import type { z } from 'zod';

/**
 * Passwords that come with the local stack, the servers' own defaults or every tutorial. In
 * production a connection URL carrying one of these is refused as if it had none. Compared
 * case-insensitively.
 */
export const DEVELOPMENT_PASSWORDS: readonly string[] = ['guest', 'postgres', 'password', 'redis', 'rabbitmq', 'changeme', 'secret', 'admin', 'root', 'oca', 'test'];

/** A problem with one variable: its name and what is wrong, never its value. */
export interface SecretIssue {
  variable: string;
  message: string;
}

interface Credentials {
  protocol: string;
  username: string;
  password: string;
}

function credentialsOf(url: string): Credentials | undefined {
  try {
    const parsed = new URL(url);
    return { protocol: parsed.protocol, username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  } catch {
    return undefined;
  }
}

const isDevelopmentPassword = (password: string) => DEVELOPMENT_PASSWORDS.includes(password.toLowerCase());

/**
 * RabbitMQ: a dedicated user with a real password. `guest` is RabbitMQ's built-in account (full
 * rights on `/`, password `guest` unless changed), so it is refused whatever its password.
 */
export function amqpUrlIssue(url: string): string | undefined {
  const creds = credentialsOf(url);
  if (!creds) return 'not a valid URL';
  if (creds.protocol !== 'amqp:' && creds.protocol !== 'amqps:') return 'expected an amqp:// or amqps:// URL';
  if (!creds.username || !creds.password) return 'needs credentials in production (amqp[s]://USER:PASSWORD@host)';
  if (creds.username.toLowerCase() === 'guest') return "uses RabbitMQ's default guest account; create a dedicated user for this service";
  if (isDevelopmentPassword(creds.password)) return 'password is a well-known development default';
  return undefined;
}

/**
 * PostgreSQL: a password in the URL (mount the whole URL as DATABASE_URL_FILE). The development
 * default `postgres://postgres@…` has none, so it fails here too.
 */
export function databaseUrlIssue(url: string): string | undefined {
  const creds = credentialsOf(url);
  if (!creds) return 'not a valid URL';
  if (creds.protocol !== 'postgres:' && creds.protocol !== 'postgresql:') return 'expected a postgres:// or postgresql:// URL';
  if (!creds.username || !creds.password) return 'needs a user and password in production (postgres://USER:PASSWORD@host/db)';
  if (isDevelopmentPassword(creds.password)) return 'password is a well-known development default';
  return undefined;
}

/**
 * Redis: a password is required (`requirepass` or an ACL user). Without one, anyone who reaches
 * Redis can plant entries in the API-key cache and the rate-limit counters, i.e. authenticate
 * as anyone and lift every limit.
 */
export function redisUrlIssue(url: string): string | undefined {
  const creds = credentialsOf(url);
  if (!creds) return 'not a valid URL';
  if (creds.protocol !== 'redis:' && creds.protocol !== 'rediss:') return 'expected a redis:// or rediss:// URL';
  if (!creds.password) return 'needs a password in production (redis[s]://:PASSWORD@host or redis[s]://USER:PASSWORD@host)';
  if (isDevelopmentPassword(creds.password)) return 'password is a well-known development default';
  return undefined;
}

const RULES: Record<string, (value: string) => string | undefined> = {
  AMQP_URL: amqpUrlIssue,
  DATABASE_URL: databaseUrlIssue,
  REDIS_URL: redisUrlIssue,
};

/**
 * The production rules for whichever of AMQP_URL, DATABASE_URL and REDIS_URL `env` has. Empty
 * outside production. Messages name the variable, never the value.
 */
export function productionSecretIssues(env: { NODE_ENV?: string } & Record<string, unknown>): SecretIssue[] {
  if (env.NODE_ENV !== 'production') return [];
  const issues: SecretIssue[] = [];
  for (const [variable, rule] of Object.entries(RULES)) {
    const value = env[variable];
    if (typeof value !== 'string') continue;
    const message = rule(value);
    if (message) issues.push({ variable, message });
  }
  return issues;
}

/**
 * `superRefine` callback for a service's env schema: refuses production with a missing or
 * development-default connection secret.
 */
export function refuseDevelopmentSecrets(env: { NODE_ENV?: string } & Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const { variable, message } of productionSecretIssues(env)) ctx.addIssue({ code: 'custom', path: [variable], message });
}
