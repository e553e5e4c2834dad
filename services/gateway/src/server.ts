import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics';
import { authenticateIfPresent, requireAdmin } from './plugins/authenticate';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './plugins/error-handler';
import { DEFAULT_OVERLOAD, registerLoadShedding, type OverloadOptions } from './plugins/load-shedding';
import { registerOpenApi } from './plugins/openapi';
import { DEFAULT_RATE_LIMITS, registerRateLimits, type AuthenticationHook, type RateLimitsOptions } from './plugins/rate-limit';
import { DebugRequestLog, lazyRequestLoggers } from './plugins/request-log';
import { registerSecurityHeaders } from './plugins/security-headers';
import { adminRoutes } from './routes/admin.routes';
import { authRoutes } from './routes/auth.routes';
import { jobRoutes } from './routes/jobs.routes';
import { metaRoutes } from './routes/meta.routes';
import { usageRoutes } from './routes/usage.routes';
import type { RouteAccess, RouteContext, RouteDeps } from './routes/route-deps';
import { compatRoutes } from './routes/compat.routes';

export interface ServerOptions {
  deps: RouteDeps;
  logger: Logger;
  metrics: GatewayMetrics;
  /** @default 65536 */
  bodyLimit?: number;
  /** Largest request head in bytes (431 beyond). @default 16384 */
  maxHeaderBytes?: number;
  /** Which peers' X-Forwarded-For to believe: IPs/CIDRs (or `loopback`), or a hop count. @default false */
  trustProxy?: false | number | string[];
  /** Counters shared by all instances; without Redis, each instance counts alone (unit tests). */
  redis?: Redis;
  /** @default 'oca:' */
  redisPrefix?: string;
  /** @default DEFAULT_RATE_LIMITS */
  rateLimits?: RateLimitsOptions;
  /** @default DEFAULT_OVERLOAD */
  overload?: OverloadOptions;
  /** Origins allowed by CORS; empty = CORS off. @default [] */
  corsOrigins?: readonly string[];
  /**
   * Serve HTTPS with this certificate chain and key (PEM). With `ca`, clients must present a
   * certificate signed by it (mutual TLS). @default plain HTTP
   */
  tls?: { cert: string; key: string; ca?: string };
}

/** fastify takes a hop count at runtime but its types do not; the equivalent function. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * fastify's `https` option. Cast to the http variant's type so the app's type does not depend on
 * whether TLS is configured: an https.Server has the same listen/close/address API.
 */
function httpsOptions(tls: ServerOptions['tls']): { https?: null } {
  if (!tls) return {};
  const mutual = tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {};
  return { https: { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', ...mutual } as unknown as null };
}

/** Builds the fastify app without listening, so tests can `inject()` as well as use real HTTP. */
export async function buildServer(options: ServerOptions) {
  const base = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are measured in onResponse (metrics); per-request log lines only at debug.
    logController: new DebugRequestLog(),
    childLoggerFactory: lazyRequestLoggers(),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    http: { maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024 },
    clientErrorHandler,
    frameworkErrors,
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : (options.trustProxy ?? false),
    // Every route is one the OpenAPI document lists; no implicit HEAD twins.
    exposeHeadRoutes: false,
    // Our own correlation ID when the client sends a well-formed one, else a fresh one; it travels
    // with the job through every queue.
    genReqId: (req) => {
      const header = req.headers['x-correlation-id'];
      return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
    },
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    ...httpsOptions(options.tls),
  });
  installErrorHandler(base);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Order matters: shedding answers before anything else runs; then headers, limits, docs, routes.
  await registerLoadShedding(app, options.overload ?? DEFAULT_OVERLOAD, options.metrics);
  await registerSecurityHeaders(app, options.corsOrigins ?? []);
  const limits = await registerRateLimits(app, options.rateLimits ?? DEFAULT_RATE_LIMITS, {
    redis: options.redis,
    keyPrefix: options.redisPrefix ?? 'oca:',
  });
  const { deps } = options;
  const authenticated = (level: 'user' | 'admin' | 'optional-user', hook: AuthenticationHook) => {
    const { rateLimit, ...hooks } = limits.authenticated(hook);
    return { ...hooks, config: { access: level, ...(rateLimit ? { rateLimit } : {}) } };
  };
  const access: RouteAccess = {
    user: authenticated('user', deps.authenticate),
    admin: authenticated('admin', requireAdmin(deps.authenticate)),
    optionalUser: authenticated('optional-user', authenticateIfPresent(deps.authenticate)),
    credentials: { config: { access: 'credentials', rateLimit: limits.credentials } },
    public: { config: { access: 'public', rateLimit: limits.public } },
  };
  await registerOpenApi(app, access.public);

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-correlation-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const ctx: RouteContext = { ...deps, access, agentBudget: limits.expensiveAgents };
  await app.register(metaRoutes, ctx);
  await app.register(authRoutes, ctx);
  await app.register(jobRoutes, ctx);
  await app.register(compatRoutes, ctx);
  await app.register(adminRoutes, ctx);
  await app.register(usageRoutes, ctx);
  return app;
}

export type GatewayServer = Awaited<ReturnType<typeof buildServer>>;
