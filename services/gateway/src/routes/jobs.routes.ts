import { toGoPlus } from '@oca/agents';
import { GetJobQuery, GoPlusTokenSecurityResponse, JobIdParams, JobPage, JobView, ListJobsQuery, SecurityResult, SubmitJobBody, SubmitJobResponse, WebhookSecretView } from '@oca/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors';
import { principalOf } from '../plugins/authenticate';
import { DeliveryList, errorResponses } from '../schemas/responses';
import { jobLinks, toJobView, type JobRow } from '../services/job-row';
import type { RouteContext } from './route-deps';

const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'Idempotency-Key must be 1-255 visible ASCII characters' })
    .optional(),
});

const tags = ['jobs'];

/** `?format=goplus`: a finished security job's result as GoPlus token_security answers it. */
function goPlusView(row: JobRow) {
  if (row.agent !== 'security') {
    throw new ApiError('validation_failed', `format=goplus applies to security jobs; this is a ${row.agent} job`, { field: 'format' });
  }
  if (row.status !== 'succeeded') {
    throw new ApiError('conflict', `The job is ${row.status}; its GoPlus view exists once it succeeded`);
  }
  return toGoPlus(SecurityResult.parse(row.result));
}

export const jobRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const { access } = ctx;

  app.post(
    '/v1/jobs',
    {
      schema: { tags, summary: 'Submit a job', body: SubmitJobBody, headers: IdempotencyHeaders, response: { 202: SubmitJobResponse, ...errorResponses } },
      ...access.user,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await ctx.agentBudget(request, reply, [request.body.agent]);
      const release = await ctx.activeJobs.reserve(principal);
      let submitted: Awaited<ReturnType<typeof ctx.jobs.submit>>;
      try {
        submitted = await ctx.jobs.submit({
          principal,
          body: request.body,
          idempotencyKey: request.headers['idempotency-key'],
          correlationId: request.id,
        });
      } catch (err) {
        await release();
        throw err;
      }
      const { row, created } = submitted;
      if (!created) {
        // A replay: the original job holds its own reservation.
        await release();
        void reply.header('idempotent-replayed', 'true');
      }
      return reply
        .status(202)
        .header('location', jobLinks(row.id).self)
        .send({ id: row.id, status: row.status, links: jobLinks(row.id) });
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      schema: { tags, summary: 'Get a job; ?wait= long-polls', params: JobIdParams, querystring: GetJobQuery, response: { 200: z.union([JobView, GoPlusTokenSecurityResponse]), ...errorResponses } },
      ...access.user,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const view = (row: JobRow) => (request.query.format === 'goplus' ? goPlusView(row) : toJobView(row));
      const wait = Math.min(request.query.wait ?? 0, ctx.longPollMaxSeconds);
      // A client that hangs up ends its long-poll (the response's 'close' fires on disconnect).
      const abort = new AbortController();
      reply.raw.once('close', () => abort.abort());
      if (wait === 0) return view(await ctx.jobs.get(request.params.id, principal));
      const release = await ctx.longPolls.acquire(principal.userId, (wait + 5) * 1000);
      if (!release) {
        throw new ApiError(
          'rate_limited',
          `Too many open long-polls: at most ${ctx.longPolls.max} per user. Wait for one to return, or poll without ?wait=.`,
          { limit: 'long_polls', max: ctx.longPolls.max },
          { 'retry-after': '1' },
        );
      }
      try {
        return view(await ctx.jobs.get(request.params.id, principal, wait, abort.signal));
      } finally {
        await release();
      }
    },
  );

  app.get(
    '/v1/jobs',
    { schema: { tags, summary: 'List own jobs, newest first', querystring: ListJobsQuery, response: { 200: JobPage, ...errorResponses } }, ...access.user },
    async (request) => {
      const page = await ctx.jobs.list(principalOf(request), request.query.limit, request.query.cursor, request.query.status);
      return { items: page.rows.map(toJobView), nextCursor: page.nextCursor };
    },
  );

  app.delete(
    '/v1/jobs/:id',
    { schema: { tags, summary: 'Cancel a queued job', params: JobIdParams, response: { 200: JobView, ...errorResponses } }, ...access.user },
    async (request) => toJobView(await ctx.jobs.cancel(request.params.id, principalOf(request))),
  );

  app.get(
    '/v1/jobs/:id/deliveries',
    { schema: { tags, summary: "A job's webhook attempts", params: JobIdParams, response: { 200: DeliveryList, ...errorResponses } }, ...access.user },
    async (request) => {
      const principal = principalOf(request);
      // Ownership first: another user's job is indistinguishable from a missing one.
      await ctx.jobs.get(request.params.id, principal).catch((err: unknown) => {
        throw err instanceof ApiError ? err : new ApiError('not_found', 'No such job');
      });
      return { items: await ctx.deliveries.listForJob(request.params.id) };
    },
  );

  app.get(
    '/v1/webhook-secret',
    { schema: { tags: ['webhooks'], summary: 'The webhook signing secret', response: { 200: WebhookSecretView, ...errorResponses } }, ...access.user },
    async (request) => ctx.webhookSecrets.get(principalOf(request).userId),
  );

  app.post(
    '/v1/webhook-secret/rotate',
    { schema: { tags: ['webhooks'], summary: 'Rotate the webhook signing secret', response: { 200: WebhookSecretView, ...errorResponses } }, ...access.user },
    async (request) => ctx.webhookSecrets.rotate(principalOf(request).userId),
  );
};
