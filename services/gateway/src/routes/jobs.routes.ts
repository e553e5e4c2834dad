import { GetJobQuery, JobIdParams, ListJobsQuery, SubmitJobBody } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { principalOf } from '../plugins/authenticate';
import { jobLinks, toJobView } from '../services/job-row';
import type { RouteDeps } from './route-deps';

const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'Idempotency-Key must be 1-255 visible ASCII characters' })
    .optional(),
});

export const jobRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.post('/v1/jobs', { schema: { body: SubmitJobBody, headers: IdempotencyHeaders }, preHandler: deps.authenticate }, async (request, reply) => {
    const { row, created } = await deps.jobs.submit({
      principal: principalOf(request),
      body: request.body,
      idempotencyKey: request.headers['idempotency-key'],
      correlationId: request.id,
    });
    if (!created) void reply.header('idempotent-replayed', 'true');
    return reply
      .status(202)
      .header('location', jobLinks(row.id).self)
      .send({ id: row.id, status: row.status, links: jobLinks(row.id) });
  });

  app.get('/v1/jobs/:id', { schema: { params: JobIdParams, querystring: GetJobQuery }, preHandler: deps.authenticate }, async (request, reply) => {
    const wait = Math.min(request.query.wait ?? 0, deps.longPollMaxSeconds);
    // A client that hangs up ends its long-poll (the response's 'close' fires on disconnect).
    const abort = new AbortController();
    reply.raw.once('close', () => abort.abort());
    return toJobView(await deps.jobs.get(request.params.id, principalOf(request), wait, abort.signal));
  });

  app.get('/v1/jobs', { schema: { querystring: ListJobsQuery }, preHandler: deps.authenticate }, async (request) => {
    const page = await deps.jobs.list(principalOf(request), request.query.limit, request.query.cursor, request.query.status);
    return { items: page.rows.map(toJobView), nextCursor: page.nextCursor };
  });

  app.delete('/v1/jobs/:id', { schema: { params: JobIdParams }, preHandler: deps.authenticate }, async (request) =>
    toJobView(await deps.jobs.cancel(request.params.id, principalOf(request))),
  );

  app.get('/v1/jobs/:id/deliveries', { schema: { params: JobIdParams }, preHandler: deps.authenticate }, async (request) => {
    const principal = principalOf(request);
    // Ownership first: another user's job is indistinguishable from a missing one.
    await deps.jobs.get(request.params.id, principal).catch((err: unknown) => {
      throw err instanceof ApiError ? err : new ApiError('not_found', 'No such job');
    });
    return { items: await deps.deliveries.listForJob(request.params.id) };
  });

  app.get('/v1/webhook-secret', { preHandler: deps.authenticate }, async (request) => deps.webhookSecrets.get(principalOf(request).userId));

  app.post('/v1/webhook-secret/rotate', { preHandler: deps.authenticate }, async (request) =>
    deps.webhookSecrets.rotate(principalOf(request).userId),
  );
};
