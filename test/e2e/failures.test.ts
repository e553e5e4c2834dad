/**
 * Failure behaviour of the running services: a killed executor, a broker that drops every
 * connection, a graceful stop in the middle of a job, a webhook receiver that fails twice.
 * The chain is held still with SIGSTOP on anvil so a job can be caught mid-flight.
 */
import { execFileSync } from 'node:child_process';
import { waitForHttp } from '@oca/testkit';
import { api, metricValue, startHarness, type Harness } from './harness';
import { startReceiver, until } from './webhook-receiver';

jest.setTimeout(180_000);

let h: Harness;
let apiKey: string;

beforeAll(async () => {
  h = await startHarness({ RPC_TIMEOUT_MS: '30000' });
  const email = `chaos-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password } });
  const login = await api(h.gatewayUrl, 'POST', '/v1/auth/login', { body: { email, password } });
  apiKey = (await api(h.gatewayUrl, 'POST', '/v1/api-keys', { token: login.body.accessToken, body: { name: 'chaos' } })).body.key;
});

afterAll(async () => {
  if (h) process.kill(h.anvil.pid, 'SIGCONT');
  await h?.close();
});

/** A job that runs (bypass: the same question repeats, and a cached or coalesced answer would not exercise the executor). */
async function submit(webhookUrl?: string): Promise<string> {
  const res = await api(h.gatewayUrl, 'POST', '/v1/jobs', {
    apiKey,
    body: { agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 }, cache: 'bypass', ...(webhookUrl ? { webhook: { url: webhookUrl } } : {}) },
  });
  expect(res.status).toBe(202);
  return res.body.id;
}

async function statusOf(id: string): Promise<string> {
  return (await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}`, { apiKey })).body.status;
}

it('redelivers a job whose executor was SIGKILLed mid-run, and completes it exactly once', async () => {
  const receiver = await startReceiver();
  try {
    process.kill(h.anvil.pid, 'SIGSTOP');
    const id = await submit(receiver.url);
    await until(async () => ((await statusOf(id)) === 'running' ? true : undefined));
    await h.stack.stop('agent-executor', 'SIGKILL');
    process.kill(h.anvil.pid, 'SIGCONT');
    const before = await metricValue(h.opsPorts.gateway, 'oca_gateway_jobs_completed_total', { agent: 'address' });
    h.stack.start('agent-executor');

    const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=30`, { apiKey });
    expect(done.body.status).toBe('succeeded');
    await until(() => receiver.received.find((r) => r.body.includes(id)));
    await new Promise((r) => setTimeout(r, 1500)); // room for a duplicate to show up
    expect(receiver.received.filter((r) => r.body.includes(id))).toHaveLength(1);
    expect(await metricValue(h.opsPorts.gateway, 'oca_gateway_jobs_completed_total', { agent: 'address' })).toBe(before + 1);
  } finally {
    process.kill(h.anvil.pid, 'SIGCONT');
    await receiver.close();
  }
});

it('lets an in-flight job finish on SIGTERM before the executor exits', async () => {
  process.kill(h.anvil.pid, 'SIGSTOP');
  const id = await submit();
  await until(async () => ((await statusOf(id)) === 'running' ? true : undefined));
  const exit = h.stack.stop('agent-executor', 'SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await statusOf(id)).toBe('running');
  process.kill(h.anvil.pid, 'SIGCONT');
  expect(await exit).toBe(0);
  expect(await statusOf(id)).toBe('succeeded');
  h.stack.start('agent-executor');
  await waitForHttp(`http://127.0.0.1:${h.opsPorts['agent-executor']}/ready`);
});

it('reconnects every service after the broker closes all connections', async () => {
  const before = await metricValue(h.opsPorts.gateway, 'oca_amqp_reconnects_total');
  execFileSync('rabbitmqctl', ['close_all_connections', 'e2e chaos test'], { stdio: 'ignore' });
  await until(async () => ((await metricValue(h.opsPorts.gateway, 'oca_amqp_reconnects_total')) > before ? true : undefined), 30_000, 250);
  await waitForHttp(`${h.gatewayUrl}/ready`, 30_000);
  // auth (RPC), gateway (publish + completions) and executor all have to be back for this to pass.
  const email = `after-reconnect-${Date.now()}@example.com`;
  const reg = await until(async () => {
    const res = await api(h.gatewayUrl, 'POST', '/v1/auth/register', { body: { email, password: 'correct horse battery staple' } });
    return res.status === 201 ? res : undefined;
  }, 30_000, 500);
  expect(reg.status).toBe(201);
  const id = await submit();
  const done = await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}?wait=30`, { apiKey });
  expect(done.body.status).toBe('succeeded');
});

it('delivers a webhook on the third attempt when the receiver fails twice', async () => {
  const receiver = await startReceiver([500, 503]);
  try {
    const id = await submit(receiver.url);
    await until(() => (receiver.received.length >= 3 ? true : undefined), 30_000);
    const deliveries = await until(async () => {
      const res = await api(h.gatewayUrl, 'GET', `/v1/jobs/${id}/deliveries`, { apiKey });
      return res.body.items?.length === 3 ? res.body.items : undefined;
    });
    expect(deliveries.map((d: { attempt: number; outcome: string; statusCode: number }) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 503],
      [3, 'delivered', 200],
    ]);
    // Same webhook-id on every attempt, so a receiver can deduplicate.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  } finally {
    await receiver.close();
  }
});
