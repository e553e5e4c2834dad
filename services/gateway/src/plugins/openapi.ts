import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AnyObject } from '../schemas/responses';
import { addAgentSchemaComponents, withAgentSchemas } from './openapi-agents';
import type { AccessOptions } from '../routes/route-deps';

const AUTHENTICATED: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKey: [] }];

/**
 * OpenAPI 3 from the routes' own zod schemas (fastify-type-provider-zod's jsonSchemaTransform), so
 * the document cannot drift from validation, plus every agent's params and result from
 * AGENT_CATALOG (openapi-agents.ts): `/openapi.json`, and a browsable page at `/docs`
 * whose assets come from @fastify/swagger-ui's package (no CDN). Must be registered before the
 * routes: both the security annotation below and @fastify/swagger collect routes in onRoute.
 */
export async function registerOpenApi(app: FastifyInstance, publicAccess: AccessOptions): Promise<void> {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access === 'user' || access === 'admin') route.schema = { ...route.schema, security: AUTHENTICATED };
    // `{}`: credentials are optional.
    if (access === 'optional-user') route.schema = { ...route.schema, security: [...AUTHENTICATED, {}] };
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'OnChainAgents API',
        version: '1',
        description:
          'Submit an analysis job, get its ID at once, and receive the result by polling (with long-poll) or a signed webhook. ' +
          'Errors are `{"error": {"code", "message", "details?"}}` (the seed-compatible routes: `{"error": message, "code"}`). ' +
          'Limits answer 429 with Retry-After and RateLimit-* headers; an overloaded gateway answers 503 with Retry-After. ' +
          "Each agent's params and result are the schemas `<Agent>Params` and `<Agent>Result` (e.g. WhaleParams, WhaleResult); GET /v1/agents gives the same schemas as JSON Schema.",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token (JWT) or an API key' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
    transform: withAgentSchemas(jsonSchemaTransform),
    transformObject: addAgentSchemaComponents(),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });

  let document: Record<string, unknown> | undefined;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/openapi.json',
    { schema: { tags: ['meta'], summary: 'This document (OpenAPI 3)', response: { 200: AnyObject } }, ...publicAccess },
    // Built once, after every route is known (the first request comes after ready()).
    async () => (document ??= app.swagger() as unknown as Record<string, unknown>),
  );
}
