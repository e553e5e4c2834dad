import { AGENT_CATALOG, AGENT_NAMES } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgentCatalogResponse, HealthResponse, ReadyResponse } from '../schemas/responses';
import type { RouteContext } from './route-deps';

/** The agent catalog as JSON Schema, computed once: it only changes with a deploy. */
function agentCatalog(networks: readonly string[]) {
  return {
    items: AGENT_NAMES.map((name) => ({
      name,
      description: AGENT_CATALOG[name].description,
      timeoutMs: AGENT_CATALOG[name].timeoutMs,
      version: AGENT_CATALOG[name].version,
      cache: AGENT_CATALOG[name].cache,
      networks: [...networks],
      params: z.toJSONSchema(AGENT_CATALOG[name].params, { io: 'input' }) as Record<string, unknown>,
      result: z.toJSONSchema(AGENT_CATALOG[name].result, { unrepresentable: 'any' }) as Record<string, unknown>,
    })),
  };
}

export const metaRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const catalog = agentCatalog(ctx.networks);
  const tags = ['meta'];
  app.get(
    '/v1/agents',
    { schema: { tags, summary: 'Every agent with its params and result as JSON Schema', response: { 200: AgentCatalogResponse } }, ...ctx.access.public },
    async () => catalog,
  );

  app.get('/health', { schema: { tags, summary: 'Alive', response: { 200: HealthResponse } }, ...ctx.access.public }, async () => ({ status: 'ok' as const }));

  app.get(
    '/ready',
    { schema: { tags, summary: 'Dependencies reachable', response: { 200: ReadyResponse, 503: ReadyResponse } }, ...ctx.access.public },
    async (_request, reply) => {
      const checks = await ctx.ready();
      const ready = Object.values(checks).every(Boolean);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  );
};
