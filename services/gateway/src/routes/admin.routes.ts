import {
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
import { ApiError } from '../errors';
import { principalOf } from '../plugins/authenticate';
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
    async (request) => {
      const user = await ctx.auth.call(
        'adminUpdateUser',
        { actorUserId: principalOf(request).userId, ip: request.ip, userId: request.params.id, ...request.body },
        request.id,
      );
      try {
        await ctx.revocations.userChanged(user.id, user.tokenVersion);
      } catch {
        // Saved in auth, but older credentials would keep working until they expire. The change is
        // idempotent: repeating the request records the version again.
        throw new ApiError('unavailable', 'The change was saved but could not be applied to live sessions yet; repeat the request');
      }
      // A disabled account's queued jobs are canceled; running ones finish.
      if (user.disabledAt !== null && request.body.disabled === true) {
        return { ...user, canceledJobs: await ctx.jobs.cancelAllQueued(user.id) };
      }
      return user;
    },
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
    async (request) => {
      const key = await ctx.auth.call('adminRevokeApiKey', { actorUserId: principalOf(request).userId, ip: request.ip, keyId: request.params.id }, request.id);
      await ctx.apiKeyCache.forget(key.id);
      return key;
    },
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
    async (request) => ctx.deadLetters.listDeadLetters(request.query.limit),
  );

  app.post(
    '/v1/admin/dead-letters/:messageId/replay',
    {
      schema: { tags, summary: 'Put a dead letter back into the queue it failed in', params: DeadLetterParams, response: { 200: DeadLetterActionResult, ...errorResponses } },
      ...access.admin,
    },
    async (request) => {
      const { messageId } = request.params;
      const result = await ctx.deadLetters.settleDeadLetter(messageId, 'replay');
      if (!result.found) throw new ApiError('not_found', 'No dead letter with this message ID');
      if (result.notReplayable) throw new ApiError('conflict', 'This dead letter did not come from a work queue; drop it instead');
      request.log.warn({ messageId, queue: result.queue, admin: principalOf(request).userId }, 'dead letter replayed by an admin');
      return { messageId, action: 'replayed' as const, queue: result.queue };
    },
  );

  app.delete(
    '/v1/admin/dead-letters/:messageId',
    { schema: { tags, summary: 'Drop a dead letter for good', params: DeadLetterParams, response: { 200: DeadLetterActionResult, ...errorResponses } }, ...access.admin },
    async (request) => {
      const { messageId } = request.params;
      const result = await ctx.deadLetters.settleDeadLetter(messageId, 'drop');
      if (!result.found) throw new ApiError('not_found', 'No dead letter with this message ID');
      request.log.warn({ messageId, admin: principalOf(request).userId }, 'dead letter dropped by an admin');
      return { messageId, action: 'dropped' as const, queue: null };
    },
  );
};
