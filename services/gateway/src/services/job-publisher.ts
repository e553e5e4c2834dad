import { newEnvelope, type Broker } from '@oca/amqp';
import { EXCHANGES, ROUTING_KEYS } from '@oca/contracts';
import type { Job } from './job';

/** Publishes a job's job.execute message, confirmed by the broker, at the job's priority. */
export class JobPublisher {
  constructor(private readonly broker: Pick<Broker, 'publish'>) {}

  async publish(job: Job, correlationId: string): Promise<void> {
    const message = newEnvelope(
      'job.execute',
      { agent: job.agent, params: job.params, priority: job.priority, userId: job.userId },
      { jobId: job.id, correlationId },
    );
    await this.broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, message, { priority: job.priority });
  }
}
