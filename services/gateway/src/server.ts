import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics';
import { installErrorHandler } from './plugins/error-handler';
import { authRoutes } from './routes/auth.routes';
import { jobRoutes } from './routes/jobs.routes';
import { metaRoutes } from './routes/meta.routes';
import type { RouteDeps } from './routes/route-deps';

export interface ServerOptions {
  deps: RouteDeps;
  logger: Logger;
  metrics: GatewayMetrics;
  /** @default 65536 */
  bodyLimit?: number;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the fastify app without listening, so tests can `inject()` as well as use real HTTP. */
export async function buildServer(options: ServerOptions) {
  const base = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are measured in onResponse (metrics); per-request log lines would dominate the log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Our own correlation ID when the client sends a well-formed one, else a fresh one; it travels
    // with the job through every queue.
    genReqId: (req) => {
      const header = req.headers['x-correlation-id'];
      return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
    },
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  });
  installErrorHandler(base);
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-correlation-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(metaRoutes, options.deps);
  await app.register(authRoutes, options.deps);
  await app.register(jobRoutes, options.deps);
  return app;
}

export type GatewayServer = Awaited<ReturnType<typeof buildServer>>;
