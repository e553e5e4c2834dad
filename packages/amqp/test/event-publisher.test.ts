import { randomUUID } from 'node:crypto';
import { DomainEvent, QUEUES } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { EventPublisher } from '../src';
import { startBroker, stopBroker, uniquePrefix, waitFor, type TestBroker } from './helpers';

describe('EventPublisher through RabbitMQ', () => {
  let t: TestBroker | undefined;
  afterEach(async () => {
    await stopBroker(t);
    t = undefined;
  });

  it('delivers every event to analytics.events with its routing key, in order', async () => {
    t = await startBroker(uniquePrefix());
    const events = new EventPublisher({ broker: t.broker, logger: createLogger({ service: 'test', level: 'silent' }), registry: t.registry });
    const seen: { type: string; routingKey: unknown }[] = [];
    await t.broker.consume(QUEUES.analyticsEvents, DomainEvent, async (event, ctx) => {
      seen.push({ type: event.type, routingKey: ctx.headers['x-routing-key'] ?? null });
    }, { prefetch: 1 });
    const userId = randomUUID();
    const jobId = randomUUID();
    events.publish('event.job.submitted', { agent: 'market', userId, plan: 'user', cache: 'miss' }, { jobId, correlationId: 'c' });
    events.publish('event.job.completed', { agent: 'market', userId, status: 'succeeded', queueMs: 5, runMs: 20 }, { jobId, correlationId: 'c' });
    events.publish('event.auth.login_failed', { reason: 'invalid_credentials' }, { jobId: null, correlationId: 'c' });
    await waitFor(() => seen.length === 3, 5_000, 'three events');
    expect(seen.map((s) => s.type)).toEqual(['event.job.submitted', 'event.job.completed', 'event.auth.login_failed']);
    await events.close();
    expect(events.pending).toBe(0);
  });
});
