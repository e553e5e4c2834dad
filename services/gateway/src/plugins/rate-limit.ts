import rateLimit, { normalizeIP, type RateLimitOptions } from '@fastify/rate-limit';
import { REDIS_KEYS, type Role } from '@oca/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors';
import { RequestGate, type RequestGateCall } from './request-gate';

export interface RateLimitsOptions {
  /** Requests per minute per route for an authenticated caller, by role. @default user 100, premium 1000, admin 5000 */
  perRolePerMinute: Record<Role, number>;
  /** Per route per client IP on register/login/refresh/logout. @default 20 */
  authIpPerMinute: number;
  /** Per route per client IP on other unauthenticated routes. @default 300 */
  publicIpPerMinute: number;
  /** Per client IP over all routes, before authentication. @default 1200 */
  ipPerMinute: number;
  /**
   * A second, stricter budget for jobs of the expensive agents (many RPC calls, log scans and
   * simulations per job): jobs per minute per user, by role, over all those agents together.
   * @default agents security and trend; user 20, premium 200, admin 1000
   */
  expensiveAgents: { agents: readonly string[]; perRolePerMinute: Record<Role, number> };
}

export const DEFAULT_RATE_LIMITS: RateLimitsOptions = {
  perRolePerMinute: { user: 100, premium: 1000, admin: 5000 },
  authIpPerMinute: 20,
  publicIpPerMinute: 300,
  ipPerMinute: 1200,
  expensiveAgents: { agents: ['security', 'trend', 'whale', 'governance', 'defi', 'portfolio', 'forensics', 'nft'], perRolePerMinute: { user: 20, premium: 200, admin: 1000 } },
};

/** The per-route limits a route picks from (see RouteAccess). */
export interface RateLimitPolicies {
  /** Keyed by the authenticated user (anonymous callers by IP); the ceiling follows the role. */
  caller: RateLimitOptions;
  /** Keyed by client IP, strict: the credential endpoints. */
  credentials: RateLimitOptions;
  /** Keyed by client IP: everything else that needs no credentials. */
  public: RateLimitOptions;
  /**
   * Spends one unit of the caller's expensive-agent budget per expensive agent in `agents`;
   * throws rate_limited (429, Retry-After and RateLimit-* headers) when it is used up.
   */
  expensiveAgents(request: FastifyRequest, reply: FastifyReply, agents: readonly string[]): Promise<void>;
  /**
   * The hooks of a route that authenticates with `hook`: the per-IP ceiling first (429 before
   * 401), then the caller policy after validation. With Redis, one RequestGate round trip decides
   * the ceiling, the cached credential and the caller limit (`preHandler` applies the verdict);
   * without, the plugin's hooks (`rateLimit`: the caller policy).
   */
  authenticated(hook: AuthenticationHook): AuthenticatedRoute;
}

export type AuthenticationHook = (request: FastifyRequest) => Promise<void>;

export interface AuthenticatedRoute {
  onRequest: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  preHandler?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  rateLimit?: RateLimitOptions;
}

const WINDOW_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The per-IP ceiling's verdict for this request: resolves when allowed, rejects with the 429 */
    ipCeiling: Promise<void> | null;
    /** The request's RequestGate (authenticated routes, with Redis): see authenticated() */
    gate: RequestGateCall | null;
  }
}

/** The headers of a 429 from a limiter checked by hand (the plugin sets them for route policies). */
function exceededHeaders(reply: FastifyReply, state: { max: number; ttlInSeconds: number }): void {
  void reply.headers({
    'retry-after': String(state.ttlInSeconds),
    'ratelimit-limit': String(state.max),
    'ratelimit-remaining': '0',
    'ratelimit-reset': String(state.ttlInSeconds),
  });
}

/**
 * A route's authentication hook, run beside the request's per-IP verdict (registerRateLimits,
 * without Redis; with Redis, `gated` below): the verdict is awaited first, so an IP over its
 * ceiling gets 429 before any 401.
 */
