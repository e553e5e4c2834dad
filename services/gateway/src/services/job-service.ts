import { createHash, randomUUID } from 'node:crypto';
import {
  AGENT_CATALOG,
  AGENT_NAMES,
  canonicalJson,
  PRIORITY_CEILING,
  TERMINAL_STATUSES,
  isAgentName,
  JOB_MARKER_TTL_SECONDS,
  REDIS_KEYS,
  type JobCache,
  type JobStatus,
  type Network,
  type Principal,
  type SubmitJobBody,
} from '@oca/contracts';
import { InvalidCursorError } from '@oca/db';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DomainError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { ReleaseJobs } from '../limits/active-job-quota';
import type { DeliveryStore } from '../webhooks/delivery-store';
import type { FinishedJob, Job } from './job';
import { publishSubmitted, type JobEvents } from './job-events';
import type { JobLifecycle } from './job-lifecycle';
import type { JobPublisher } from './job-publisher';
import type { JobStore } from './job-store';
import type { JobWaiter } from './job-waiter';
import type { RequestCoalescer } from './request-coalescer';
import type { CacheLookup, ResultCache } from './result-cache';

/** The seam the webhook module provides: checks a target URL against SSRF rules. */
export interface WebhookUrlGuard {
  check(url: string): Promise<unknown>;
}

export interface JobServiceOptions {
  store: JobStore;
  publisher: Pick<JobPublisher, 'publish'>;
  /** Fresh cached results answer submissions at once */
  cache: Pick<ResultCache, 'lookup' | 'record'>;
  /** Identical misses follow a job already in flight */
  coalescer: Pick<RequestCoalescer, 'follow' | 'lead'>;
  redis: Redis;
  redisPrefix: string;
  waiter: JobWaiter;
  lifecycle: Pick<JobLifecycle, 'finished'>;
  webhookGuard: WebhookUrlGuard;
  /** The user's active-job quota (ActiveJobQuota): reserved before a job is written */
  quota: { reserve(principal: Principal, adding?: number): Promise<ReleaseJobs> };
  /** Webhook delivery attempts (DeliveryStore) */
  deliveries: Pick<DeliveryStore, 'listForJob'>;
  networks: readonly Network[];
  metrics: GatewayMetrics;
  logger: Logger;
  /** job.submitted events for analytics; none when absent */
  events?: JobEvents;
}

export interface SubmitInput {
  principal: Principal;
  body: SubmitJobBody;
  idempotencyKey?: string;
  correlationId: string;
  /** `Cache-Control: no-cache` on the request: run the agent whatever the cache holds */
  bypassCache?: boolean;
}

export interface Submitted {
  job: Job;
  /** false: an Idempotency-Key replay answered with the job it created before */
  created: boolean;
  /** A hit: seconds its entry stays fresh (Cache-Status `ttl`) */
  cacheTtlSeconds?: number;
}

/** A request checked against the catalog, the plan and the SSRF rules, ready to be written. */
interface CheckedRequest {
  agent: string;
  params: unknown;
  priority: number;
  webhookUrl: string | null;
}

function jobCacheOf(lookup: CacheLookup): JobCache {
  if (lookup.status !== 'hit') return { status: lookup.status };
  return { status: 'hit', sourceJobId: lookup.entry.jobId, ageSeconds: lookup.freshness.ageSeconds };
}

/** Submits, reads, lists and cancels a user's jobs. */
export class JobService {
  constructor(private readonly options: JobServiceOptions) {}

  /**
   * Checks the request and looks its result up in the cache. A fresh hit is written finished and
   * answered at once: it never becomes active, so it takes no unit of the caller's active-job quota
   * (and answers even when the caller is at the bound). Otherwise reserves a unit, writes the job,
   * then publishes it; resolves once the broker confirmed. The unit is given back when no job was
   * created (a refusal, a failure, an idempotent replay: the original job holds its own).
   */
  async submit(input: SubmitInput): Promise<Submitted> {
    const prepared = await this.prepare(input);
    if (prepared.lookup.status === 'hit') return this.write(input, prepared, false);
    const release = await this.options.quota.reserve(input.principal);
    try {
      const submitted = await this.write(input, prepared, true);
      if (!submitted.created) await release();
      return submitted;
    } catch (err) {
      await release();
      throw err;
    }
  }

