import { AGENT_CATALOG, isAgentName } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { FinishedJob, Job } from './job';
import type { JobPublisher } from './job-publisher';
import type { JobStore } from './job-store';
import type { ResultCache } from './result-cache';

export interface RequestCoalescerOptions {
  store: Pick<JobStore, 'follow' | 'completeFollowers' | 'followersOf' | 'promoteFollower' | 'get' | 'answerFrom'>;
  cache: Pick<ResultCache, 'claimLeader' | 'takeOverLeader' | 'releaseLeader' | 'retainLeader' | 'keyFor'>;
  publisher: Pick<JobPublisher, 'publish'>;
  logger: Logger;
}

/**
 * Single flight for identical jobs. A cache miss while an identical job is queued or running does
 * not run again: the new job follows that leader and completes with its outcome (its own id,
 * status, webhook and long-poll wake-up). Redis holds a marker naming the leader (a hint);
 * PostgreSQL holds the follower relation and decides (see JobStore.follow), so followers complete
 * on whichever gateway instance applies the leader's completion, even if the one that accepted them
 * is gone. A leader canceled → its best waiting follower is promoted and published; a leader failed
 * → its followers fail with the same error. Priority: a request never waits behind a leader of
 * lower priority — it runs at its own priority and leads from then on.
 */
export class RequestCoalescer {
  constructor(private readonly options: RequestCoalescerOptions) {}

  /**
   * For a written, unpublished job that missed the cache: the job as it now is — following the
   * leader in flight, or already answered by a leader that succeeded moments ago (before the cache
   * service filled its entry) — or undefined when it leads and must be published.
   */
  async follow(job: Job, key: string): Promise<Job | undefined> {
    const { cache, store } = this.options;
    const leader = await cache.claimLeader(key, job.id);
    if (leader === null) return undefined;
    const followed = await store.follow(job.id, leader);
    if (followed) return followed;
    const answered = await this.answerFromFinished(job, leader);
    if (answered) return answered;
    // The marked leader failed, went stale or runs at a lower priority: this job leads now.
    await cache.takeOverLeader(key, job.id);
    return undefined;
  }

  /** The marker's leader succeeded within its agent's freshness age: its result answers `job`. */
  private async answerFromFinished(job: Job, leaderId: string): Promise<FinishedJob | undefined> {
    const leader = await this.options.store.get(leaderId);
    if (leader?.status !== 'succeeded' || !leader.finishedAt || leader.agent !== job.agent || !isAgentName(job.agent)) return undefined;
    const ageSeconds = Math.max(0, Math.floor((Date.now() - leader.finishedAt.getTime()) / 1000));
    if (ageSeconds > AGENT_CATALOG[job.agent].cache.maxAgeSeconds) return undefined;
    return this.options.store.answerFrom(job.id, leader as FinishedJob, ageSeconds);
  }

  /**
   * A job that runs whatever the cache holds (bypass) leads identical misses that come while it
   * runs, unless another job already does (it never follows one itself).
   */
  async lead(job: Job, key: string): Promise<void> {
    await this.options.cache.claimLeader(key, job.id);
  }

  /**
   * A leader finished by a path that did not finish its followers with it (the stalled-job sweep;
   * JobStore.complete does it in its own transaction): its waiting followers take its outcome now.
   */
  async takeFollowers(job: FinishedJob): Promise<FinishedJob[]> {
    if (!couldLead(job) || job.status === 'canceled') return [];
    return this.options.store.completeFollowers(job);
  }

  /** Every follower that finished with `job` (a redelivered completion does their effects again). */
  async finishedFollowers(job: FinishedJob): Promise<FinishedJob[]> {
    if (!couldLead(job) || job.status === 'canceled') return [];
    return this.options.store.followersOf(job);
  }

  /**
   * A job finished (JobLifecycle), its followers settled: the marker naming it as leader. A failed
   * leader's marker goes; a succeeded one's stays while its result is fresh, so a miss racing the
   * cache service's fill takes this result instead of running again. A canceled leader's best
   * waiting follower is promoted and published.
   */
  async settle(job: FinishedJob): Promise<void> {
    if (!couldLead(job)) return;
    const { cache, store, publisher, logger } = this.options;
    const key = cache.keyFor(job.agent, job.params);
    if (job.status === 'canceled') {
      const promoted = await store.promoteFollower(job.id);
      if (!promoted) {
        await cache.releaseLeader(key, job.id);
        return;
      }
      await cache.takeOverLeader(key, promoted.id);
      await publisher.publish(promoted, promoted.correlationId);
      logger.info({ jobId: promoted.id, canceledLeader: job.id }, 'follower promoted to leader after its leader was canceled');
      return;
    }
    if (job.status === 'succeeded' && isAgentName(job.agent)) await cache.retainLeader(key, job.id, AGENT_CATALOG[job.agent].cache.maxAgeSeconds);
    else await cache.releaseLeader(key, job.id);
  }
}

/** Only a job that ran after a miss (or a bypass) can have been followed. */
function couldLead(job: Job): boolean {
  return job.cache?.status === 'miss' || job.cache?.status === 'bypass';
}