function ipCeilingFirst(hook: (request: FastifyRequest) => Promise<void>) {
  return async (request: FastifyRequest): Promise<void> => {
    const authenticating = hook(request);
    authenticating.catch(() => undefined); // awaited below, after the verdict
    await request.ipCeiling;
    await authenticating;
  };
}

/** IPv4 as is; IPv6 by /64, since one host usually owns a whole /64. */
export const clientIp = (request: FastifyRequest): string => normalizeIP(request.ip);

function limited(limit: string) {
  return (_request: FastifyRequest, context: { max: number; ttl: number; after: string }) =>
    new DomainError('rate_limited', `Rate limit exceeded: ${context.max} requests per minute; retry in ${context.after}`, {
      limit,
      max: context.max,
      retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
    });
}

/** The same 429 for the RequestGate's verdicts (`after` in seconds, as the per-IP one always was). */
const gateLimited = (limit: 'ip' | 'caller', max: number, ttlMs: number) =>
  limited(limit)(undefined as unknown as FastifyRequest, { max, ttl: ttlMs, after: `${Math.ceil(ttlMs / 1000)} s` });

/** Access levels whose routes authenticate (the ones `authenticated()` builds hooks for). */
const AUTHENTICATED_ACCESS = new Set(['user', 'admin', 'optional-user']);