  /**
   * Several jobs of one caller, all or none admitted by the quota (one reservation for all), each
   * submitted like `submit` without an Idempotency-Key; the first failure is thrown after the
   * units of the jobs that were not created are given back.
   */
  async submitAll(principal: Principal, bodies: readonly SubmitJobBody[], correlationId: string, options: { bypassCache?: boolean } = {}): Promise<Job[]> {
    const release = await this.options.quota.reserve(principal, bodies.length);
    const outcomes = await Promise.allSettled(
      bodies.map(async (body) => {
        const input = { principal, body, correlationId, bypassCache: options.bypassCache };
        return this.write(input, await this.prepare(input), true);
      }),
    );
    const failed = outcomes.filter((o) => o.status === 'rejected');
    if (failed.length > 0) {
      await release(failed.length);
      throw (failed[0] as PromiseRejectedResult).reason;
    }
    return outcomes.map((o) => (o as PromiseFulfilledResult<Submitted>).value.job);
  }

  /** Checks the request against the catalog, the plan and the SSRF rules, and looks it up in the cache. */
  private async prepare(input: SubmitInput): Promise<{ request: CheckedRequest; lookup: CacheLookup }> {
    const request = await this.check(input.principal, input.body);
    const lookup = await this.options.cache.lookup(request.agent, request.params, {
      bypass: input.bypassCache === true || input.body.cache === 'bypass',
      maxAgeSeconds: input.body.maxAgeSeconds,
    });
    return { request, lookup };
  }

  /**
   * Writes the job, then: a hit is finished at once (it never reaches the executor; its webhook
   * still fires); a miss follows an identical job in flight or is published. `quotaHeld`: a unit of
   * the active-job quota was reserved for it (misses), to be given back when it finishes.
   */
  private async write(input: SubmitInput, { request, lookup }: { request: CheckedRequest; lookup: CacheLookup }, quotaHeld: boolean): Promise<Submitted> {
    const { principal } = input;
    const requestHash = input.idempotencyKey
      ? createHash('sha256').update(canonicalJson({ agent: request.agent, params: request.params, priority: request.priority, webhook: request.webhookUrl ?? undefined })).digest('hex')
      : null;
    const { created, job } = await this.options.store.insert({
      id: randomUUID(),
      userId: principal.userId,
      agent: request.agent,
      params: request.params,
      priority: request.priority,
      webhookUrl: request.webhookUrl,
      correlationId: input.correlationId,
      idempotencyKey: input.idempotencyKey ?? null,
      requestHash,
      cache: jobCacheOf(lookup),
      ...(lookup.status === 'hit' ? { result: lookup.entry.result } : {}),
      plan: principal.role,
    });
    if (!created) {
      if (job.requestHash !== requestHash) {
        throw new DomainError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
      }
      if (!job.enqueuedAt) throw new DomainError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed');
      return { job, created: false };
    }
    const accepted = (submitted: Submitted) => {
      this.options.metrics.jobsSubmitted.inc({ agent: job.agent });
      publishSubmitted(this.options.events, submitted.job, principal.role);
      return submitted;
    };
    if (lookup.status === 'hit') {
      await this.options.lifecycle.finished({ ...job, status: 'succeeded' }, { answeredAtSubmit: !quotaHeld });
      return accepted({ job, created: true, cacheTtlSeconds: lookup.freshness.ttlSeconds });
    }
    if (lookup.status === 'miss') {
      const follower = await this.options.coalescer.follow(job, lookup.key);
      if (follower?.status === 'succeeded') {
        // Answered by an identical job that succeeded a moment ago (see RequestCoalescer.follow).
        this.options.cache.record(job.agent, 'hit');
        await this.options.lifecycle.finished(follower as FinishedJob);
        return accepted({ job: follower, created: true });
      }
      this.options.cache.record(job.agent, follower ? 'coalesced' : 'miss');
      if (follower) return accepted({ job: follower, created: true });
    } else {
      await this.options.coalescer.lead(job, lookup.key);
    }
    await this.publish(job, input.correlationId);
    if (!job.enqueuedAt) await this.options.store.markEnqueued(job.id);
    return accepted({ job: { ...job, enqueuedAt: job.enqueuedAt ?? new Date() }, created: true });
  }

