import { hostname } from 'node:os';
import { newEnvelope, TransientError, type Broker, type ConsumeContext } from '@oca/amqp';
import { AGENT_CATALOG, EXCHANGES, isAgentName, JOB_MARKER_TTL_SECONDS, REDIS_KEYS, type JobExecute } from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { ExecutorMetrics } from '../metrics';
import type { JobRunner } from '../services/job-runner';

export interface ExecuteHandlerOptions {
  broker: Broker;
  redis: Redis;
  redisPrefix: string;
  runner: JobRunner;
  /** Attempts before a transient failure becomes the job's final answer (retries + 1) */
  maxAttempts: number;
  metrics: ExecutorMetrics;
  /** @default the host name and pid */
  worker?: string;
}

/**
 * Handles one job.execute: skip it when canceled or already done, announce the start, run the
 * agent, publish the completion (broker-confirmed) and only then let the message be acked.
 * A transient failure before the last attempt throws TransientError: the broker's retry queues
 * bring the job back after a back-off.
 */
export class ExecuteHandler {
  private readonly worker: string;

  constructor(private readonly options: ExecuteHandlerOptions) {
    this.worker = options.worker ?? `${hostname()}:${process.pid}`;
  }

  async handle(message: JobExecute, ctx: ConsumeContext): Promise<void> {
    const { broker, redis, redisPrefix, metrics } = this.options;
    const jobId = message.jobId;
    if (!jobId) return;
    const meta = { jobId, correlationId: message.correlationId };
    const [canceled, done] = await redis.mget(REDIS_KEYS.jobCanceled(redisPrefix, jobId), REDIS_KEYS.jobDone(redisPrefix, jobId));
    if (canceled) {
      ctx.log.info('job was canceled; not running it');
      metrics.runs.inc({ agent: message.payload.agent, outcome: 'skipped_canceled' });
      return;
    }
    if (done) {
      ctx.log.info('job already completed; redelivery ignored');
      metrics.runs.inc({ agent: message.payload.agent, outcome: 'skipped_done' });
      return;
    }

    const startedAt = new Date();
    await broker.publish(EXCHANGES.completions, '', newEnvelope('job.started', { startedAt: startedAt.toISOString(), worker: this.worker }, meta));
    ctx.log.info({ agent: message.payload.agent, attempt: ctx.attempt, maxAttempts: this.options.maxAttempts }, 'job started');
    const outcome = await this.options.runner.run(message.payload.agent, message.payload.params, ctx.log);
    const finishedAt = new Date();
    const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
    // Every attempt's calls load the RPC provider; the completion carries the last attempt's.
    metrics.rpcCalls.inc({ agent: message.payload.agent }, outcome.rpcCalls);
    if (outcome.kind !== 'succeeded') metrics.failures.inc({ agent: message.payload.agent, code: outcome.error.code });

    if (outcome.kind === 'transient' && ctx.attempt < this.options.maxAttempts) {
      metrics.runs.inc({ agent: message.payload.agent, outcome: 'retry' });
      throw new TransientError(`${outcome.error.code}: ${outcome.error.message}`);
    }
    const succeeded = outcome.kind === 'succeeded';
    const error =
      outcome.kind === 'transient'
        ? { ...outcome.error, message: `${outcome.error.message} (gave up after ${ctx.attempt} attempts)` }
        : outcome.kind === 'failed'
          ? outcome.error
          : undefined;
    await broker.publish(
      EXCHANGES.completions,
      '',
      newEnvelope(
        'job.completed',
        {
          agent: message.payload.agent,
          status: succeeded ? 'succeeded' : 'failed',
          ...(succeeded ? { result: outcome.result, params: outcome.params } : { error }),
          // With params, what the cache service keys a result on (an older version's is unreachable).
          ...(isAgentName(message.payload.agent) ? { agentVersion: AGENT_CATALOG[message.payload.agent].version } : {}),
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          durationMs: finishedAt.getTime() - startedAt.getTime(),
          rpcCalls: outcome.rpcCalls,
        },
        meta,
      ),
    );
    await redis.set(REDIS_KEYS.jobDone(redisPrefix, jobId), '1', 'EX', JOB_MARKER_TTL_SECONDS);
    metrics.runs.inc({ agent: message.payload.agent, outcome: succeeded ? 'succeeded' : 'failed' });
    metrics.duration.observe({ agent: message.payload.agent }, seconds);
    ctx.log.info({ status: succeeded ? 'succeeded' : 'failed', ms: Math.round(seconds * 1000) }, 'job finished');
  }
}
