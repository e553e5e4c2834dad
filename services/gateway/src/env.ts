import { commonEnv, databaseEnv, envBool, envInt, envIntList, parseEnv, redisEnv } from '@oca/config';
import { NETWORKS, type Network } from '@oca/contracts';
import { z } from 'zod';

const Env = z.object({
  ...commonEnv,
  ...databaseEnv,
  ...redisEnv,
  /** HTTP port of the public API */
  GATEWAY_PORT: envInt(3000, 0, 65535),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** Port of /health, /ready and /metrics for operators (kept off the public port) */
  GATEWAY_METRICS_PORT: envInt(9101, 0, 65535),
  /** Largest request body accepted, in bytes */
  GATEWAY_BODY_LIMIT_BYTES: envInt(64 * 1024, 1024),
  /**
   * Networks jobs may target (comma-separated). The gateway never talks to a chain; it only
   * refuses a job for a network no executor can serve. The dev stack sets it to the networks
   * that have an RPC URL.
   */
  GATEWAY_NETWORKS: z
    .string()
    .default('devnet')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(NETWORKS))),
  /** How long a verified API key is trusted from the Redis cache: a revocation takes effect within this */
  API_KEY_CACHE_SECONDS: envInt(30, 0, 3600),
  /** Timeout of one RPC call to the auth service, in ms */
  AUTH_RPC_TIMEOUT_MS: envInt(5000, 100),
  /** Longest `?wait=` a client may ask for, in seconds */
  LONG_POLL_MAX_SECONDS: envInt(30, 0, 30),
  /** Allow webhook targets on loopback/private networks (local development and tests only) */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: envBool(false),
  /** Timeout of one webhook POST, in ms */
  WEBHOOK_TIMEOUT_MS: envInt(10_000, 100),
  /** Back-off between webhook attempts, in ms; its length is the number of retries */
  WEBHOOK_RETRY_DELAYS_MS: envIntList([5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000]),
  /** Back-off between attempts to apply a completion message (database briefly down), in ms */
  COMPLETION_RETRY_DELAYS_MS: envIntList([1_000, 5_000, 30_000]),
  /** Concurrent completion / webhook messages handled per instance */
  COMPLETION_PREFETCH: envInt(50, 1, 1000),
  WEBHOOK_PREFETCH: envInt(20, 1, 1000),
});

export type GatewayEnv = z.infer<typeof Env> & { GATEWAY_NETWORKS: Network[] };

export function loadEnv(env: Record<string, string | undefined> = process.env): GatewayEnv {
  return parseEnv(Env, env) as GatewayEnv;
}
