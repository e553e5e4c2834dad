import { AdminUsageQuery, UsageQuery, UsageReport } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { principalOf } from '../plugins/authenticate';
import { errorResponses } from '../schemas/responses';
import type { RouteContext } from './route-deps';

/**
 * Usage from the analytics rollups (UTC days, both ends included, at most a year). Counts follow
 * the event stream, so a job shows up within seconds of being submitted or finishing.
 */
export const usageRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const { access } = ctx;

  app.get(
    '/v1/usage',
    {
      schema: { tags: ['usage'], summary: "The caller's own usage per day and agent", querystring: UsageQuery, response: { 200: UsageReport, ...errorResponses } },
      ...access.user,
    },
    async (request) => ctx.analyticsService.call('usage', { ...request.query, userId: principalOf(request).userId }, request.id),
  );

  app.get(
    '/v1/admin/usage',
    {
      schema: {
        tags: ['admin'],
        summary: "Usage per day and agent of one user, or of everyone with the top users",
        querystring: AdminUsageQuery,
        response: { 200: UsageReport, ...errorResponses },
      },
      ...access.admin,
    },
    async (request) => ctx.analyticsService.call('usage', request.query, request.id),
  );
};
