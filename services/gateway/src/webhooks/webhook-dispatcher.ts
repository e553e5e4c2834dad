import { newEnvelope, type Broker } from '@oca/amqp';
import { EXCHANGES, ROUTING_KEYS, type WebhookDeliver } from '@oca/contracts';
import type { Job } from '../services/job';

/** Standard Webhooks message id of a job's webhook: derived from the job, so every retry and re-enqueue shares it. */
export function webhookIdOf(jobId: string): string {
  return `msg_${jobId.replace(/-/g, '')}`;
}

export function eventTypeOf(job: Pick<Job, 'status'>): WebhookDeliver['payload']['eventType'] {
  return job.status === 'succeeded' ? 'job.succeeded' : 'job.failed';
}

/**
 * Queues the webhook of a finished job (the completion handler calls it). Resolves once the broker
 * confirmed the message; the worker loads the job itself, so the message stays small and a retry
 * always sends the job as it is now.
 */
export class WebhookDispatcher {
  constructor(private readonly broker: Pick<Broker, 'publish'>) {}

  async enqueue(job: Job, correlationId: string): Promise<void> {
    if (!job.webhookUrl) return;
    const message = newEnvelope(
      'webhook.deliver',
      { webhookId: webhookIdOf(job.id), eventType: eventTypeOf(job) },
      { jobId: job.id, correlationId },
    );
    await this.broker.publish(EXCHANGES.webhooks, ROUTING_KEYS.webhookDeliver, message);
  }
}
