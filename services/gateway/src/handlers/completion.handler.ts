import type { Broker, ConsumeContext, Consumer } from '@oca/amqp';
import { AGENT_CATALOG, CompletionMessage, isAgentName, QUEUES, type JobCompleted, type JobError } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { JobLifecycle } from '../services/job-lifecycle';
import type { JobStore } from '../services/job-store';

export interface CompletionHandlerOptions {
  broker: Broker;
  store: Pick<JobStore, 'markStarted' | 'complete' | 'get'>;
  lifecycle: Pick<JobLifecycle, 'finished' | 'finishedAgain'>;
  logger: Logger;
  prefetch: number;
}

const INVALID_RESULT: JobError = { code: 'agent_error', message: 'The agent produced an invalid result', retryable: false };

/**
 * The outcome to store. A succeeded result is checked against its agent's result schema here too:
 * what reaches clients and webhooks is never taken on trust from the queue (a bug or a forged
 * message in the executor's place fails the job instead of serving an unchecked shape).
 */
function checkedOutcome(payload: JobCompleted['payload'], logger: Logger, ids: { jobId: string; correlationId: string }) {
  if (payload.status !== 'succeeded') return { status: payload.status, result: null, error: payload.error ?? null };
  const schema = isAgentName(payload.agent) ? AGENT_CATALOG[payload.agent].result : undefined;
  const checked = schema?.safeParse(payload.result);
  if (checked?.success) return { status: 'succeeded' as const, result: checked.data, error: null };
  logger.error({ ...ids, agent: payload.agent, issues: checked?.error.issues.slice(0, 5) }, 'completion carried a result outside its agent schema; job failed');
  return { status: 'failed' as const, result: null, error: INVALID_RESULT };
}

/**
 * Applies job.started / job.completed from the agent-completion queue with guarded transitions,
 * so redelivered or duplicate messages change nothing; the job lifecycle does the rest. Any
 * failure (database down) throws, and the broker's retry queues bring the message back.
 */
export class CompletionHandler {
  private consumer: Consumer | undefined;

  constructor(private readonly options: CompletionHandlerOptions) {}

  async start(): Promise<void> {
    this.consumer = await this.options.broker.consume(QUEUES.agentCompletion, CompletionMessage, (message, ctx) => this.handle(message, ctx), {
      prefetch: this.options.prefetch,
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.cancel();
  }

  async handle(message: CompletionMessage, ctx?: Pick<ConsumeContext, 'attempt' | 'redelivered'>): Promise<void> {
    // Jobs the gateway does not know (the cache service's refreshes) match no row: nothing happens.
    if (!message.jobId) return;
    const { store, lifecycle } = this.options;
    if (message.type === 'job.started') {
      await store.markStarted(message.jobId, message.payload.startedAt);
      return;
    }
    const { payload } = message;
    const outcome = checkedOutcome(payload, this.options.logger, { jobId: message.jobId, correlationId: message.correlationId });
    const completed = await store.complete(message.jobId, { ...outcome, agent: payload.agent, startedAt: payload.startedAt, finishedAt: payload.finishedAt });
    if (completed) {
      const { job, followers } = completed;
      await lifecycle.finished(job, { correlationId: message.correlationId, durationMs: payload.durationMs, rpcCalls: payload.rpcCalls, followers });
      return;
    }
    // Already terminal: a duplicate, or the job was canceled. Only a retry of this very message
    // may have left the lifecycle half done.
    if (ctx && (ctx.redelivered || ctx.attempt > 1)) {
      const current = await store.get(message.jobId);
      if (current?.status === outcome.status) await lifecycle.finishedAgain(current, message.correlationId);
    }
  }
}
