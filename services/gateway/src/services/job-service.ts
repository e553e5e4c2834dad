import { createHash, randomUUID } from 'node:crypto';
import type { Broker } from '@oca/amqp';
import { newEnvelope } from '@oca/amqp';
import {
  AGENT_CATALOG,
  AGENT_NAMES,
  EXCHANGES,
  PRIORITY_CEILING,
  ROUTING_KEYS,
  TERMINAL_STATUSES,
  isAgentName,
  JOB_MARKER_TTL_SECONDS,
  REDIS_KEYS,
  type JobStatus,
  type Network,
  type Principal,
  type SubmitJobBody,
} from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ApiError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { JobRow } from './job-row';
import type { JobCursor, JobStore } from './job-store';
import type { JobWaiter } from './job-waiter';

/** The seam the webhook module provides: checks a target URL against SSRF rules. */
export interface WebhookUrlGuard {
  check(url: string): Promise<unknown>;
}

export interface JobServiceDeps {
  store: JobStore;
  broker: Broker;
  redis: Redis;
  redisPrefix: string;
  waiter: JobWaiter;
  webhookGuard: WebhookUrlGuard;
  /** Frees a canceled job's unit of the user's active-job quota */
  quota: { finished(userId: string, count?: number): Promise<void> };
  networks: readonly Network[];
  metrics: GatewayMetrics;
  logger: Logger;
}

export interface SubmitInput {
  principal: Principal;
  body: SubmitJobBody;
  idempotencyKey?: string;
  correlationId: string;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function encodeCursor(row: JobRow): string {
  return Buffer.from(JSON.stringify({ createdAt: row.created_at.toISOString(), id: row.id })).toString('base64url');
}

function decodeCursor(cursor: string): JobCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as JobCursor;
    if (typeof parsed.createdAt !== 'string' || Number.isNaN(Date.parse(parsed.createdAt)) || !/^[0-9a-f-]{36}$/.test(parsed.id)) {
      throw new Error('bad cursor');
    }
    return parsed;
  } catch {
    throw new ApiError('validation_failed', 'cursor is not one this API returned', { field: 'cursor' });
  }
}

