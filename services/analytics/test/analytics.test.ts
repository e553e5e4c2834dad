import { randomUUID } from 'node:crypto';
import { EventPublisher } from '@oca/amqp';
import type { UsageReport } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { startVictoriaMetrics, type ExportedSeries, type VictoriaMetricsInstance } from '@oca/testkit';
import { event, startAnalyticsHarness, waitFor, type AnalyticsHarness } from './helpers';

const DAY1 = '2026-11-30';
const DAY2 = '2026-12-01';
const at = (day: string, time = '10:00:00.000') => `${day}T${time}Z`;

/** Series → {labels without __name__ and db, the one value}, sorted, so tags and values compare exactly. */
function samples(series: ExportedSeries[]): { name: string; labels: Record<string, string>; value: number; ts: number }[] {
  return series
    .flatMap(({ metric, values, timestamps }) => {
      const { __name__: name, ...labels } = metric;
      return values.map((value, i) => ({ name: name!, labels, value, ts: timestamps[i]! }));
    })
    .sort((a, b) => a.ts - b.ts || a.name.localeCompare(b.name));
}

const exported = async (vm: VictoriaMetricsInstance, selector: string) => samples(await vm.exportSeries(selector));

describe('analytics service (real RabbitMQ, PostgreSQL, VictoriaMetrics)', () => {
  let vm: VictoriaMetricsInstance | undefined;
  let h: AnalyticsHarness | undefined;
  afterEach(async () => {
    await h?.close();
    await vm?.stop();
    h = undefined;
    vm = undefined;
  });

  it('writes each event as a point with exact tags and fields, rolls usage up per user, day and agent, and counts a redelivered event once', async () => {
    vm = await startVictoriaMetrics();
    h = await startAnalyticsHarness({ INFLUX_URL: vm.url });
    const alice = randomUUID();
    const bob = randomUUID();
    const job1 = randomUUID();
    const events = [
      event('event.job.submitted', { agent: 'market', userId: alice, plan: 'premium', cache: 'miss' }, { jobId: job1, createdAt: at(DAY1) }),
      event(
        'event.job.completed',
        { agent: 'market', userId: alice, plan: 'premium', cache: 'miss', status: 'succeeded', queueMs: 12, runMs: 340, rpcCalls: 7 },
        { jobId: job1, createdAt: at(DAY1, '10:00:01.000') },
      ),
      event('event.job.submitted', { agent: 'security', network: 'ethereum', userId: alice, cache: 'miss' }, { createdAt: at(DAY1, '10:00:02.000') }),
      event(
        'event.job.completed',
        { agent: 'security', network: 'ethereum', userId: alice, status: 'failed', errorCode: 'rpc_error', queueMs: 3, runMs: 100 },
        { createdAt: at(DAY1, '10:00:03.000') },
      ),
      event('event.job.submitted', { agent: 'market', userId: bob, plan: 'user', cache: 'hit' }, { createdAt: at(DAY2) }),
      event('event.job.completed', { agent: 'market', userId: bob, plan: 'user', cache: 'hit', status: 'succeeded' }, { createdAt: at(DAY2, '10:00:01.000') }),
      event('event.job.cache_hit', { agent: 'market', userId: bob, plan: 'user', cache: 'hit', ageSeconds: 4 }, { createdAt: at(DAY2, '10:00:02.000') }),
      event('event.job.completed', { agent: 'market', userId: bob, status: 'canceled' }, { createdAt: at(DAY2, '10:00:03.000') }),
      event(
        'event.webhook.failed',
        { agent: 'market', userId: alice, attempt: 1, outcome: 'failed', statusCode: 500, durationMs: 25, final: false },
        { createdAt: at(DAY1, '10:00:04.000') },
      ),
      event('event.auth.login_failed', { reason: 'invalid_credentials' }, { createdAt: at(DAY1, '10:00:05.000') }),
    ];
    for (const e of events) await h.publish(e);
    // The same event again (a redelivery, a replayed dead letter): no second count, no second point.
    await h.publish(events[1]!);
    await waitFor(async () => (await h!.metric('oca_analytics_events_total')) === events.length + 1, 10_000, 'every event handled');
    expect(await h.metric('oca_analytics_events_total', { outcome: 'duplicate' })).toBe(1);
    expect(await h.metric('oca_analytics_influx_points_written_total')).toBe(events.length + 1);

    const jobs = await exported(vm, '{__name__=~"jobs_.*"}');
    const t = (day: string, time?: string) => Date.parse(at(day, time));
    const aliceMarket = { agent: 'market', plan: 'premium', cache: 'miss' };
    const aliceSecurity = { agent: 'security', network: 'ethereum', cache: 'miss' };
    expect(jobs).toEqual([
      { name: 'jobs_count', labels: { ...aliceMarket, event: 'submitted' }, value: 1, ts: t(DAY1) },
      { name: 'jobs_count', labels: { ...aliceMarket, event: 'completed', status: 'succeeded' }, value: 1, ts: t(DAY1, '10:00:01.000') },
      { name: 'jobs_queueMs', labels: { ...aliceMarket, event: 'completed', status: 'succeeded' }, value: 12, ts: t(DAY1, '10:00:01.000') },
      { name: 'jobs_rpcCalls', labels: { ...aliceMarket, event: 'completed', status: 'succeeded' }, value: 7, ts: t(DAY1, '10:00:01.000') },
      { name: 'jobs_runMs', labels: { ...aliceMarket, event: 'completed', status: 'succeeded' }, value: 340, ts: t(DAY1, '10:00:01.000') },
      { name: 'jobs_count', labels: { ...aliceSecurity, event: 'submitted' }, value: 1, ts: t(DAY1, '10:00:02.000') },
      { name: 'jobs_count', labels: { agent: 'security', network: 'ethereum', event: 'completed', status: 'failed', errorCode: 'rpc_error' }, value: 1, ts: t(DAY1, '10:00:03.000') },
      { name: 'jobs_queueMs', labels: { agent: 'security', network: 'ethereum', event: 'completed', status: 'failed', errorCode: 'rpc_error' }, value: 3, ts: t(DAY1, '10:00:03.000') },
      { name: 'jobs_runMs', labels: { agent: 'security', network: 'ethereum', event: 'completed', status: 'failed', errorCode: 'rpc_error' }, value: 100, ts: t(DAY1, '10:00:03.000') },
      { name: 'jobs_count', labels: { agent: 'market', plan: 'user', cache: 'hit', event: 'submitted' }, value: 1, ts: t(DAY2) },
      { name: 'jobs_count', labels: { agent: 'market', plan: 'user', cache: 'hit', event: 'completed', status: 'succeeded' }, value: 1, ts: t(DAY2, '10:00:01.000') },
      { name: 'jobs_count', labels: { agent: 'market', plan: 'user', cache: 'hit', event: 'cache_hit' }, value: 1, ts: t(DAY2, '10:00:02.000') },
      { name: 'jobs_count', labels: { agent: 'market', event: 'completed', status: 'canceled' }, value: 1, ts: t(DAY2, '10:00:03.000') },
    ]);
    expect(await exported(vm, '{__name__=~"webhooks_.*"}')).toEqual([
      { name: 'webhooks_attempt', labels: { agent: 'market', event: 'failed', outcome: 'failed', final: 'false' }, value: 1, ts: t(DAY1, '10:00:04.000') },
      { name: 'webhooks_count', labels: { agent: 'market', event: 'failed', outcome: 'failed', final: 'false' }, value: 1, ts: t(DAY1, '10:00:04.000') },
      { name: 'webhooks_durationMs', labels: { agent: 'market', event: 'failed', outcome: 'failed', final: 'false' }, value: 25, ts: t(DAY1, '10:00:04.000') },
      { name: 'webhooks_statusCode', labels: { agent: 'market', event: 'failed', outcome: 'failed', final: 'false' }, value: 500, ts: t(DAY1, '10:00:04.000') },
    ]);
    expect(await exported(vm, '{__name__=~"auth_.*"}')).toEqual([
      { name: 'auth_count', labels: { event: 'login_failed', reason: 'invalid_credentials' }, value: 1, ts: t(DAY1, '10:00:05.000') },
    ]);

    const zero = { submitted: 0, succeeded: 0, failed: 0, cacheHits: 0, computeMs: 0 };
    const aliceUsage = await h.rpc<UsageReport>('usage', { from: DAY1, to: DAY2, userId: alice });
    expect(aliceUsage).toEqual({
      items: [
        { day: DAY1, agent: 'market', ...zero, submitted: 1, succeeded: 1, computeMs: 340 },
        { day: DAY1, agent: 'security', ...zero, submitted: 1, failed: 1, computeMs: 100 },
      ],
      totals: { submitted: 2, succeeded: 1, failed: 1, cacheHits: 0, computeMs: 440 },
    });
    const everyone = await h.rpc<UsageReport>('usage', { from: DAY1, to: DAY2 });
    expect(everyone.items).toHaveLength(3);
    expect(everyone.items[2]).toEqual({ day: DAY2, agent: 'market', ...zero, submitted: 1, succeeded: 1, cacheHits: 1 });
    expect(everyone.totals).toEqual({ submitted: 3, succeeded: 2, failed: 1, cacheHits: 1, computeMs: 440 });
    expect(everyone.topUsers?.map((u) => [u.userId, u.submitted])).toEqual([
      [alice, 2],
      [bob, 1],
    ]);
    // One day only; and a range the contract refuses answers validation_failed naming the field.
    expect((await h.rpc<UsageReport>('usage', { from: DAY2, to: DAY2, userId: alice })).items).toEqual([]);
    await expect(h.rpc('usage', { from: DAY2, to: DAY1 })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^to: /) });
  });

  it('keeps an event unacked while InfluxDB is down and writes it once it is back, counting the rollup once', async () => {
    vm = await startVictoriaMetrics();
    const port = vm.port;
    await vm.stop();
    h = await startAnalyticsHarness({ INFLUX_URL: `http://127.0.0.1:${port}`, INFLUX_WRITE_ATTEMPTS: '1', INFLUX_TIMEOUT_MS: '500' });
    const userId = randomUUID();
    const submitted = event('event.job.submitted', { agent: 'trend', userId, plan: 'user', cache: 'bypass' }, { createdAt: at(DAY1) });
    await h.publish(submitted);
    await waitFor(async () => (await h!.metric('oca_amqp_messages_retried_total')) >= 2, 10_000, 'two retries while InfluxDB is down');
    expect(await h.metric('oca_analytics_events_total')).toBe(0);
    expect(await h.metric('oca_amqp_messages_dead_lettered_total')).toBe(0);

    vm = await startVictoriaMetrics({ port });
    await waitFor(async () => (await h!.metric('oca_analytics_events_total')) === 1, 15_000, 'the event handled after InfluxDB came back');
    expect(await h.metric('oca_analytics_events_total', { outcome: 'duplicate' })).toBe(1);
    expect(await exported(vm, '{__name__=~"jobs_.*"}')).toEqual([
      { name: 'jobs_count', labels: { agent: 'trend', plan: 'user', cache: 'bypass', event: 'submitted' }, value: 1, ts: Date.parse(at(DAY1)) },
    ]);
    const usage = await h.rpc<UsageReport>('usage', { from: DAY1, to: DAY1, userId });
    expect(usage.totals).toEqual({ submitted: 1, succeeded: 0, failed: 0, cacheHits: 0, computeMs: 0 });
  });

  it('rolls up every event of a burst (one event.batch message per type) once, as if each came alone', async () => {
    h = await startAnalyticsHarness();
    const publisher = new EventPublisher({ broker: h.client, logger: createLogger({ service: 'test', level: 'silent' }) });
    const userId = randomUUID();
    // One tick: the publisher sends one message for the 30 submissions and one for the 10 completions.
    for (let i = 0; i < 30; i += 1) publisher.publish('event.job.submitted', { agent: 'market', userId, cache: 'miss' }, { jobId: randomUUID(), correlationId: `c-${i}` });
    for (let i = 0; i < 10; i += 1) publisher.publish('event.job.completed', { agent: 'market', userId, status: 'succeeded', queueMs: 1, runMs: 50 }, { jobId: randomUUID(), correlationId: `d-${i}` });
    await waitFor(async () => (await h!.metric('oca_analytics_events_total')) === 40, 10_000, 'all 40 events');
    expect(await h.metric('oca_amqp_messages_consumed_total', { queue: 'analytics.events', outcome: 'ack' })).toBe(2);
    expect(await h.metric('oca_analytics_events_total', { outcome: 'duplicate' })).toBe(0);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const usage = await h.rpc<UsageReport>('usage', { from: day(Date.now() - 86_400_000), to: day(Date.now()), userId });
    expect(usage.totals).toEqual({ submitted: 30, succeeded: 10, failed: 0, cacheHits: 0, computeMs: 500 });
    await publisher.close();
  });
});
