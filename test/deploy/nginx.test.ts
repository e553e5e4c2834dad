/**
 * deploy/nginx/nginx.conf for real: Debian's nginx runs the production file (with the explicit
 * substitutions of @oca/testkit's nginx.ts) in front of two gateway processes of one isolated stack. It
 * spreads requests over both, carries on when one gateway is SIGKILLed under load (GETs retried
 * by proxy_next_upstream), and the gateway keys per-IP limits on the address nginx saw, never on
 * an X-Forwarded-For the client wrote.
 */
import { rmSync } from 'node:fs';
import https from 'node:https';
import { Redis } from 'ioredis';
import { createTestPki, findFreePort, httpsRequest, scrapeMetric, serviceUrls, sleep, Stack, startLocalStack, startNginx, waitForHttp, type HttpsRequestOptions, type LocalStack, type NginxProcess, type TestPki } from '@oca/testkit';

jest.setTimeout(120_000);

/** A client address other than nginx's own 127.0.0.1, so "the address nginx saw" is observable. */
const CLIENT_ADDRESS = '127.0.0.2';
/** What a client would like the gateway to believe (a documentation address; no traffic goes there). */
const FORGED_ADDRESS = '203.0.113.7';
const JOB_GETS = { method: 'GET', route: '/v1/jobs/:id', status_code: '200' };
const COUNT = 'oca_gateway_http_request_duration_seconds_count';

let local: LocalStack;
let second: Stack;
let secondOpsPort: number;
let nginx: NginxProcess;
let pki: TestPki;
let httpPort: number;
let httpsPort: number;
let apiKey: string;
let jobId: string;

const call = (path: string, options: HttpsRequestOptions = {}) => httpsRequest(httpsPort, pki.ca, path, options);
const json = (body: unknown): HttpsRequestOptions => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const jobGets = async () => ({
  first: await scrapeMetric(local.opsPorts.gateway, COUNT, JOB_GETS),
  second: await scrapeMetric(secondOpsPort, COUNT, JOB_GETS),
});

beforeAll(async () => {
  // `loopback` trusts every 127.0.0.0/8 peer, as a compose network CIDR trusts every container on
  // it: the gateway then believes any X-Forwarded-For that arrives, so only nginx replacing the
  // header keeps a client from choosing its address. Limits high enough for the load below.
  const limits = { RATE_LIMIT_USER_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '1000000' };
  local = await startLocalStack({ GATEWAY_TRUST_PROXY: 'loopback', ...limits }, 'nginx', [], { services: ['auth', 'agent-executor', 'gateway'] });
  const [port, opsPort] = await Promise.all([findFreePort(), findFreePort()]);
  secondOpsPort = opsPort;
  second = new Stack({ env: { ...local.env, GATEWAY_PORT: String(port), GATEWAY_METRICS_PORT: String(opsPort) }, onLine: (_s, line) => local.logs.push(`[gateway-2] ${line}`) });
  second.start('gateway');
  await waitForHttp(`http://127.0.0.1:${opsPort}/ready`, 60_000);

  pki = createTestPki('nginx');
  [httpPort, httpsPort] = await Promise.all([findFreePort(), findFreePort()]);
  nginx = await startNginx({ upstreams: [Number(local.env.GATEWAY_PORT), port], httpPort, httpsPort, pki });

  // A user with an API key and one finished job, all through nginx.
  const email = `nginx-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  expect((await call('/v1/auth/register', json({ email, password }))).status).toBe(201);
  const login = JSON.parse((await call('/v1/auth/login', json({ email, password }))).body);
  const key = await call('/v1/api-keys', { ...json({ name: 'nginx' }), headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` } });
  apiKey = JSON.parse(key.body).key;
  const submit = await call('/v1/jobs', { ...json({ agent: 'address', params: { network: 'devnet', address: local.scenario.eoa } }), headers: { 'content-type': 'application/json', 'x-api-key': apiKey } });
  expect(submit.status).toBe(202);
  jobId = JSON.parse(submit.body).id;
  const done = await call(`/v1/jobs/${jobId}?wait=20`, { headers: { 'x-api-key': apiKey } });
  expect(JSON.parse(done.body).status).toBe('succeeded');
});

