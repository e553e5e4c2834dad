import { AGENT_CATALOG, AGENT_NAMES } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from './route-deps';

/** The agent catalog as JSON Schema, computed once: it only changes with a deploy. */
function agentCatalog(networks: readonly string[]) {
  return {
    items: AGENT_NAMES.map((name) => ({
      name,
      description: AGENT_CATALOG[name].description,
      timeoutMs: AGENT_CATALOG[name].timeoutMs,
      networks,
      params: z.toJSONSchema(AGENT_CATALOG[name].params, { io: 'input' }),
      result: z.toJSONSchema(AGENT_CATALOG[name].result, { unrepresentable: 'any' }),
    })),
  };
}

export const metaRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const catalog = agentCatalog(deps.networks);
  app.get('/v1/agents', async () => catalog);

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const checks = await deps.ready();
    const ready = Object.values(checks).every(Boolean);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
};
