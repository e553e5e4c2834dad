/**
 * The alerts and the Grafana dashboards against live data: a real Prometheus (Debian's binary)
 * scrapes a running stack (@oca/testkit's startLocalStack) and RabbitMQ's rabbitmq_prometheus
 * plugin with deploy/prometheus/prometheus.yml, rewritten only for the stack's ports and AMQP
 * prefix (live-config.ts). After traffic of every kind the panels show — a run with a webhook,
 * the same question again (a cache hit), a job that fails with a webhook whose receiver fails
 * once — every alert expression evaluates without error, every metric an alert reads exists
 * (except the ones listed below with the reason), every dashboard panel's PromQL returns data,
 * and every Usage panel's SQL returns rows from the stack's rollups, run as a role granted exactly
 * what docs/operations.md grants grafana_reader. One stack for all of it. Traffic stays on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '@oca/testkit';
import { api, startHarness, type Harness } from '../e2e/harness';
import { startReceiver, until } from '../e2e/webhook-receiver';
import { liveConfig } from './live-config';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { promqlQueries, sqlQueries } from './grafana';
import { alertBlocks, metricNamesOf, PROMETHEUS_DIR, ROOT } from './promtool';
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
let token: string;

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

/** Submits a job and waits for it to finish; returns its final status. */
async function finished(body: Record<string, unknown>, accepted = [200, 202]): Promise<string> {
  const submit = await api(h.gatewayUrl, 'POST', '/v1/jobs', { token, body });
  expect(accepted).toContain(submit.status);
  const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${submit.body.id as string}?wait=30`, { token });
  return done.body.status as string;
}

const addressJob = () => ({ agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 }, webhook: { url: receiver.url } });

/**
 * A job that fails (the security agent finds no token at an EOA), notified to a receiver that
 * fails the first attempt: a failure by code, a failed webhook attempt and its retried delivery.
 */
async function failedJobWithFlakyWebhook(): Promise<void> {
  const flaky = await startReceiver([500]);
  try {
    const body = { agent: 'security', params: { network: 'devnet', address: h.scenario.deployer }, webhook: { url: flaky.url } };
    expect(await finished(body, [202])).toBe('failed');
    await until(() => (flaky.received.length >= 2 ? true : undefined), 30_000);
    expect(flaky.received.map((r) => r.status)).toEqual([500, 200]);
  } finally {
    await flaky.close();
  }
}

const SERVICES = ['agent-executor', 'analytics', 'auth', 'cache', 'gateway'];
const servicesOf = (series: Series) => series.map((s) => s.metric.service).sort();

describe('alerts against a live stack', () => {
  beforeAll(async () => {
    const email = `prom-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    expect((await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password } })).status).toBe(201);
    const login = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password } });
    token = login.body.accessToken as string;
    // a run (202), then the same question answered from the result cache (200)
    expect(await finished(addressJob(), [202])).toBe('succeeded');
    expect(await finished(addressJob(), [200])).toBe('succeeded');
    await failedJobWithFlakyWebhook();
    await until(() => receiver.received.length >= 2);
    // the last of it has been scraped
    await scraped('oca_gateway_webhook_deliveries_total{outcome="delivered"} >= 3');
    await scraped('oca_gateway_webhook_deliveries_total{outcome="failed"} >= 1');
    await scraped('sum(oca_gateway_jobs_completed_total) >= 3');
    await scraped('sum(oca_executor_agent_failures_total{agent="security"}) >= 1');
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

