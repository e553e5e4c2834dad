import { GetJobQuery, GoPlusTokenSecurityResponse, JobIdParams, JobPage, JobView, ListJobsQuery, SubmitJobBody, SubmitJobResponse, WebhookSecretView } from '@oca/contracts';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../errors';
import { principalOf } from '../plugins/authenticate';
import { DeliveryList, errorResponses } from '../schemas/responses';
import { viewSerializer } from '../schemas/view-serializer';
import type { Job } from '../services/job';
import { cacheStatusHeader, jobLinks, jobViewJson, toJobView } from '../services/job-view';
import { wantsFreshRun } from './cache-control';
import type { RouteContext } from './route-deps';

const SubmitHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'Idempotency-Key must be 1-255 visible ASCII characters' })
    .optional(),
  'cache-control': z.string().max(256).optional().describe('`no-cache` (or `no-store`) runs the agent whatever the result cache holds'),
});

const tags = ['jobs'];

export const jobRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const { access } = ctx;

  app.post(
    '/v1/jobs',
    {
      schema: {
        tags,
        summary: 'Submit a job; a fresh cached result answers 200 with the finished job at once',
        body: SubmitJobBody,
        headers: SubmitHeaders,
        response: { 200: JobView, 202: SubmitJobResponse, ...errorResponses },
      },
      serializerCompiler: viewSerializer,
      ...access.user,
    },
    async (request, reply) => {
      await ctx.agentBudget(request, reply, [request.body.agent]);
      const { job, created, cacheTtlSeconds } = await ctx.jobs.submit({
        principal: principalOf(request),
        body: request.body,
        idempotencyKey: request.headers['idempotency-key'],
        correlationId: request.id,
        bypassCache: wantsFreshRun(request.headers['cache-control']),
      });
      if (!created) void reply.header('idempotent-replayed', 'true');
      const cacheStatus = cacheStatusHeader(job.cache, cacheTtlSeconds);
      if (cacheStatus) void reply.header('cache-status', cacheStatus);
      void reply.header('location', jobLinks(job.id).self);
      if (job.status === 'succeeded' && job.cache?.status === 'hit') return reply.status(200).send(toJobView(job));
      return reply.status(202).send({ id: job.id, status: job.status, ...(job.cache ? { cache: job.cache } : {}), links: jobLinks(job.id) });
    },
  );

  app.get(
    '/v1/jobs/:id',
    {
      schema: { tags, summary: 'Get a job; ?wait= long-polls', params: JobIdParams, querystring: GetJobQuery, response: { 200: z.union([JobView, GoPlusTokenSecurityResponse]), ...errorResponses } },
      serializerCompiler: viewSerializer,
      ...access.user,
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // Already JSON (jobViewJson: serialized once per finished job), sent as it is: a string with a
      // JSON content type skips the serializer (the typed reply only knows the schema's objects).
      const view = (job: Job) => {
        const json = jobViewJson(job, request.query.format === 'goplus' ? 'goplus' : 'view');
        const cacheStatus = cacheStatusHeader(job.cache);
        if (cacheStatus) void reply.header('cache-status', cacheStatus);
        return (reply as FastifyReply).type('application/json; charset=utf-8').send(json);
      };
      const wait = Math.min(request.query.wait ?? 0, ctx.longPollMaxSeconds);
      if (wait === 0) return view(await ctx.jobs.get(request.params.id, principal));
      // A client that hangs up ends its long-poll: 'close' before the answer was written means a
      // disconnect. After an answer it fires too, and aborting then would cost a DOMException (with
      // its stack trace) and an abort event for every long-poll answered.
      const abort = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) abort.abort();
      });
      const release = await ctx.longPolls.acquire(principal.userId, (wait + 5) * 1000);
      if (!release) {
        throw new DomainError(
          'rate_limited',
          `Too many open long-polls: at most ${ctx.longPolls.max} per user. Wait for one to return, or poll without ?wait=.`,
          { limit: 'long_polls', max: ctx.longPolls.max },
          1,
        );
      }
      request.leaveInFlight(); // held, not worked on: does not count toward load shedding's in-flight bound
      try {
        return view(await ctx.jobs.get(request.params.id, principal, wait, abort.signal));
      } finally {
        await release();
      }
    },
  );

  app.get(
    '/v1/jobs',
    { schema: { tags, summary: 'List own jobs, newest first', querystring: ListJobsQuery, response: { 200: JobPage, ...errorResponses } }, serializerCompiler: viewSerializer, ...access.user },
    async (request) => {
      const page = await ctx.jobs.list(principalOf(request), request.query.limit, request.query.cursor, request.query.status);
      return { items: page.jobs.map(toJobView), nextCursor: page.nextCursor };
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
    async (request) => ({ items: await ctx.jobs.deliveries(request.params.id, principalOf(request)) }),
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
