import type { Broker, ConsumeContext, Consumer } from '@oca/amqp';
import { CompletionMessage, QUEUES } from '@oca/contracts';
import type { GatewayMetrics } from '../metrics';
import type { JobRow } from './job-row';
import type { JobStore } from './job-store';
import type { JobWaiter } from './job-waiter';

/** The seam the webhook module provides: queues a delivery for a finished job. */
export interface WebhookEnqueuer {
  enqueue(job: JobRow, correlationId: string): Promise<void>;
}

export interface CompletionHandlerDeps {
  broker: Broker;
  store: JobStore;
  waiter: JobWaiter;
  webhooks: WebhookEnqueuer;
  /** Frees a finished job's unit of the user's active-job quota */
  quota: { finished(userId: string): Promise<void> };
  metrics: GatewayMetrics;
  prefetch: number;
}

/**
 * Applies job.started / job.completed from the agent-completion queue with guarded transitions,
 * so redelivered or duplicate messages change nothing; wakes long-polls and queues the webhook.
 * Any failure (database down) throws, and the broker's retry queues bring the message back.
 */
export class CompletionHandler {
  private consumer: Consumer | undefined;

  constructor(private readonly deps: CompletionHandlerDeps) {}

  async start(): Promise<void> {
    this.consumer = await this.deps.broker.consume(QUEUES.agentCompletion, CompletionMessage, (message, ctx) => this.handle(message, ctx), {
      prefetch: this.deps.prefetch,
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.cancel();
  }

  async handle(message: CompletionMessage, ctx?: Pick<ConsumeContext, 'attempt' | 'redelivered'>): Promise<void> {
    if (!message.jobId) return;
    if (message.type === 'job.started') {
      await this.deps.store.markStarted(message.jobId, message.payload.startedAt);
      return;
    }
    const { payload } = message;
    const row = await this.deps.store.complete(message.jobId, {
      status: payload.status,
      result: payload.result ?? null,
      error: payload.error ?? null,
      startedAt: payload.startedAt,
      finishedAt: payload.finishedAt,
    });
    if (!row) {
      // Already terminal: a duplicate, or the job was canceled. If this message is a retry, an
      // earlier attempt may have applied the transition and then failed to queue the webhook,
      // so queue it again (the webhook id is stable, receivers deduplicate).
      if (ctx && (ctx.redelivered || ctx.attempt > 1)) {
        const current = await this.deps.store.get(message.jobId);
        if (current?.webhook_url && current.status === payload.status) await this.deps.webhooks.enqueue(current, message.correlationId);
        if (current) await this.deps.waiter.notify(current.id);
      }
      return;
    }
    await this.deps.quota.finished(row.user_id);
    this.deps.metrics.jobsCompleted.inc({ agent: row.agent, status: row.status });
    this.deps.metrics.jobDuration.observe({ agent: row.agent, status: row.status }, payload.durationMs / 1000);
    if (row.webhook_url) await this.deps.webhooks.enqueue(row, message.correlationId);
    await this.deps.waiter.notify(row.id);
  }
}