/** Submits, reads, lists and cancels a user's jobs. */
export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  /** Validates the request, writes the job, then publishes it; resolves once the broker confirmed. */
  async submit(input: SubmitInput): Promise<{ row: JobRow; created: boolean }> {
    const { principal, body } = input;
    if (!isAgentName(body.agent)) {
      throw new ApiError('unknown_agent', `Unknown agent "${body.agent}"; available: ${AGENT_NAMES.join(', ')}`, { field: 'agent' });
    }
    const parsed = AGENT_CATALOG[body.agent].params.safeParse(body.params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: ['params', ...i.path].join('.'), message: i.message }));
      throw new ApiError('invalid_params', `${issues[0]?.field}: ${issues[0]?.message}`, { issues });
    }
    const params = parsed.data;
    if ('network' in params && !this.deps.networks.includes(params.network)) {
      throw new ApiError('network_not_configured', `Network "${params.network}" is not served here; available: ${this.deps.networks.join(', ')}`, {
        field: 'params.network',
      });
    }
    const ceiling = PRIORITY_CEILING[principal.role];
    const priority = body.priority ?? ceiling;
    if (priority > ceiling) {
      throw new ApiError('priority_not_allowed', `priority ${priority} exceeds your plan's ceiling of ${ceiling}`, { field: 'priority', max: ceiling });
    }
    if (body.webhook) await this.deps.webhookGuard.check(body.webhook.url);

    const requestHash = input.idempotencyKey
      ? createHash('sha256').update(canonicalJson({ agent: body.agent, params, priority, webhook: body.webhook?.url })).digest('hex')
      : null;
    const { created, row } = await this.deps.store.insert({
      id: randomUUID(),
      userId: principal.userId,
      agent: body.agent,
      params,
      priority,
      webhookUrl: body.webhook?.url ?? null,
      correlationId: input.correlationId,
      idempotencyKey: input.idempotencyKey ?? null,
      requestHash,
    });
    if (!created) {
      if (row.request_hash !== requestHash) {
        throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
      }
      if (!row.enqueued_at) throw new ApiError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed');
      return { row, created: false };
    }

    try {
      const message = newEnvelope(
        'job.execute',
        { agent: row.agent, params, priority, userId: principal.userId },
        { jobId: row.id, correlationId: input.correlationId },
      );
      await this.deps.broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, message, { priority });
    } catch (err) {
      this.deps.logger.error({ err, jobId: row.id }, 'job publish failed; submission rolled back');
      await this.deps.store.deleteUnconfirmed(row.id).catch(() => undefined);
      throw new ApiError('unavailable', 'The job queue is unavailable; nothing was queued, try again', undefined, { 'retry-after': '5' });
    }
    if (!row.enqueued_at) await this.deps.store.markEnqueued(row.id);
    this.deps.metrics.jobsSubmitted.inc({ agent: row.agent });
    return { row: { ...row, enqueued_at: row.enqueued_at ?? new Date() }, created: true };
  }

  async get(id: string, principal: Principal, waitSeconds = 0, signal?: AbortSignal): Promise<JobRow> {
    const row = await this.deps.store.getOwned(id, principal.userId);
    if (!row) throw new ApiError('not_found', 'No such job');
    if (waitSeconds <= 0 || TERMINAL_STATUSES.includes(row.status)) return row;

    const waiting = this.deps.waiter.wait(id, waitSeconds * 1000, signal);
    this.deps.metrics.longPollsOpen.inc();
    try {
      // Re-read after registering: a completion applied between the first read and the
      // registration would otherwise be missed until the timeout.
      const again = await this.deps.store.getOwned(id, principal.userId);
      if (again && TERMINAL_STATUSES.includes(again.status)) return again;
      await waiting.ready;
    } finally {
      waiting.cancel();
      this.deps.metrics.longPollsOpen.dec();
    }
    return (await this.deps.store.getOwned(id, principal.userId)) ?? row;
  }

  async list(principal: Principal, limit: number, cursor?: string, status?: JobStatus): Promise<{ rows: JobRow[]; nextCursor: string | null }> {
    const rows = await this.deps.store.list(principal.userId, limit + 1, cursor ? decodeCursor(cursor) : undefined, status);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /**
   * Cancels every queued job of a user whose account was disabled, so an abusive backlog stops
   * using the executors; running jobs finish. Returns how many were canceled.
   */
  async cancelAllQueued(userId: string): Promise<number> {
    const ids = await this.deps.store.cancelAllQueued(userId);
    if (ids.length === 0) return 0;
    const pipeline = this.deps.redis.pipeline();
    for (const id of ids) pipeline.set(REDIS_KEYS.jobCanceled(this.deps.redisPrefix, id), '1', 'EX', JOB_MARKER_TTL_SECONDS);
    await pipeline.exec();
    await this.deps.quota.finished(userId, ids.length);
    await Promise.all(ids.map((id) => this.deps.waiter.notify(id)));
    return ids.length;
  }

  async cancel(id: string, principal: Principal): Promise<JobRow> {
    const canceled = await this.deps.store.cancel(id, principal.userId);
    if (canceled) {
      // The executor checks this marker before running, so a canceled job is never run.
      await this.deps.redis.set(REDIS_KEYS.jobCanceled(this.deps.redisPrefix, id), '1', 'EX', JOB_MARKER_TTL_SECONDS);
      await this.deps.quota.finished(principal.userId);
      await this.deps.waiter.notify(id);
      return canceled;
    }
    const row = await this.deps.store.getOwned(id, principal.userId);
    if (!row) throw new ApiError('not_found', 'No such job');
    throw new ApiError('job_not_cancelable', `Job is ${row.status}; only a queued job can be canceled`);
  }
}
