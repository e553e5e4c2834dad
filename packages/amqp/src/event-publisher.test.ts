import { randomUUID } from 'node:crypto';
import { createLogger } from '@oca/observability';
import { Registry } from 'prom-client';
import { EventPublisher } from './event-publisher';
import { MessageValidationError } from './errors';

/**
 * Unit test: the broker is stubbed at its `publish` seam (a promise the test settles by hand), so
 * the buffer bound and drop counting are exact. Delivery through RabbitMQ: test/event-publisher.test.ts.
 */
const logger = createLogger({ service: 'event-publisher-test', level: 'silent' });
const ids = () => ({ jobId: null, correlationId: 'c-1' });
const payload = () => ({ userId: randomUUID(), plan: 'user' as const });

function stubBroker() {
  const calls: { routingKey: string; message: unknown; settle: (err?: Error) => void }[] = [];
  const broker = {
    publish: (_exchange: string, routingKey: string, message: unknown) =>
      new Promise<void>((resolve, reject) => calls.push({ routingKey, message, settle: (err) => (err ? reject(err) : resolve()) })),
  };
  return { broker, calls };
}

async function dropped(registry: Registry, reason: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'oca_amqp_events_dropped_total');
  return (metric?.values.find((v) => v.labels.reason === reason)?.value as number | undefined) ?? 0;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('EventPublisher (broker stubbed at publish)', () => {
  it('returns at once, holds at most maxBuffered events and counts the newest it drops', async () => {
    const { broker, calls } = stubBroker();
    const registry = new Registry();
    const events = new EventPublisher({ broker, logger, registry, maxBuffered: 3, batchSize: 10 });
    for (let i = 0; i < 5; i += 1) events.publish('event.auth.registered', payload(), ids());
    // One tick's events: three fit the buffer, the two newest are dropped.
    expect(events.pending).toBe(3);
    expect(await dropped(registry, 'buffer_full')).toBe(2);
    await flush();
    // The round took the three off the buffer (in flight, unconfirmed) as one batch of their type:
    // room for three more.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.routingKey).toBe('auth.registered');
    expect(calls[0]!.message).toMatchObject({ type: 'event.batch', payload: { events: [{ type: 'event.auth.registered' }, {}, {}] } });
    expect((calls[0]!.message as { payload: { events: unknown[] } }).payload.events).toHaveLength(3);
    for (let i = 0; i < 4; i += 1) events.publish('event.auth.registered', payload(), ids());
    expect(await dropped(registry, 'buffer_full')).toBe(3);
    calls[0]!.settle();
    await flush();
    expect(calls).toHaveLength(2);
    calls[1]!.settle();
    await events.close(1_000);
    expect(await dropped(registry, 'closed')).toBe(0);
  });

  it('puts unconfirmed events back and retries them; drops schema refusals', async () => {
    const { broker, calls } = stubBroker();
    const registry = new Registry();
    const events = new EventPublisher({ broker, logger, registry, retryDelayMs: 10 });
    events.publish('event.auth.registered', payload(), ids());
    events.publish('event.auth.login_failed', { reason: 'invalid_credentials' }, ids());
    await flush();
    calls[0]!.settle(new Error('not confirmed within 15000 ms'));
    calls[1]!.settle(new MessageValidationError('event.auth.login_failed', [{ message: 'bad' }]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(3);
    expect(calls[2]!.message).toBe(calls[0]!.message);
    expect(await dropped(registry, 'invalid')).toBe(1);
    calls[2]!.settle();
    await events.close(1_000);
    expect(events.pending).toBe(0);
  });

  it('drops what close() could not send within its deadline, and everything published after', async () => {
    const { broker } = stubBroker();
    const registry = new Registry();
    const events = new EventPublisher({ broker, logger, registry, batchSize: 1 });
    events.publish('event.auth.registered', payload(), ids());
    events.publish('event.auth.registered', payload(), ids());
    await events.close(20);
    events.publish('event.auth.registered', payload(), ids());
    // One was in flight (never confirmed: not counted as dropped, the broker may have it), one left in the buffer, one after close.
    expect(await dropped(registry, 'closed')).toBe(2);
  });
});
