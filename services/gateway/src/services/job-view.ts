import { SecurityResult, TERMINAL_STATUSES, toGoPlus, type GoPlusTokenSecurityResponse, type JobView } from '@oca/contracts';
import { DomainError } from '../errors';
import type { Job } from './job';

export function jobLinks(id: string): JobView['links'] {
  return { self: `/v1/jobs/${id}`, deliveries: `/v1/jobs/${id}/deliveries` };
}

/**
 * RFC 9211 `Cache-Status` of a job response: `OnChainAgents; hit; ttl=42`, `OnChainAgents; fwd=miss`,
 * `OnChainAgents; fwd=miss; collapsed` (it followed an identical job), `OnChainAgents; fwd=bypass`.
 */
export function cacheStatusHeader(cache: Job['cache'], ttlSeconds?: number): string | undefined {
  if (!cache) return undefined;
  switch (cache.status) {
    case 'hit':
      return `OnChainAgents; hit${ttlSeconds !== undefined ? `; ttl=${ttlSeconds}` : ''}`;
    case 'coalesced':
      return 'OnChainAgents; fwd=miss; collapsed';
    case 'bypass':
      return 'OnChainAgents; fwd=bypass';
    case 'miss':
      return 'OnChainAgents; fwd=miss';
  }
}

/** The public shape of a job: what polling returns and what a webhook carries in `data`. */
export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    agent: job.agent,
    status: job.status,
    priority: job.priority,
    params: job.params,
    result: job.result ?? null,
    error: job.error ?? null,
    webhook: job.webhookUrl ? { url: job.webhookUrl } : null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    cache: job.cache,
    links: jobLinks(job.id),
  };
}

/** `?format=goplus`: a finished security job's result as GoPlus token_security answers it. */
export function toGoPlusView(job: Job): GoPlusTokenSecurityResponse {
  if (job.agent !== 'security') {
    throw new DomainError('validation_failed', `format=goplus applies to security jobs; this is a ${job.agent} job`, { field: 'format' });
  }
  if (job.status !== 'succeeded') {
    throw new DomainError('conflict', `The job is ${job.status}; its GoPlus view exists once it succeeded`);
  }
  return toGoPlus(SecurityResult.parse(job.result));
}

/**
 * The JSON answer of `GET /v1/jobs/:id` (`format`: the job view or its GoPlus view), serialized once
 * per finished job: a finished job never changes, and the job store hands out the same object for
 * every read of it (its LRU of finished jobs), so polling clients get the same bytes without the
 * view being rebuilt and stringified (and the GoPlus view's result parsed) on every read. The
 * strings live as long as their job object (a WeakMap); unfinished jobs are serialized each time.
 */
const serialized = new WeakMap<Job, { view?: string; goplus?: string }>();

export function jobViewJson(job: Job, format: 'view' | 'goplus'): string {
  const build = () => JSON.stringify(format === 'goplus' ? toGoPlusView(job) : toJobView(job));
  if (!TERMINAL_STATUSES.includes(job.status)) return build();
  let entry = serialized.get(job);
  if (!entry) {
    entry = {};
    serialized.set(job, entry);
  }
  return (entry[format] ??= build());
}