  /** Agent known, params valid for it, network served, priority within the plan, webhook URL allowed. */
  private async check(principal: Principal, body: SubmitJobBody): Promise<CheckedRequest> {
    if (!isAgentName(body.agent)) {
      throw new DomainError('unknown_agent', `Unknown agent "${body.agent}"; available: ${AGENT_NAMES.join(', ')}`, { field: 'agent' });
    }
    const parsed = AGENT_CATALOG[body.agent].params.safeParse(body.params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: ['params', ...i.path].join('.'), message: i.message }));
      throw new DomainError('invalid_params', `${issues[0]?.field}: ${issues[0]?.message}`, { issues });
    }
    const params = parsed.data;
    if ('network' in params && !this.options.networks.includes(params.network)) {
      throw new DomainError('network_not_configured', `Network "${params.network}" is not served here; available: ${this.options.networks.join(', ')}`, {
        field: 'params.network',
      });
    }
    const ceiling = PRIORITY_CEILING[principal.role];
    const priority = body.priority ?? ceiling;
    if (priority > ceiling) {
      throw new DomainError('priority_not_allowed', `priority ${priority} exceeds your plan's ceiling of ${ceiling}`, { field: 'priority', max: ceiling });
    }
    if (body.webhook) await this.options.webhookGuard.check(body.webhook.url);
    return { agent: body.agent, params, priority, webhookUrl: body.webhook?.url ?? null };
  }

  /** Publishes job.execute (confirmed); on failure the job is removed, so the client can simply retry. */
  private async publish(job: Job, correlationId: string): Promise<void> {
    try {
      await this.options.publisher.publish(job, correlationId);
    } catch (err) {
      this.options.logger.error({ err, jobId: job.id }, 'job publish failed; submission rolled back');
      await this.options.store.deleteUnconfirmed(job.id).catch(() => undefined);
      throw new DomainError('unavailable', 'The job queue is unavailable; nothing was queued, try again', undefined, 5);
    }
  }

  /** The caller's job; with `waitSeconds`, held until it finishes, the wait ends or `signal` aborts. */
  async get(id: string, principal: Principal, waitSeconds = 0, signal?: AbortSignal): Promise<Job> {
    const { store, waiter, metrics } = this.options;
    const job = await store.getOwned(id, principal.userId);
    if (!job) throw new DomainError('not_found', 'No such job');
    if (waitSeconds <= 0 || TERMINAL_STATUSES.includes(job.status)) return job;

    const waiting = waiter.wait(id, waitSeconds * 1000, signal);
    metrics.longPollsOpen.inc();
    try {
      // Re-read after registering: a completion applied between the first read and the
      // registration would otherwise be missed until the timeout.
      const again = await store.getOwned(id, principal.userId);
      if (again && TERMINAL_STATUSES.includes(again.status)) return again;
      await waiting.ready;
    } finally {
      waiting.cancel();
      metrics.longPollsOpen.dec();
    }
    return (await store.getOwned(id, principal.userId)) ?? job;
  }

  /** The webhook attempts of the caller's job; another user's job is indistinguishable from a missing one. */
  async deliveries(id: string, principal: Principal): ReturnType<DeliveryStore['listForJob']> {
    await this.get(id, principal);
    return this.options.deliveries.listForJob(id);
  }

  async list(principal: Principal, limit: number, cursor?: string, status?: JobStatus): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    try {
      return await this.options.store.list(principal.userId, limit, cursor, status);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new DomainError('validation_failed', err.message, { field: 'cursor' });
      throw err;
    }
  }

  /** Cancels the caller's job while it is queued; 409 `job_not_cancelable` once it runs or ended. */
  async cancel(id: string, principal: Principal): Promise<Job> {
    const canceled = await this.options.store.cancel(id, principal.userId);
    if (canceled) {
      await this.markCanceled([canceled.id]);
      await this.options.lifecycle.finished(canceled);
      return canceled;
    }
    const job = await this.options.store.getOwned(id, principal.userId);
    if (!job) throw new DomainError('not_found', 'No such job');
    throw new DomainError('job_not_cancelable', `Job is ${job.status}; only a queued job can be canceled`);
  }

  /**
   * Cancels every queued job of a user whose account was disabled, so an abusive backlog stops
   * using the executors; running jobs finish. Returns how many were canceled.
   */
  async cancelAllQueued(userId: string): Promise<number> {
    const jobs = await this.options.store.cancelAllQueued(userId);
    if (jobs.length === 0) return 0;
    await this.markCanceled(jobs.map((job) => job.id));
    await Promise.all(jobs.map((job) => this.options.lifecycle.finished(job)));
    return jobs.length;
  }

  /** The executor checks this marker before running, so a canceled job is never run. */
  private async markCanceled(ids: readonly string[]): Promise<void> {
    const pipeline = this.options.redis.pipeline();
    for (const id of ids) pipeline.set(REDIS_KEYS.jobCanceled(this.options.redisPrefix, id), '1', 'EX', JOB_MARKER_TTL_SECONDS);
    await pipeline.exec();
  }
}