describe('dashboards against a live stack', () => {
  const panelQueries = promqlQueries();
  const panelSql = sqlQueries();

  beforeAll(async () => {
    // The same traffic again, now that every series exists and has been scraped: rate() sees an
    // increase only between two samples of a series (a counter's first appearance is none), and
    // panels are checked within the 1 m window of this second round.
    await Promise.all([
      finished({ ...addressJob(), cache: 'bypass' }).then((status) => expect(status).toBe('succeeded')),
      finished(addressJob()).then((status) => expect(status).toBe('succeeded')), // a lookup: hit or miss
      failedJobWithFlakyWebhook(),
    ]);
    await scraped('sum(oca_executor_agent_failures_total{agent="security"}) >= 2');
    await scraped('sum(oca_gateway_webhook_deliveries_total{outcome="failed"}) >= 2');
    await scraped('sum(oca_executor_agent_runs_total{agent="address", outcome="succeeded"}) >= 2');
  });

  it('has queries to check', () => {
    expect(panelQueries.length).toBeGreaterThan(50);
    expect(panelSql.length).toBeGreaterThan(5);
  });

  it.each(panelQueries.map((q) => [`${q.dashboard}: ${q.panel} (${q.refId})`, q.query]))('%s returns data', async (_name, expr) => {
    // Data is a number: NaN (a quantile of no requests, 0/0) shows as "No data" in Grafana too.
    // A rate needs two samples of its series in the window: on a loaded box a service's second
    // scrape after the traffic can come late, so each panel may wait for it (up to 30 s).
    await scraped(expr, (series) => series.some((s) => Number.isFinite(Number(s.value[1])))).catch(() => undefined);
    const answer = await prometheus.query(expr);
    expect(answer.status === 'error' ? `${answer.error}: ${expr}` : 'ok').toBe('ok');
    const values = answer.status === 'success' ? answer.data.result.map((s) => Number(s.value[1])) : [];
    expect([expr, values.some(Number.isFinite)]).toEqual([expr, true]);
  });

  describe('Usage panels, as the read-only role of docs/operations.md', () => {
    const role = `grafana_reader_${randomBytes(4).toString('hex')}`;
    let admin: Client;
    let reader: Client;

    beforeAll(async () => {
      admin = new Client({ connectionString: h.db.url });
      await admin.connect();
      // the rollups of this run's jobs are in
      await until(async () => {
        const { rows } = await admin.query<{ n: number }>('SELECT coalesce(sum(submitted), 0)::int AS n FROM analytics.usage_daily');
        return rows[0]!.n >= 3 ? true : undefined;
      }, 30_000, 250);
      for (const statement of readerGrants(role, h.db.name)) await admin.query(statement);
      const url = new URL(h.db.url);
      url.username = role;
      url.password = '';
      reader = new Client({ connectionString: url.toString() });
      await reader.connect();
    });

    afterAll(async () => {
      await reader?.end();
      // the database is dropped with the stack; the role is cluster-wide
      await admin?.query(`DROP OWNED BY ${role}`);
      await admin?.query(`DROP ROLE IF EXISTS ${role}`);
      await admin?.end();
    });

    it.each(panelSql.map((q) => [`${q.dashboard}: ${q.panel} (${q.refId})`, q.query]))('%s returns rows', async (_name, sql) => {
      const { rows } = await reader.query(sql);
      expect(rows.length).toBeGreaterThan(0);
      expect(Object.entries(rows[0] as Record<string, unknown>).filter(([, value]) => value === null)).toEqual([]);
    });

    it('the role reads the rollups and nothing else, and writes nothing', async () => {
      await expect(reader.query('SELECT count(*) FROM jobs.jobs')).rejects.toThrow(/permission denied/);
      await expect(reader.query('SELECT count(*) FROM analytics.processed_events')).rejects.toThrow(/permission denied/);
      await expect(reader.query(`UPDATE analytics.usage_daily SET submitted = submitted + 1`)).rejects.toThrow(/read-only transaction|permission denied/);
    });
  });
});

/** The SQL block of docs/operations.md that sets up grafana_reader, for `role` in `database`. */
function readerGrants(role: string, database: string): string[] {
  const docs = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
  const block = /```sql\n(CREATE ROLE grafana_reader[\s\S]*?)```/.exec(docs)?.[1];
  if (!block) throw new Error('docs/operations.md: no ```sql block creating grafana_reader');
  return block
    .replace(/\bgrafana_reader\b/g, role)
    .replace(/ON DATABASE oca\b/, `ON DATABASE "${database}"`)
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean);
}
