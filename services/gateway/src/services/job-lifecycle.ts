import type { Logger } from '@oca/observability';
import type { GatewayMetrics } from '../metrics';
import type { FinishedJob, Job } from './job';
import { publishFinished, type JobEvents } from './job-events';
import type { RequestCoalescer } from './request-coalescer';

/** The seam the webhook module provides: queues a delivery for a finished job. */
export interface WebhookEnqueuer {
  enqueue(job: Job, correlationId: string): Promise<void>;
}

export interface JobLifecycleOptions {
  /** Frees a finished job's unit of the user's active-job quota (ActiveJobQuota) */
  quota: { finished(userId: string, count?: number): Promise<void> };
  /** Wakes long-polls on every instance (JobWaiter) */
  waiter: { notify(jobId: string): Promise<void> };
  webhooks: WebhookEnqueuer;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Followers of a finished leader take its outcome; a canceled leader's follower is promoted */
  coalescer?: Pick<RequestCoalescer, 'takeFollowers' | 'finishedFollowers' | 'settle'>;
  /** job.completed / job.cache_hit events for analytics; none when absent */
  events?: JobEvents;
}

export interface FinishedHow {
  /** Carried into the webhook message and its logs; @default the job's own correlation id */
  correlationId?: string;
  /** Run time the executor reported, for the duration histogram (absent for cancels and sweeps) */
  durationMs?: number;
  /** Chain RPC calls the executor reported for the run, carried by the job.completed event */
  rpcCalls?: number;
  /**
   * A cache hit finished by the submission that created it: it held no unit of the active-job
   * quota, and no client can be long-polling an id it has not been given yet.
   */
  answeredAtSubmit?: boolean;
  /**
   * The jobs that followed it (request coalescing), already moved to its outcome by the same store
   * transition (JobStore.complete). Absent: the followers still waiting take it now.
   */
  followers?: readonly FinishedJob[];
}

/**
 * The one place where "a job finished" has its effects, whatever ended it — a completion from the
 * executor, the stalled-job sweeper, a cancel by its owner, an admin disabling the account. Each
 * caller first wins the guarded transition in the store (so this runs once per job), then calls
 * `finished`. Order, shortest path to the clients first: the jobs that followed it (request
 * coalescing) have its outcome in the store (the completion's own transaction, else now) → quota
 * units back → long-polls of the job and its followers woken, so a woken client already sees its
 * quota freed and every follower finished → metrics and analytics events (buffered, never
 * awaited) → webhooks (succeeded/failed only; there is no event for a cancel) → the coalescing
 * marker (or a canceled leader's follower promoted).
 * Throws when a step fails; callers decide whether to retry (completions) or log (sweeper).
 */
export class JobLifecycle {
  constructor(private readonly options: JobLifecycleOptions) {}

  async finished(job: FinishedJob, how: FinishedHow = {}): Promise<void> {
    const { quota, waiter, coalescer } = this.options;
    const followers = how.followers ?? (await coalescer?.takeFollowers(job)) ?? [];
    const woken = how.answeredAtSubmit ? followers : [job, ...followers];
    await Promise.all(woken.map((finished) => quota.finished(finished.userId)));
    await Promise.all(woken.map((finished) => waiter.notify(finished.id)));
    await this.effects(job, how);
    for (const follower of followers) await this.effects(follower, {});
    await coalescer?.settle(job);
  }

  /** Metrics, the analytics events and the webhook of one finished job. */
  private async effects(job: FinishedJob, how: FinishedHow): Promise<void> {
    const { metrics, webhooks } = this.options;
    metrics.jobsCompleted.inc({ agent: job.agent, status: job.status });
    if (how.durationMs !== undefined) metrics.jobDuration.observe({ agent: job.agent, status: job.status }, how.durationMs / 1000);
    publishFinished(this.options.events, job, { correlationId: how.correlationId ?? job.correlationId, rpcCalls: how.rpcCalls });
    if (job.webhookUrl && job.status !== 'canceled') await webhooks.enqueue(job, how.correlationId ?? job.correlationId);
  }

  /**
   * A redelivered completion found its job already finished: an earlier attempt may have applied
   * the transition and then failed before the webhooks were queued or the long-polls woken, so do
   * those two again for the job and every follower that finished with it (webhook ids are stable,
   * receivers deduplicate). Quota and metrics were settled by the attempt that won the transition.
   */
  async finishedAgain(job: Job, correlationId: string): Promise<void> {
    if (job.status !== 'succeeded' && job.status !== 'failed') return;
    const { coalescer, waiter, webhooks } = this.options;
    const finished = job as FinishedJob;
    const followers = (await coalescer?.finishedFollowers(finished)) ?? [];
    for (const again of [finished, ...followers]) {
      if (again.webhookUrl) await webhooks.enqueue(again, again === finished ? correlationId : again.correlationId);
      await waiter.notify(again.id);
    }
    await coalescer?.settle(finished);
  }
}
