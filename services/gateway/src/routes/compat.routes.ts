import { AGENT_NAMES, LoginBody } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../plugins/authenticate';
import { agentsFor, analyze } from '../compat/analyze';
import { AnalyzeBody, AnalyzeDone, AnalyzePending, CompatLoginResponse, compatErrorResponses, StatusResponse } from '../schemas/compat.schemas';
import { wantsFreshRun } from './cache-control';
import type { RouteContext } from './route-deps';

const tags = ['seed-compatible'];
/** Errors on these routes use the seed's shape: `{error: message, code, details?}`. */
const compatConfig = { errorFormat: 'compat' } as const;

/**
 * The routes the seed document's clients call. Aliases over the v1 machinery with the same
 * authentication, limits and validation; only the shapes follow the seed.
 */
export const compatRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const { access } = ctx;

  app.post(
    '/auth/login',
    {
      schema: { tags, summary: 'Alias of POST /v1/auth/login; also answers `token`', body: LoginBody, response: { 200: CompatLoginResponse, ...compatErrorResponses } },
      ...access.credentials,
      config: { ...access.credentials.config, ...compatConfig },
    },
    async (request) => {
      const pair = await ctx.loginThrottle.attempt(request.body.email, request.ip, () =>
        ctx.auth.call('login', { ...request.body, ip: request.ip }, request.id),
      );
      return { ...pair, token: pair.accessToken };
    },
  );

  app.post(
    '/api/analyze',
    {
      schema: {
        tags,
        summary: 'Run the agents of a depth on an address; 200 with the results when they finish in time, else 202 with the job IDs',
        body: AnalyzeBody,
        response: { 200: AnalyzeDone, 202: AnalyzePending, ...compatErrorResponses },
      },
      ...access.user,
      config: { ...access.user.config, ...compatConfig },
    },
    async (request, reply) => {
      await ctx.agentBudget(request, reply, agentsFor(request.body.depth));
      const abort = new AbortController();
      reply.raw.once('close', () => abort.abort());
      const outcome = await analyze(ctx, {
        principal: principalOf(request),
        body: request.body,
        correlationId: request.id,
        signal: abort.signal,
        onWait: () => request.leaveInFlight(),
        bypassCache: wantsFreshRun(request.headers['cache-control']),
      });
      if (outcome.done) return reply.status(200).send(outcome.body);
      const first = outcome.body.jobs[0];
      if (first) void reply.header('location', first.links.self);
      return reply.status(202).send(outcome.body);
    },
  );

  app.get(
    '/api/status',
    {
      schema: { tags, summary: 'Service status; with credentials also who you are', response: { 200: StatusResponse, ...compatErrorResponses } },
      ...access.optionalUser,
      config: { ...access.optionalUser.config, ...compatConfig },
    },
    async (request) => ({
      status: 'ok' as const,
      time: new Date().toISOString(),
      agents: [...AGENT_NAMES],
      networks: [...ctx.networks],
      ...(request.principal ? { user: { id: request.principal.userId, role: request.principal.role } } : {}),
    }),
  );
};