/**
 * Registers @fastify/rate-limit with its Redis store (fixed one-minute windows under
 * `<prefix>rate-limit:`), so every gateway instance counts into the same buckets, and applies the
 * per-IP ceiling to every request. Routes opt into a per-route policy through `config.rateLimit`.
 * 429 answers carry Retry-After and the draft-standard RateLimit-Limit/-Remaining/-Reset headers.
 *
 * A Redis outage lets requests through (logged by readiness, /ready fails): rate limiting is a
 * protection, and failing closed would turn a cache outage into a full API outage.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  config: RateLimitsOptions,
  store: { redis?: Redis; keyPrefix: string },
): Promise<RateLimitPolicies> {
  await app.register(rateLimit, {
    global: false,
    redis: store.redis,
    nameSpace: `${store.keyPrefix}rate-limit:`,
    enableDraftSpec: true,
    skipOnError: true,
    timeWindow: WINDOW_MS,
    // These globals are the per-IP ceiling below (createRateLimit() without options uses them).
    max: config.ipPerMinute,
    keyGenerator: (request) => `ip:${clientIp(request)}`,
    errorResponseBuilder: limited('ip'),
  });

  // Authenticated routes (with Redis) ask the ceiling through their RequestGate, together with the
  // credential and the caller limit (`gated`). Elsewhere the per-IP ceiling is asked at once and
  // decided later: a route's authentication runs meanwhile (ipCeilingFirst) and an uncached API
  // key waits for the verdict before auth is asked; every other request waits for it before
  // validation. A request over the ceiling is refused, with 429 whatever it sent.
  const ipCeiling = app.createRateLimit();
  const gate = store.redis ? requestGate(store.redis, store.keyPrefix, config) : undefined;
  app.decorateRequest('ipCeiling', null);
  app.decorateRequest('gate', null);
  app.addHook('onRequest', (request, reply, done) => {
    // An authenticated route asks the gate instead, in its own onRequest hook.
    if (gate && AUTHENTICATED_ACCESS.has(request.routeOptions.config.access ?? '')) {
      done();
      return;
    }
    const verdict = ipCeiling(request).then((state) => {
      if (state.isAllowed || !state.isExceeded) return;
      exceededHeaders(reply, state);
      throw limited('ip')(request, { max: state.max, ttl: state.ttl, after: `${state.ttlInSeconds} s` });
    });
    verdict.catch(() => undefined); // awaited later (authentication or preValidation); never unhandled
    request.ipCeiling = verdict;
    done();
  });
  app.addHook('preValidation', async (request) => {
    await request.ipCeiling;
  });
  if (gate) {
    app.addHook('onResponse', (request, _reply, done) => {
      request.gate?.settle();
      done();
    });
  }

  const perRole = config.perRolePerMinute;
  const expensive = new Set(config.expensiveAgents.agents);
  const expensiveBudget = app.createRateLimit({
    keyGenerator: (request) => `expensive-agents:user:${request.principal?.userId ?? clientIp(request)}`,
    max: (request) => config.expensiveAgents.perRolePerMinute[request.principal?.role ?? 'user'],
    timeWindow: WINDOW_MS,
  });
  const caller: RateLimitOptions = {
    // After authentication and validation: a caller's budget is spent on requests that will be
    // served; malformed and unauthenticated ones are bounded by the per-IP ceiling instead.
    hook: 'preHandler',
    keyGenerator: (request) => (request.principal ? `user:${request.principal.userId}` : `ip:${clientIp(request)}`),
    max: (request) => (request.principal ? perRole[request.principal.role] : config.publicIpPerMinute),
    errorResponseBuilder: limited('caller'),
  };
  return {
    authenticated: (hook) => (gate ? gated(gate, hook) : { onRequest: ipCeilingFirst(hook), rateLimit: caller }),
    expensiveAgents: async (request, reply, agents) => {
      for (const agent of agents) {
        if (!expensive.has(agent)) continue;
        const state = await expensiveBudget(request);
        if (state.isAllowed || !state.isExceeded) continue;
        exceededHeaders(reply, state);
        throw new DomainError('rate_limited', `Rate limit exceeded for the ${[...expensive].join('/')} agents: ${state.max} jobs per minute; retry in ${state.ttlInSeconds} s`, {
          limit: 'expensive-agents',
          max: state.max,
          retryAfterSeconds: Math.max(1, state.ttlInSeconds),
        });
      }
    },
    caller,
    credentials: {
      hook: 'onRequest',
      keyGenerator: (request) => `ip:${clientIp(request)}`,
      max: config.authIpPerMinute,
      errorResponseBuilder: limited('credentials'),
    },
    public: {
      hook: 'onRequest',
      keyGenerator: (request) => `ip:${clientIp(request)}`,
      max: config.publicIpPerMinute,
      errorResponseBuilder: limited('public'),
    },
  };
}

function requestGate(redis: Redis, keyPrefix: string, config: RateLimitsOptions): RequestGate {
  const [before, after] = REDIS_KEYS.userTokenVersion(keyPrefix, '\0').split('\0');
  return new RequestGate({
    redis,
    nameSpace: `${keyPrefix}rate-limit:`,
    versionKeyParts: [before ?? '', after ?? ''],
    windowMs: WINDOW_MS,
    ipPerMinute: config.ipPerMinute,
    perRolePerMinute: config.perRolePerMinute,
    anonymousPerMinute: config.publicIpPerMinute,
    limited: gateLimited,
  });
}

/**
 * An authenticated route's hooks through the gate. The authentication hook finds `request.gate`
 * and makes its Redis call through it (the credential, the IP and the caller in one round trip);
 * whatever it did not ask is asked after it: the IP verdict before its error is answered (429
 * before 401), the caller's charge once the principal is known (a stub, an uncached API key).
 */
function gated(gate: RequestGate, hook: AuthenticationHook): AuthenticatedRoute {
  return {
    onRequest: async (request, reply) => {
      const call = gate.forRequest(request, reply, clientIp(request));
      request.gate = call;
      try {
        await hook(request);
      } catch (err) {
        await call.ipAllowed();
        throw err;
      }
      if (call.charged) return;
      if (request.principal) await call.principal(request.principal);
      else await call.anonymous();
    },
    preHandler: async (request, reply) => {
      request.gate?.applyCaller(reply);
    },
  };
}
