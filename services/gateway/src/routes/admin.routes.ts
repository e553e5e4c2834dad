import {
  CacheInvalidateParams,
  CacheInvalidateResult,
  CacheStats,
  AdminApiKeyView,
  AdminUserView,
  AuditPage,
  DeadLetterActionResult,
  DeadLetterPage,
  DeadLetterParams,
  ListAuditQuery,
  ListDeadLettersQuery,
  ListUsersQuery,
  UpdateUserBody,
  UserPage,
} from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../plugins/authenticate';
import { errorResponses } from '../schemas/responses';
import type { RouteContext } from './route-deps';

const tags = ['admin'];
const UserIdParams = z.strictObject({ id: z.uuid({ error: 'id must be a user ID (uuid)' }) });
const KeyIdParams = z.strictObject({ id: z.uuid({ error: 'id must be an API key ID (uuid)' }) });

/**
 * Admin routes (role admin; 403 for everyone else). Account changes go to auth, which audits them
 * with the acting admin and source IP; the gateway then records the new token version so every
 * instance refuses the user's older tokens and API keys at once.
 */
export const adminRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const { access } = ctx;

  app.get(
    '/v1/admin/users',
    { schema: { tags, summary: 'List users, newest first', querystring: ListUsersQuery, response: { 200: UserPage, ...errorResponses } }, ...access.admin },
    async (request) => ctx.auth.call('adminListUsers', request.query, request.id),
  );

  app.patch(
    '/v1/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'Change role (plan) or disable/enable a user; takes effect at once',
        params: UserIdParams,
        body: UpdateUserBody,
        response: {
          200: AdminUserView.extend({ canceledJobs: z.number().int().optional().describe('Queued jobs canceled because the account was disabled') }),
          ...errorResponses,
        },
      },
      ...access.admin,
    },
    async (request) => ctx.accounts.updateUser(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/v1/admin/users/:id/api-keys',
    {
      schema: { tags, summary: "A user's API keys (prefix only)", params: UserIdParams, response: { 200: z.object({ items: z.array(AdminApiKeyView) }), ...errorResponses } },
      ...access.admin,
    },
    async (request) => ({ items: await ctx.auth.call('adminListApiKeys', { userId: request.params.id }, request.id) }),
  );

  app.delete(
    '/v1/admin/api-keys/:id',
    { schema: { tags, summary: "Revoke any user's API key; takes effect at once", params: KeyIdParams, response: { 200: AdminApiKeyView, ...errorResponses } }, ...access.admin },
    async (request) => ctx.accounts.revokeAnyApiKey(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/admin/audit',
    { schema: { tags, summary: 'The audit log, newest first', querystring: ListAuditQuery, response: { 200: AuditPage, ...errorResponses } }, ...access.admin },
    async (request) => ctx.auth.call('adminListAudit', request.query, request.id),
  );

  app.get(
    '/v1/admin/dead-letters',
    {
      schema: { tags, summary: 'The oldest dead letters (left in the queue)', querystring: ListDeadLettersQuery, response: { 200: DeadLetterPage, ...errorResponses } },
      ...access.admin,
    },
    async (request) => ctx.deadLetters.list(request.query.limit),
  );

  app.post(
    '/v1/admin/dead-letters/:messageId/replay',
    {
      schema: { tags, summary: 'Put a dead letter back into the queue it failed in', params: DeadLetterParams, response: { 200: DeadLetterActionResult, ...errorResponses } },
      ...access.admin,
    },
    async (request) => ctx.deadLetters.replay(request.params.messageId, principalOf(request).userId),
  );

  app.delete(
    '/v1/admin/dead-letters/:messageId',
    { schema: { tags, summary: 'Drop a dead letter for good', params: DeadLetterParams, response: { 200: DeadLetterActionResult, ...errorResponses } }, ...access.admin },
    async (request) => ctx.deadLetters.drop(request.params.messageId, principalOf(request).userId),
  );

  app.delete(
    '/v1/admin/cache',
    {
      schema: {
        tags,
        summary: 'Invalidate cached results (all filters must match; none: every entry) through the cache service',
        querystring: CacheInvalidateParams,
        response: { 200: CacheInvalidateResult, ...errorResponses },
      },
      ...access.admin,
    },
    async (request) => ctx.cacheService.call('invalidate', request.query, request.id),
  );

  app.get(
    '/v1/admin/cache/stats',
    { schema: { tags, summary: 'Result cache: entries, memory, hit rate by agent, refreshes, chain heads', response: { 200: CacheStats, ...errorResponses } }, ...access.admin },
    async (request) => ctx.cacheService.call('stats', {}, request.id),
  );
};
