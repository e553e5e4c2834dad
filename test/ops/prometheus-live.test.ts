/**
 * The alerts against live data: a real Prometheus (Debian's binary) scrapes a running stack
 * (@oca/testkit's startLocalStack) and RabbitMQ's rabbitmq_prometheus plugin with
 * deploy/prometheus/prometheus.yml, rewritten only for the stack's ports and AMQP prefix
 * (live-config.ts). After a few jobs — a run with a webhook, the same question again — every
 * alert expression evaluates without error, and every metric an alert reads exists, except the
 * ones listed below with the reason. Traffic stays on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '@oca/testkit';
import { api, startHarness, type Harness } from '../e2e/harness';
import { startReceiver, until } from '../e2e/webhook-receiver';
import { liveConfig } from './live-config';
import { alertBlocks, metricNamesOf, PROMETHEUS_DIR } from './promtool';
import { startPrometheus, type PrometheusServer, type QueryAnswer } from './prometheus-server';

// Starting a stack (anvil scenario, five services) takes minutes on a loaded 2-core machine.
jest.setTimeout(300_000);

/** Metrics no process in this test exports, and why. */
const NOT_IN_THIS_STACK: Record<string, string> = {
  redis_up: 'the Redis exporter is not run by tests',
  pg_up: 'the PostgreSQL exporter is not run by tests',
  oca_amqp_events_dropped_total: 'a labelled counter: no series until an event is dropped, which this run never does',
  oca_gateway_jobs_stalled_total: 'a labelled counter: no series until the sweeper fails a job, after 30 min at the least',
};

const alerts = alertBlocks();
let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let prometheus: PrometheusServer;

beforeAll(async () => {
  h = await startHarness();
  receiver = await startReceiver();
  const [redis, postgres] = await Promise.all([findFreePort(), findFreePort()]);
  const config = liveConfig(readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8'), {
    // Nothing listens on the exporter ports: those targets are simply down.
    ports: {
      9101: h.opsPorts.gateway,
      9102: h.opsPorts['agent-executor'],
      9103: h.opsPorts.auth,
      9104: h.opsPorts.cache,
      9105: h.opsPorts.analytics,
      9121: redis,
      9187: postgres,
    },
    amqpPrefix: h.amqpPrefix,
  });
  prometheus = await startPrometheus({ config, ruleFilesFrom: PROMETHEUS_DIR, ruleFiles: ['alerts.yml'] });
});

afterAll(async () => {
  await prometheus?.close();
  await receiver?.close();
  await h?.close();
});

type Series = Extract<QueryAnswer, { status: 'success' }>['data']['result'];

/** Waits until `expr` returns series that `enough` accepts (by default: any). */
async function scraped(expr: string, enough: (series: Series) => boolean = (series) => series.length > 0): Promise<Series> {
  return until(async () => {
    const answer = await prometheus.query(expr);
    return answer.status === 'success' && enough(answer.data.result) ? answer.data.result : undefined;
  }, 30_000, 500);
}

/** What `expr` returns now (no series on an error). */
async function latest(expr: string): Promise<Series> {
  const answer = await prometheus.query(expr);
  return answer.status === 'success' ? answer.data.result : [];
}

const SERVICES = ['agent-executor', 'analytics', 'auth', 'cache', 'gateway'];
const servicesOf = (series: Series) => series.map((s) => s.metric.service).sort();

describe('alerts against a live stack', () => {
  beforeAll(async () => {
    const email = `prom-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    expect((await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password } })).status).toBe(201);
    const login = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password } });
    const token = login.body.accessToken as string;
    const body = { agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 }, webhook: { url: receiver.url } };
    // a run (202), then the same question answered from the result cache (200)
    for (const status of [202, 200]) {
      const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', { token, body });
      expect(submit.status).toBe(status);
      const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id as string}?wait=20`, { token });
      expect(done.body.status).toBe('succeeded');
    }
    await until(() => receiver.received.length >= 2);
    // the last of it has been scraped
    await scraped('oca_gateway_webhook_deliveries_total{outcome="delivered"} >= 2');
    await scraped('sum(oca_gateway_jobs_completed_total) >= 2');
  });

  it('scrapes every stack service, with the service label the services set', async () => {
    // after 30 s without all four, the expectations show what was there
    const all = (series: Series) => series.length >= SERVICES.length;
    const upExpr = 'up{job="oca"} == 1';
    const up = await scraped(upExpr, all).catch(() => latest(upExpr));
    expect(servicesOf(up)).toEqual(SERVICES);
    const rssExpr = 'process_resident_memory_bytes{job="oca"}';
    const rss = await scraped(rssExpr, all).catch(() => latest(rssExpr));
    expect(servicesOf(rss)).toEqual(SERVICES);
    expect(rss.every((s) => s.metric.exported_service === undefined)).toBe(true);
  });

  it("sees this stack's queues under their unprefixed names, with consumers", async () => {
    const consumers = await scraped('rabbitmq_detailed_queue_consumers{queue="agent-execution"}');
    expect(consumers).toHaveLength(1);
    expect(Number(consumers[0]?.value[1])).toBeGreaterThanOrEqual(1);
    // other tests' prefixed queues on the same broker are dropped
    const foreign = await prometheus.query('count(rabbitmq_detailed_queue_messages{queue=~".*\\\\.agent-execution"})');
    expect(foreign.status === 'success' && foreign.data.result.length).toBe(0);
  });

  it.each(alerts.map((a) => [a.name, a.expr]))('%s evaluates without error', async (_name, expr) => {
    const answer = await prometheus.query(expr);
    expect(answer.status === 'error' ? answer.error : 'ok').toBe('ok');
  });

  it('has every metric the alerts read (but those this stack cannot export)', async () => {
    const stored = new Set(await prometheus.metricNames());
    const read = [...new Set(alerts.flatMap((a) => metricNamesOf(a.expr)))].sort();
    expect(read.length).toBeGreaterThan(10);
    const missing = read.filter((name) => !stored.has(name) && !(name in NOT_IN_THIS_STACK));
    expect(missing).toEqual([]);
  });

  it('loaded every alert rule, and evaluates them without error', async () => {
    const rules = await prometheus.alertRules();
    expect(rules.map((r) => r.name).sort()).toEqual(alerts.map((a) => a.name).sort());
    // evaluated once a second since start: none failed
    expect(rules.filter((r) => r.health === 'err').map((r) => r.name)).toEqual([]);
  });
});
