import type { RateLimitOptions } from '@fastify/rate-limit';
import type { Network } from '@oca/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Release } from '../limits/concurrency-limiter';
import type { AccountAdmin } from '../services/account-admin';
import type { AnalyticsClient } from '../services/analytics-client';
import type { AuthClient } from '../services/auth-client';
import type { CacheClient } from '../services/cache-client';
import type { DeadLetterAdmin } from '../services/dead-letter-admin';
import type { JobService } from '../services/job-service';
import type { WebhookSecretStore } from '../webhooks/webhook-secrets';

/** Who may call a route; decides authentication and which rate limit applies (see RouteAccess). */
export type AccessLevel = 'user' | 'admin' | 'optional-user' | 'credentials' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessLevel;
    /** `compat`: errors as `{error: message, code, details?}`, the shape the seed's clients read. */
    errorFormat?: 'compat';
  }
}

/** Caps requests held open per owner (long-polls, waiting analyze calls). */
export interface SlotLimiter {
  readonly max: number;
  acquire(owner: string, leaseMs: number): Promise<Release | undefined>;
}

/** Spends the caller's expensive-agent budget for these agents (RateLimitPolicies.expensiveAgents). */
export type AgentBudget = (request: FastifyRequest, reply: FastifyReply, agents: readonly string[]) => Promise<void>;

/** What the route plugins need; built once in app.ts (or by a test). */
export interface RouteDeps {
  auth: AuthClient;
  /** Commands to the cache service (invalidate, stats) */
  cacheService: Pick<CacheClient, 'call'>;
  /** Usage reports from the analytics service */
  analyticsService: Pick<AnalyticsClient, 'call'>;
  jobs: JobService;
  webhookSecrets: WebhookSecretStore;
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** Account and credential changes that take effect at once */
  accounts: Pick<AccountAdmin, 'updateUser' | 'revokeOwnApiKey' | 'revokeAnyApiKey'>;
  deadLetters: Pick<DeadLetterAdmin, 'list' | 'replay' | 'drop'>;
  /** Per account + IP login back-off (LoginThrottle) */
  loginThrottle: { attempt<T>(email: string, ip: string, login: () => Promise<T>): Promise<T> };
  /** Open long-polls per user */
  longPolls: SlotLimiter;
  /** Waiting `POST /api/analyze` calls per user */
  analyzeWaits: SlotLimiter;
  /** How long `POST /api/analyze` waits for results, in seconds */
  analyzeWaitSeconds: number;
  networks: readonly Network[];
  longPollMaxSeconds: number;
  ready: () => Promise<Record<string, boolean>>;
}

/** Route options for one access level: the authentication hook and the rate-limit policy. */
export interface AccessOptions {
  onRequest?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The caller limit's verdict (authenticated routes with Redis: rate-limit.ts, authenticated()) */
  preHandler?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** `rateLimit`: the @fastify/rate-limit policy, where the plugin decides the route's limit */
  config: { access: AccessLevel; rateLimit?: RateLimitOptions };
}

/** Built by buildServer: spread one into a route's options (`{ schema, ...ctx.access.user }`). */
export type RouteAccess = Record<'user' | 'admin' | 'optionalUser' | 'credentials' | 'public', AccessOptions>;

/** What buildServer hands each route plugin. */
export type RouteContext = RouteDeps & { access: RouteAccess; agentBudget: AgentBudget };
