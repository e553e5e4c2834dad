import type { Broker, ConsumeContext, Consumer } from '@oca/amqp';
import { CompletionMessage, QUEUES } from '@oca/contracts';
import type { JobLifecycle } from './job-lifecycle';
import type { JobStore } from './job-store';

export interface CompletionHandlerOptions {
  broker: Broker;
  store: Pick<JobStore, 'markStarted' | 'complete' | 'get'>;
  lifecycle: Pick<JobLifecycle, 'finished' | 'finishedAgain'>;
  prefetch: number;
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
    const job = await store.complete(message.jobId, {
      status: payload.status,
      result: payload.result ?? null,
      error: payload.error ?? null,
      startedAt: payload.startedAt,
      finishedAt: payload.finishedAt,
    });
    if (job) {
      await lifecycle.finished(job, { correlationId: message.correlationId, durationMs: payload.durationMs });
      return;
    }
    // Already terminal: a duplicate, or the job was canceled. Only a retry of this very message
    // may have left the lifecycle half done.
    if (ctx && (ctx.redelivered || ctx.attempt > 1)) {
      const current = await store.get(message.jobId);
      if (current?.status === payload.status) await lifecycle.finishedAgain(current, message.correlationId);
    }
  }
}
