import type { EventPublisher } from '@oca/amqp';
import { Network, type Role } from '@oca/contracts';
import type { FinishedJob, Job } from './job';

/** Where the gateway's domain events go (EventPublisher: never blocks, never throws). */
export type JobEvents = Pick<EventPublisher, 'publish'>;

/**
 * The facts every job event carries: agent, network (when its params name one), user, plan (the
 * one given, else the job's own from submission time), cache status.
 */
function factsOf(job: Job, planNow?: Role) {
  const network = Network.safeParse((job.params as { network?: unknown } | null)?.network);
  const plan = planNow ?? job.plan;
  return {
    agent: job.agent,
    userId: job.userId,
    ...(network.success ? { network: network.data } : {}),
    ...(plan ? { plan } : {}),
    ...(job.cache ? { cache: job.cache.status } : {}),
  };
}

const msBetween = (from: Date | null, to: Date | null) => (from && to ? Math.max(0, to.getTime() - from.getTime()) : undefined);

/** `job.submitted`: a job was accepted (written and published, followed, or answered from the cache). */
export function publishSubmitted(events: JobEvents | undefined, job: Job, plan: Role): void {
  events?.publish('event.job.submitted', factsOf(job, plan), { jobId: job.id, correlationId: job.correlationId });
}

/**
 * `job.completed` for every finished job, and `job.cache_hit` when the cache answered it. Queue
 * wait is startedAt − createdAt and run time finishedAt − startedAt; both absent for a job that
 * never started (a cache hit, a cancel while queued). RPC calls only when the executor reported
 * them (a run's completion; not followers, cancels or sweeps).
 */
export function publishFinished(events: JobEvents | undefined, job: FinishedJob, how: { correlationId: string; rpcCalls?: number }): void {
  if (!events) return;
  const ids = { jobId: job.id, correlationId: how.correlationId };
  const queueMs = msBetween(job.createdAt, job.startedAt);
  const runMs = msBetween(job.startedAt, job.finishedAt);
  events.publish(
    'event.job.completed',
    {
      ...factsOf(job),
      status: job.status,
      ...(job.error ? { errorCode: job.error.code } : {}),
      ...(queueMs !== undefined ? { queueMs } : {}),
      ...(runMs !== undefined ? { runMs } : {}),
      ...(how.rpcCalls !== undefined ? { rpcCalls: how.rpcCalls } : {}),
    },
    ids,
  );
  if (job.cache?.status === 'hit') {
    events.publish(
      'event.job.cache_hit',
      { ...factsOf(job), ...(job.cache.sourceJobId ? { sourceJobId: job.cache.sourceJobId } : {}), ...(job.cache.ageSeconds !== undefined ? { ageSeconds: job.cache.ageSeconds } : {}) },
      ids,
    );
  }
}
