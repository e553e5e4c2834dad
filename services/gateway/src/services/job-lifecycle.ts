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
  coalescer?: Pick<RequestCoalescer, 'finished'>;
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
}

/**
 * The one place where "a job finished" has its effects, whatever ended it — a completion from the
 * executor, the stalled-job sweeper, a cancel by its owner, an admin disabling the account. Each
 * caller first wins the guarded transition in the store (so this runs once per job), then calls
 * `finished`. Order: quota back → metrics and analytics events (buffered, never awaited) → webhook (succeeded/failed only; there is no event for
 * a cancel) → the jobs that followed it (request coalescing) take its outcome in the store →
 * long-poll wake-up, so a woken client already sees its quota freed and its followers finished →
 * each follower's own effects, through this same path.
 * Throws when a step fails; callers decide whether to retry (completions) or log (sweeper).
 */
export class JobLifecycle {
  constructor(private readonly options: JobLifecycleOptions) {}

  async finished(job: FinishedJob, how: FinishedHow = {}): Promise<void> {
    const { quota, metrics, webhooks, waiter } = this.options;
    if (!how.answeredAtSubmit) await quota.finished(job.userId);
    metrics.jobsCompleted.inc({ agent: job.agent, status: job.status });
    if (how.durationMs !== undefined) metrics.jobDuration.observe({ agent: job.agent, status: job.status }, how.durationMs / 1000);
    publishFinished(this.options.events, job, { correlationId: how.correlationId ?? job.correlationId, rpcCalls: how.rpcCalls });
    if (job.webhookUrl && job.status !== 'canceled') await webhooks.enqueue(job, how.correlationId ?? job.correlationId);
    // The followers' transition commits before anyone is woken: a client that sees this job
    // finished finds every job that followed it finished too.
    const followers = await this.followersOf(job);
    if (!how.answeredAtSubmit) await waiter.notify(job.id);
    for (const follower of followers) await this.finished(follower);
  }

  /** The jobs that followed `job` (request coalescing), already moved to its outcome in the store. */
  private async followersOf(job: FinishedJob): Promise<FinishedJob[]> {
    return (await this.options.coalescer?.finished(job)) ?? [];
  }

  /**
   * A redelivered completion found its job already finished: an earlier attempt may have applied
   * the transition and then failed before the webhook was queued or the long-polls woken, so do
   * those two again (the webhook id is stable, receivers deduplicate). Quota and metrics were
   * settled by the attempt that won the transition.
   */
  async finishedAgain(job: Job, correlationId: string): Promise<void> {
    if (job.status !== 'succeeded' && job.status !== 'failed') return;
    if (job.webhookUrl) await this.options.webhooks.enqueue(job, correlationId);
    // Followers still waiting (an earlier attempt died before the fan-out) finish now.
    const followers = await this.followersOf(job as FinishedJob);
    await this.options.waiter.notify(job.id);
    for (const follower of followers) await this.finished(follower);
  }
}
