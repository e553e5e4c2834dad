import { CreateApiKeyBody, LoginBody, RefreshBody, RegisterBody } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../plugins/authenticate';
import type { RouteDeps } from './route-deps';

/** Account routes: thin wrappers over auth's RPC methods. */
export const authRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.post('/v1/auth/register', { schema: { body: RegisterBody } }, async (request, reply) => {
    const user = await deps.auth.call('register', request.body, request.id);
    return reply.status(201).send(user);
  });

  app.post('/v1/auth/login', { schema: { body: LoginBody } }, async (request) =>
    deps.auth.call('login', { ...request.body, ip: request.ip }, request.id),
  );

  app.post('/v1/auth/refresh', { schema: { body: RefreshBody } }, async (request) => deps.auth.call('refresh', request.body, request.id));

  app.post('/v1/auth/logout', { schema: { body: RefreshBody } }, async (request, reply) => {
    await deps.auth.call('logout', request.body, request.id);
    return reply.status(204).send();
  });

  app.post('/v1/api-keys', { schema: { body: CreateApiKeyBody }, preHandler: deps.authenticate }, async (request, reply) => {
    const created = await deps.auth.call('createApiKey', { userId: principalOf(request).userId, name: request.body.name }, request.id);
    return reply.status(201).send(created);
  });

  app.get('/v1/api-keys', { preHandler: deps.authenticate }, async (request) => ({
    items: await deps.auth.call('listApiKeys', { userId: principalOf(request).userId }, request.id),
  }));

  app.delete(
    '/v1/api-keys/:id',
    { schema: { params: z.strictObject({ id: z.uuid({ error: 'id must be an API key ID (uuid)' }) }) }, preHandler: deps.authenticate },
    async (request) => deps.auth.call('revokeApiKey', { userId: principalOf(request).userId, keyId: request.params.id }, request.id),
  );
};
