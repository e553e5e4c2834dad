import { randomUUID } from 'node:crypto';
import { DomainEvent, EventMessage, eventsOf, QUEUES } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { EventPublisher } from '../src';
import { metricValue, startBroker, stopBroker, uniquePrefix, waitFor, type TestBroker } from './helpers';

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

  it('sends a burst as one message per event type, in order, and drops only an invalid event of a batch', async () => {
    t = await startBroker(uniquePrefix());
    const events = new EventPublisher({ broker: t.broker, logger: createLogger({ service: 'test', level: 'silent' }), registry: t.registry });
    const messages: { type: string; routingKey: unknown; events: DomainEvent[] }[] = [];
    await t.broker.consume(QUEUES.analyticsEvents, EventMessage, async (message, ctx) => {
      messages.push({ type: message.type, routingKey: ctx.headers['x-routing-key'] ?? null, events: eventsOf(message) });
    }, { prefetch: 10 });
    const userId = randomUUID();
    const jobIds = Array.from({ length: 40 }, () => randomUUID());
    // One tick: 40 submissions and 3 completions share the publisher's first round.
    for (const jobId of jobIds) events.publish('event.job.submitted', { agent: 'address', userId, cache: 'miss' }, { jobId, correlationId: jobId });
    for (const jobId of jobIds.slice(0, 3)) events.publish('event.job.completed', { agent: 'address', userId, status: 'succeeded' }, { jobId, correlationId: jobId });
    await waitFor(() => messages.reduce((n, m) => n + m.events.length, 0) === 43, 5_000, 'all 43 events');
    expect(messages.map((m) => m.type)).toEqual(['event.batch', 'event.batch']);
    const [submitted, completed] = messages;
    expect(submitted!.events.map((e) => e.jobId)).toEqual(jobIds);
    expect(submitted!.events.every((e) => e.type === 'event.job.submitted')).toBe(true);
    expect(completed!.events.map((e) => e.jobId)).toEqual(jobIds.slice(0, 3));
    // Two confirmed publishes for 43 events (the confirm can land just after the delivery).
    const published = () => metricValue(t!.registry, 'oca_amqp_messages_published_total', { exchange: 'oca.events' });
    await waitFor(async () => (await published()) >= 2, 5_000, 'both confirms');
    expect(await published()).toBe(2);

    // A batch its schema refuses goes again event by event: the invalid one is dropped, the rest arrive.
    messages.length = 0;
    events.publish('event.job.submitted', { agent: 'address', userId, cache: 'miss' }, { jobId: jobIds[0]!, correlationId: 'ok-1' });
    events.publish('event.job.submitted', { agent: 'address', userId: 'not-a-uuid', cache: 'miss' }, { jobId: jobIds[1]!, correlationId: 'bad' });
    events.publish('event.job.submitted', { agent: 'address', userId, cache: 'miss' }, { jobId: jobIds[2]!, correlationId: 'ok-2' });
    await waitFor(() => messages.length === 2, 5_000, 'the two valid events');
    expect(messages.flatMap((m) => m.events.map((e) => e.correlationId)).sort()).toEqual(['ok-1', 'ok-2']);
    expect(await metricValue(t.registry, 'oca_amqp_events_dropped_total', { reason: 'invalid' })).toBe(1);
    await events.close();
    expect(events.pending).toBe(0);
  });
});
