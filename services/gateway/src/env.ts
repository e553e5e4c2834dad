import { commonEnv, databaseEnv, envBool, envInt, envIntList, parseEnv, pemCertificates, evenWithFieldIssues, pemPrivateKey, redisEnv, refineServiceEnv } from '@oca/config';
import { NETWORKS, type Network } from '@oca/contracts';
import { z } from 'zod';

const Env = z.object({
  ...commonEnv,
  ...databaseEnv,
  ...redisEnv,
  /** HTTP port of the public API */
  GATEWAY_PORT: envInt(3000, 0, 65535),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** Listen backlog: connections the kernel queues before the gateway accepts them (capped by net.core.somaxconn); a reconnect storm of thousands of clients overflows node's default 511 */
  GATEWAY_LISTEN_BACKLOG: envInt(4096, 1),
  /**
   * Certificate chain (PEM, leaf first) for HTTPS on GATEWAY_PORT; usually mounted as
   * GATEWAY_TLS_CERT_FILE. Unset: plain HTTP (TLS ends at the ingress).
   */
  GATEWAY_TLS_CERT: pemCertificates.optional(),
  /** Private key (PEM) of GATEWAY_TLS_CERT; usually GATEWAY_TLS_KEY_FILE */
  GATEWAY_TLS_KEY: pemPrivateKey.optional(),
  /**
   * CA bundle (PEM) for mutual TLS: when set, every client must present a certificate it signed
   * (e.g. only the ingress may connect). Unset: clients are not asked for certificates.
   */
  GATEWAY_TLS_CA: pemCertificates.optional(),
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
  /**
   * How long a verified API key is trusted from the Redis cache. Revocations (by the owner or an
   * admin) and admin changes to the owner take effect at once regardless; this bounds only how
   * often auth is asked.
   */
  API_KEY_CACHE_SECONDS: envInt(30, 0, 3600),
  /** How often auth's JWKS is refetched, in seconds: a signing key retired by a rotation stops verifying within this */
  JWKS_REFRESH_SECONDS: envInt(300, 5, 24 * 3600),
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
  /** A running job without a completion after this many seconds is failed as `stalled` (its execution was lost) */
  JOB_STALLED_RUNNING_SECONDS: envInt(1800, 60),
  /** A queued job not started after this many seconds is failed as `stalled` */
  JOB_STALLED_QUEUED_SECONDS: envInt(6 * 3600, 60),
  /** How often each instance looks for stalled jobs, in seconds; 0 = never */
  JOB_SWEEP_INTERVAL_SECONDS: envInt(60, 0, 3600),
  /** Concurrent completion / webhook messages handled per instance */
  COMPLETION_PREFETCH: envInt(50, 1, 1000),
  WEBHOOK_PREFETCH: envInt(20, 1, 1000),

  // ---- HTTP hardening (issue 3) ----
  /**
   * Largest request head (request line + headers), in bytes; a larger one gets 431. Node's default
   * is 16 KiB; a JWT plus the usual headers fits in a few KiB.
   */
  GATEWAY_MAX_HEADER_BYTES: envInt(16 * 1024, 1024, 1024 * 1024),
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated IPs/CIDRs, or `loopback`, or a hop
   * count). Empty: the socket peer is the client. Per-IP limits key on the result, so set this
   * only to the ingress in front of the gateway — a client could otherwise pick its own IP.
   */
  GATEWAY_TRUST_PROXY: z
    .string()
    .default('')
    .transform((v): string[] | number | false => {
      const t = v.trim();
      if (!t) return false;
      if (/^\d+$/.test(t)) return Number(t);
      return t.split(',').map((s) => s.trim()).filter(Boolean);
    }),
  /** Browser origins allowed by CORS (comma-separated, exact `scheme://host[:port]`). Empty: CORS off. */
  GATEWAY_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),

  // Rate limits: fixed one-minute windows in Redis, so they hold across gateway instances.
  /** Requests per minute per route for an authenticated caller with role `user` */
  RATE_LIMIT_USER_PER_MINUTE: envInt(100, 1),
  /** … with role `premium` */
  RATE_LIMIT_PREMIUM_PER_MINUTE: envInt(1000, 1),
  /** … with role `admin` */
  RATE_LIMIT_ADMIN_PER_MINUTE: envInt(5000, 1),
  /** Requests per minute per route per client IP on register/login/refresh/logout */
  RATE_LIMIT_AUTH_IP_PER_MINUTE: envInt(20, 1),
  /** Requests per minute per route per client IP on other unauthenticated routes (catalog, docs, health) */
  RATE_LIMIT_PUBLIC_IP_PER_MINUTE: envInt(300, 1),
  /**
   * Requests per minute per client IP over all routes, counted before authentication: bounds
   * credential guessing and floods of invalid requests, which per-caller limits do not count.
   */
  RATE_LIMIT_IP_PER_MINUTE: envInt(1200, 1),
  /** Agents whose jobs also spend the stricter expensive-agent budget below (comma-separated) */
  RATE_LIMIT_EXPENSIVE_AGENTS: z
    .string()
    .default('security,trend,whale,governance,defi,portfolio,forensics,nft')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  /** Jobs per minute of the expensive agents (together) per user with role `user` */
  RATE_LIMIT_EXPENSIVE_USER_PER_MINUTE: envInt(20, 1),
  /** … with role `premium` */
  RATE_LIMIT_EXPENSIVE_PREMIUM_PER_MINUTE: envInt(200, 1),
  /** … with role `admin` */
  RATE_LIMIT_EXPENSIVE_ADMIN_PER_MINUTE: envInt(1000, 1),
  /** Failed logins per account and client IP before login is refused for the rest of the window */
  LOGIN_MAX_FAILURES: envInt(5, 1),
  /** The failed-login window, in seconds (starts at the first failure) */
  LOGIN_FAILURE_WINDOW_SECONDS: envInt(900, 1),

  /** Open long-polls (`GET /v1/jobs/:id?wait=`) per user across all instances; one more gets 429 */
  LONG_POLL_MAX_PER_USER: envInt(20, 1),
  /** Queued + running jobs per user; a submission beyond gets 429 */
  ACTIVE_JOBS_MAX_PER_USER: envInt(1000, 1),
  /** How long `POST /api/analyze` waits for its result before answering 202, in seconds */
  ANALYZE_WAIT_SECONDS: envInt(10, 0, 30),
  /** Waiting `POST /api/analyze` requests per user; beyond it they answer 202 at once */
  ANALYZE_MAX_WAITS_PER_USER: envInt(100, 0),

  // Load shedding (@fastify/under-pressure): above a threshold every request gets 503 + Retry-After.
  /** Mean event-loop delay that sheds load, in ms; 0 = off */
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: envInt(1000, 0),
  /** Event-loop utilisation (0..1) that sheds load; 0 = off */
  OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0),
  /** V8 heap in use that sheds load, in bytes; 0 = off (set it near the container's memory limit) */
  OVERLOAD_MAX_HEAP_USED_BYTES: envInt(0, 0),
  /** How often the pressure figures are sampled, in ms */
  OVERLOAD_SAMPLE_INTERVAL_MS: envInt(1000, 10),
  /** Retry-After sent with a shed request, in seconds */
  OVERLOAD_RETRY_AFTER_SECONDS: envInt(5, 1),
  /** Requests worked on at once (held long-polls excluded) above which new ones are shed; 0 = off */
  OVERLOAD_MAX_IN_FLIGHT: envInt(1000, 0),
  /** MiB of finished jobs' results kept in memory for reads (their heap is a small multiple); 0 = none */
  FINISHED_JOBS_CACHE_MB: envInt(32, 0),
})
  .superRefine((env, ctx) => {
    refineServiceEnv(env, ctx);
    if (env.NODE_ENV === 'production' && env.WEBHOOK_ALLOW_PRIVATE_TARGETS === true) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_PRIVATE_TARGETS'], message: 'must be false in production (webhooks could reach internal services)' });
    }
  }, evenWithFieldIssues);

export type GatewayEnv = z.infer<typeof Env> & { GATEWAY_NETWORKS: Network[] };

export function loadEnv(env: Record<string, string | undefined> = process.env): GatewayEnv {
  return parseEnv(Env, env) as GatewayEnv;
}
