import { ApiKeyView, CreateApiKeyBody, CreatedApiKey, LoginBody, RefreshBody, RegisterBody, TokenPair, UserView } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, principalOf } from '../plugins/authenticate';
import { ApiKeyList, errorResponses } from '../schemas/responses';
import type { RouteContext } from './route-deps';

const tags = ['account'];

/** Account routes: thin wrappers over auth's RPC methods. */
export const authRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const { access } = ctx;

  app.post(
    '/v1/auth/register',
    { schema: { tags, summary: 'Create an account (role user)', body: RegisterBody, response: { 201: UserView, ...errorResponses } }, ...access.credentials },
    async (request, reply) => {
      const user = await ctx.auth.call('register', { ...request.body, ip: request.ip }, request.id);
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/v1/auth/login',
    { schema: { tags, summary: 'Log in: access + refresh token', body: LoginBody, response: { 200: TokenPair, ...errorResponses } }, ...access.credentials },
    async (request) =>
      ctx.loginThrottle.attempt(request.body.email, request.ip, () => ctx.auth.call('login', { ...request.body, ip: request.ip }, request.id)),
  );

  app.post(
    '/v1/auth/refresh',
    { schema: { tags, summary: 'Rotate the refresh token', body: RefreshBody, response: { 200: TokenPair, ...errorResponses } }, ...access.credentials },
    async (request) => ctx.auth.call('refresh', { ...request.body, ip: request.ip }, request.id),
  );

  app.post(
    '/v1/auth/logout',
    { schema: { tags, summary: 'Revoke a refresh token', body: RefreshBody, response: { 204: z.null(), ...errorResponses } }, ...access.credentials },
    async (request, reply) => {
      await ctx.auth.call('logout', { ...request.body, ip: request.ip }, request.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/api-keys',
    { schema: { tags, summary: 'Create an API key (shown once)', body: CreateApiKeyBody, response: { 201: CreatedApiKey, ...errorResponses } }, ...access.user },
    async (request, reply) => {
      const created = await ctx.auth.call('createApiKey', { userId: principalOf(request).userId, name: request.body.name, ip: request.ip }, request.id);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/api-keys',
    { schema: { tags, summary: 'List own API keys (prefix only)', response: { 200: ApiKeyList, ...errorResponses } }, ...access.user },
    async (request) => ({ items: await ctx.auth.call('listApiKeys', { userId: principalOf(request).userId }, request.id) }),
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an own API key',
        params: z.strictObject({ id: z.uuid({ error: 'id must be an API key ID (uuid)' }) }),
        response: { 200: ApiKeyView, ...errorResponses },
      },
      ...access.user,
    },
    async (request) => ctx.accounts.revokeOwnApiKey(actorOf(request), request.params.id),
  );
};
