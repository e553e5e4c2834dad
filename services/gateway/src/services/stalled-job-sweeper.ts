import type { Logger } from '@oca/observability';
import type { GatewayMetrics } from '../metrics';
import type { JobLifecycle } from './job-lifecycle';
import type { JobStore } from './job-store';

export interface StalledJobSweeperOptions {
  store: Pick<JobStore, 'failStalled'>;
  lifecycle: Pick<JobLifecycle, 'finished'>;
  /** oca_gateway_jobs_stalled_total, one per job this instance fails (alert JobsStalled) */
  metrics: Pick<GatewayMetrics, 'jobsStalled'>;
  logger: Logger;
  /** A running job with no completion after this long has been lost. */
  runningSeconds: number;
  /** A queued job not started after this long has been lost (backlog must drain faster than this). */
  queuedSeconds: number;
  intervalMs: number;
  /** Jobs failed per round. @default 100 */
  batch?: number;
}

/**
 * Fails jobs whose execution was lost, so no client waits forever: when the executor's last
 * attempt cannot report (Redis or the broker down at that moment) the message is dead-lettered
 * without a completion, and the job would stay `running`. A swept job fails with code `stalled`,
 * wakes its long-polls and gets its webhook like any other failure.
 */
export class StalledJobSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: StalledJobSweeperOptions) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.sweep().catch((err: Error) => this.options.logger.warn({ err: err.message }, 'stalled-job sweep failed; retrying next round'));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One round; returns how many jobs it failed. Rounds never overlap within an instance. */
  sweep(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<number> {
    const { store, lifecycle, metrics, logger, runningSeconds, queuedSeconds } = this.options;
    const jobs = await store.failStalled(
      { runningSeconds, queuedSeconds, batch: this.options.batch ?? 100 },
      { code: 'stalled', message: 'The job stopped making progress (its execution was lost); submit it again', retryable: true },
    );
    for (const job of jobs) {
      // Counted as soon as the job is failed: the transition is what happened, notification or not.
      metrics.jobsStalled.inc({ agent: job.agent });
      logger.warn({ jobId: job.id, agent: job.agent, startedAt: job.startedAt }, 'stalled job failed by the sweeper');
      try {
        await lifecycle.finished(job);
      } catch (err) {
        // The job is failed either way; polling shows it. Only this notification is missed.
        logger.error({ jobId: job.id, err: (err as Error).message }, 'stalled job failed, but its webhook/long-poll notification could not be sent');
      }
    }
    return jobs.length;
  }
}