afterAll(async () => {
  await nginx?.stop();
  await second?.stopAll('SIGKILL');
  await local?.close();
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

describe('nginx in front of the gateways (deploy/nginx/nginx.conf)', () => {
  it('redirects plain HTTP to HTTPS, keeps /health out of the access log and refuses oversized bodies itself', async () => {
    const plain = await fetch(`http://127.0.0.1:${httpPort}/v1/jobs?limit=1`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe('https://127.0.0.1/v1/jobs?limit=1');

    const health = await call('/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect(health.headers['strict-transport-security']).toBeDefined(); // from the gateway, through nginx

    const tooLarge = await call('/v1/jobs', { ...json({ agent: 'address', params: { padding: 'x'.repeat(70_000) } }), headers: { 'content-type': 'application/json', 'x-api-key': apiKey } });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });

    await sleep(100); // nginx writes the line after the answer
    const paths = nginx.accessLog().map((line) => line.path);
    expect(paths).toContain('/v1/jobs');
    expect(paths).not.toContain('/health');
  });

  it('spreads requests over both gateways', async () => {
    const before = await jobGets();
    const agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(`/v1/jobs/${jobId}`, { headers: { 'x-api-key': apiKey }, agent })));
    agent.destroy();
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
    const after = await jobGets();
    expect(after.first - before.first).toBeGreaterThan(5);
    expect(after.second - before.second).toBeGreaterThan(5);
    expect(after.first - before.first + (after.second - before.second)).toBe(40);
  });

  it('sets X-Forwarded-For to the address it saw: a forged header never reaches the per-IP limits', async () => {
    const redis = new Redis(serviceUrls().redisUrl);
    try {
      const answer = await call('/v1/agents', { localAddress: CLIENT_ADDRESS, headers: { 'x-forwarded-for': FORGED_ADDRESS } });
      expect(answer.status).toBe(200);
      const keys = await redis.keys(`${local.redisPrefix}rate-limit:*`);
      // The per-IP buckets are keyed on the client nginx saw — not on nginx (127.0.0.1, the socket
      // peer of the gateway), and not on the forged address.
      expect(keys.some((key) => key.endsWith(`ip:${CLIENT_ADDRESS}`))).toBe(true);
      expect(keys.filter((key) => key.includes(FORGED_ADDRESS))).toEqual([]);
      await sleep(100);
      expect(nginx.accessLog().filter((line) => line.path === '/v1/agents').map((line) => line.client)).toContain(CLIENT_ADDRESS);
    } finally {
      redis.disconnect();
    }
  });

  it('serves the rest of a load from the other gateway when one is SIGKILLed, retrying in-flight GETs', async () => {
    const concurrency = 8;
    const loadMs = 10_000;
    const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency });
    const results: Array<{ status: number; start: number; end: number }> = [];
    const before = await jobGets();
    const started = Date.now();
    let killStart = Infinity;
    let killDone = Infinity;
    const worker = async () => {
      while (Date.now() - started < loadMs) {
        const start = Date.now();
        const status = await call(`/v1/jobs/${jobId}`, { headers: { 'x-api-key': apiKey }, agent }).then(
          (answer) => answer.status,
          () => 0, // nginx itself failing the connection would be a failure too
        );
        results.push({ status, start, end: Date.now() });
      }
    };
    const kill = (async () => {
      await sleep(3_000);
      const beforeKill = await scrapeMetric(secondOpsPort, COUNT, JOB_GETS);
      killStart = Date.now();
      await second.stop('gateway', 'SIGKILL');
      killDone = Date.now();
      return beforeKill;
    })();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const secondBeforeKill = await kill;
    agent.destroy();
    const after = await jobGets().catch(() => undefined);
    expect(after).toBeUndefined(); // the second gateway is gone for good

    const inFlightAtKill = results.filter((r) => r.start < killDone && r.end > killStart);
    const afterKill = results.filter((r) => r.start >= killDone);
    const failed = results.filter((r) => r.status !== 200);
    expect(secondBeforeKill - before.second).toBeGreaterThan(0); // it did take load before the kill
    expect(afterKill.length).toBeGreaterThan(100);
    expect(afterKill.filter((r) => r.status !== 200)).toEqual([]);
    expect(failed.length).toBeLessThanOrEqual(inFlightAtKill.length);
    expect(failed.filter((r) => r.status === 0)).toEqual([]);
    const survivor = await scrapeMetric(local.opsPorts.gateway, COUNT, JOB_GETS);
    expect(survivor - before.first).toBeGreaterThanOrEqual(afterKill.length);

    // proxy_next_upstream at work: requests that went to the dead gateway first and were then
    // answered by the survivor (nginx logs both upstreams).
    await sleep(100);
    const retried = nginx.accessLog().filter((line) => line.status === 200 && String(line.upstream).includes(', '));
    expect(retried.length).toBeGreaterThan(0);
  });
});
