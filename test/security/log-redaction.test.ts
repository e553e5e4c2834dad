/**
 * No secret reaches a log line — proven by grepping everything the services print. The real
 * stack (auth, agent-executor, gateway as processes, LOG_LEVEL=trace) runs flows that carry every
 * kind of secret: passwords (right and wrong), access and refresh tokens, API keys via X-API-Key
 * and Authorization, webhook secrets fetched and rotated, a signed webhook delivery to a URL with
 * a token in it, forged credentials. Then each service's whole stdout and stderr is searched for
 * every secret value and for anything shaped like a credential. Services that fail to start with
 * secret-bearing connection URLs are checked the same way.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort, serviceUrls, Stack, startLocalStack, type LocalStack, type ServiceName } from '@oca/testkit';
import { startReceiver, until } from '../e2e/webhook-receiver';
import { call, clientIp } from './support';

jest.setTimeout(180_000);

interface Line {
  service: ServiceName;
  text: string;
}

const lines: Line[] = [];
/** label → value of every secret the flows used or received */
const secrets = new Map<string, string>();
let requestsSent = 0;
/** Output of services started with secrets in their connection URLs, which fail to start */
const failedStarts: { service: ServiceName; output: string; code: number | null }[] = [];
const startupSecrets = new Map<string, string>();

const unique = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;
const remember = (label: string, value: unknown): string => {
  if (typeof value !== 'string' || value.length < 8) throw new Error(`expected a secret for ${label}, got ${JSON.stringify(value)}`);
  secrets.set(label, value);
  return value;
};

function expectStatus(res: { status: number; text: string }, status: number | number[], what: string): void {
  const allowed = Array.isArray(status) ? status : [status];
  if (!allowed.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
}

async function send(base: string, method: string, urlPath: string, options: Parameters<typeof call>[3] = {}) {
  requestsSent++;
  return call(base, method, urlPath, options);
}

/** Starts one service that must fail; returns its whole output. */
async function failingStart(service: ServiceName, env: Record<string, string>): Promise<void> {
  const output: string[] = [];
  const stack = new Stack({ env, onLine: (_s, line) => output.push(line) });
  const running = stack.start(service);
  const timer = setTimeout(() => running.process.kill('SIGKILL'), 60_000);
  const code = await running.exited;
  clearTimeout(timer);
  await new Promise((r) => setTimeout(r, 200)); // the last chunks of the pipes
  failedStarts.push({ service, output: output.join('\n'), code });
}

async function runFlows(h: LocalStack): Promise<void> {
  const base = h.gatewayUrl;
  const ip = clientIp();
  const email = `${unique('logs')}@example.com`.toLowerCase();
  const password = remember('password', unique('pw'));
  const wrongPassword = remember('wrong password', unique('wrong-pw'));

  expectStatus(await send(base, 'POST', '/v1/auth/register', { body: { email, password }, ip }), 201, 'register');
  for (let i = 0; i < 2; i++) expectStatus(await send(base, 'POST', '/v1/auth/login', { body: { email, password: wrongPassword }, ip }), 401, 'failed login');
  const login = await send(base, 'POST', '/v1/auth/login', { body: { email, password }, ip });
  expectStatus(login, 200, 'login');
  const access = remember('access token', login.body.accessToken);
  const refresh = remember('refresh token', login.body.refreshToken);
  remember('access token signature', access.split('.')[2]);
  // The seed-compatible login carries the same password.
  expectStatus(await send(base, 'POST', '/auth/login', { body: { email, password }, ip }), 200, 'seed login');

  expectStatus(await send(base, 'GET', '/v1/jobs', { token: access }), 200, 'token use');
  const refreshed = await send(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: refresh }, ip });
  expectStatus(refreshed, 200, 'refresh');
  const access2 = remember('refreshed access token', refreshed.body.accessToken);
  const refresh2 = remember('rotated refresh token', refreshed.body.refreshToken);

  const created = await send(base, 'POST', '/v1/api-keys', { token: access2, body: { name: 'log-redaction' } });
  expectStatus(created, 201, 'create API key');
  const apiKey = remember('API key', created.body.key);
  remember('API key secret part', apiKey.slice(apiKey.indexOf('_', apiKey.indexOf('_') + 1) + 1));
  expectStatus(await send(base, 'GET', '/v1/jobs', { apiKey }), 200, 'X-API-Key use');
  expectStatus(await send(base, 'GET', '/v1/jobs', { headers: { authorization: `Bearer ${apiKey}` } }), 200, 'API key as Bearer');

  const secret1 = await send(base, 'GET', '/v1/webhook-secret', { token: access2 });
  expectStatus(secret1, 200, 'webhook secret');
  remember('webhook secret', secret1.body.secret);
  const secret2 = await send(base, 'POST', '/v1/webhook-secret/rotate', { token: access2 });
  expectStatus(secret2, 200, 'webhook secret rotation');
  remember('rotated webhook secret', secret2.body.secret);

  // A job whose webhook URL carries the client's own token; the delivery is signed.
  const receiver = await startReceiver();
  try {
    const hookToken = remember('token in the webhook URL', unique('hooktoken'));
    const submit = await send(base, 'POST', '/v1/jobs', {
      apiKey,
      body: { agent: 'address', params: { network: 'devnet', address: h.scenario.erc20 }, webhook: { url: `${receiver.url}?token=${hookToken}` } },
    });
    expectStatus(submit, 202, 'submit job');
    const done = await send(base, 'GET', `/v1/jobs/${submit.body.id}?wait=20`, { apiKey });
    if (done.body.status !== 'succeeded') throw new Error(`job ended ${done.text}`);
    const delivered = await until(() => receiver.received[0]);
    remember('webhook signature', String(delivered.headers['webhook-signature']).split(',').pop());
    expectStatus(await send(base, 'GET', `/v1/jobs/${submit.body.id}/deliveries`, { token: access2 }), 200, 'deliveries');
  } finally {
    await receiver.close();
  }

  // A network whose provider URL carries an API key in its path (Alchemy/Infura style) and does
  // not answer: the executor logs the transient RPC failure, and viem's error quotes the URL.
  const rpcJob = await send(base, 'POST', '/v1/jobs', { apiKey, body: { agent: 'address', params: { network: 'ethereum', address: h.scenario.erc20 } } });
  expectStatus(rpcJob, 202, 'submit job on the unreachable provider');
  const rpcDone = await send(base, 'GET', `/v1/jobs/${rpcJob.body.id}?wait=25`, { apiKey });
  if (rpcDone.body.status !== 'failed') throw new Error(`job on the unreachable provider ended ${rpcDone.text}`);

  // Forged and garbled credentials: the gateway must not echo them into its log either.
  const [header, payload] = access.split('.');
  const forged = remember('forged token', `${header}.${payload}.${randomBytes(64).toString('base64url')}`);
  expectStatus(await send(base, 'GET', '/v1/jobs', { token: forged }), 401, 'forged token');
  const badKey = remember('unknown API key', `oca_${randomBytes(6).toString('hex').slice(0, 8)}_${randomBytes(24).toString('base64url')}`);
  expectStatus(await send(base, 'GET', '/v1/jobs', { apiKey: badKey }), 401, 'unknown API key');
  const garbage = remember('garbage bearer', unique('garbage'));
  expectStatus(await send(base, 'GET', '/v1/jobs', { headers: { authorization: `Bearer ${garbage} extra` } }), 401, 'malformed Authorization');
  expectStatus(await send(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: remember('unknown refresh token', unique('refresh')) }, ip }), [401, 400], 'unknown refresh token');

  // Revocation and logout carry the key id and the refresh token.
  expectStatus(await send(base, 'DELETE', `/v1/api-keys/${created.body.id}`, { token: access2 }), 200, 'revoke API key');
  expectStatus(await send(base, 'POST', '/v1/auth/logout', { body: { refreshToken: refresh2 }, ip }), 204, 'logout');
  // Reusing a rotated refresh token is refused (and may revoke the family): still no echo.
  expectStatus(await send(base, 'POST', '/v1/auth/refresh', { body: { refreshToken: refresh }, ip }), [401, 400], 'refresh reuse');
}

beforeAll(async () => {
  const keyDir = mkdtempSync(path.join(tmpdir(), 'oca-logs-key-'));
  const keyFile = path.join(keyDir, 'signing-key.pem');
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(keyFile, pem, { mode: 0o600 });
  // The base64 body of the PEM: what a leaked key would look like in a line.
  secrets.set('auth signing key', pem.split('\n')[1]!);

  // RPC_URL_ETHEREUM from a mounted file; nothing listens on its port.
  const rpcKey = remember('RPC provider API key', randomBytes(16).toString('hex'));
  const rpcFile = path.join(keyDir, 'rpc-url-ethereum');
  writeFileSync(rpcFile, `http://127.0.0.1:${await findFreePort()}/v2/${rpcKey}\n`, { mode: 0o600 });

  const env = { LOG_LEVEL: 'trace', AUTH_SIGNING_KEY_FILE: keyFile, GATEWAY_TRUST_PROXY: 'loopback', GATEWAY_NETWORKS: 'devnet,ethereum', RPC_URL_ETHEREUM_FILE: rpcFile };
  const h = await startLocalStack(env, 'logs', [], {
    onLine: (service, text) => lines.push({ service, text }),
  });
  try {
    await runFlows(h);

    // Services refusing or failing to start with secrets in their URLs. RabbitMQ refuses the
    // unknown user at once; PostgreSQL (trust) and Redis (no AUTH) ignore the passwords.
    const urls = serviceUrls();
    const amqp = new URL(urls.amqpUrl);
    const secretUrl = (url: string, user: string, secret: string) => {
      const u = new URL(url);
      u.username = user;
      u.password = secret;
      return u.toString();
    };
    for (const name of ['amqp password', 'database password', 'redis password', 'guest password']) startupSecrets.set(name, unique(name.split(' ')[0]!));
    const common = {
      AMQP_PREFIX: `${h.amqpPrefix}fail.`,
      LOG_LEVEL: 'trace',
      AUTH_SIGNING_KEY_FILE: keyFile,
      AUTH_METRICS_PORT: '0',
      EXECUTOR_METRICS_PORT: '0',
      DATABASE_URL: secretUrl(h.db.url, 'postgres', startupSecrets.get('database password')!),
      REDIS_URL: secretUrl(urls.redisUrl, '', startupSecrets.get('redis password')!),
    };
    await failingStart('auth', { ...common, NODE_ENV: 'test', AMQP_URL: secretUrl(amqp.toString(), 'oca-no-such-user', startupSecrets.get('amqp password')!) });
    await failingStart('agent-executor', { ...common, NODE_ENV: 'test', AMQP_URL: secretUrl(amqp.toString(), 'oca-no-such-user', startupSecrets.get('amqp password')!) });
    await failingStart('auth', { ...common, NODE_ENV: 'production', AMQP_URL: secretUrl(amqp.toString(), 'guest', startupSecrets.get('guest password')!) });
  } finally {
    await h.close();
    await new Promise((r) => setTimeout(r, 300)); // let the pipes drain after exit
    rmSync(keyDir, { recursive: true, force: true });
  }
});

describe('captured logs', () => {
  it('are not empty: every service logged, the gateway logged each request, auth answered RPCs, the executor ran the job', () => {
    const of = (service: ServiceName) => lines.filter((l) => l.service === service);
    expect(of('auth').length).toBeGreaterThan(5);
    expect(of('agent-executor').length).toBeGreaterThan(5);
    const gateway = of('gateway').map((l) => l.text);
    const incoming = gateway.filter((t) => t.includes('"msg":"incoming request"'));
    expect(incoming.length).toBeGreaterThanOrEqual(requestsSent);
    expect(gateway.filter((t) => t.includes('"msg":"request completed"')).length).toBeGreaterThanOrEqual(requestsSent);
    // The credential headers were seen and logged — as [redacted].
    expect(incoming.some((t) => t.includes('"authorization":"[redacted]"'))).toBe(true);
    expect(incoming.some((t) => t.includes('"x-api-key":"[redacted]"'))).toBe(true);
    expect(incoming.some((t) => t.includes('"url":"/v1/auth/login"'))).toBe(true);
    expect(of('agent-executor').some((l) => l.text.includes('"msg":"job finished"'))).toBe(true);
    expect(of('gateway').some((l) => l.text.includes('webhook'))).toBe(true);
    // The executor did log the provider failure — with the key scrubbed out of viem's message.
    const rpcFailures = of('agent-executor').filter((l) => l.text.includes('"msg":"transient RPC failure"'));
    expect(rpcFailures.length).toBeGreaterThan(0);
    expect(rpcFailures.every((l) => l.text.includes('/v2/[redacted]'))).toBe(true);
    // Every line is structured JSON (no stray console output that would escape redaction).
    const notJson = lines.filter((l) => {
      try {
        JSON.parse(l.text);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson.map((l) => `[${l.service}] ${l.text}`)).toEqual([]);
  });

  it('contain none of the secret values the flows used', () => {
    expect(secrets.size).toBe(19);
    const leaks: string[] = [];
    for (const { service, text } of lines) {
      for (const [label, value] of secrets) if (text.includes(value)) leaks.push(`${label} in [${service}] ${text.slice(0, 300)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('contain nothing shaped like a credential: Bearer values, JWTs, whsec_ secrets, oca_ keys', () => {
    const shapes: [string, RegExp][] = [
      ['Bearer credential', /Bearer\s+[A-Za-z0-9._~+/-]{8,}/i],
      ['JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
      ['webhook secret', /whsec_[A-Za-z0-9+/=_-]{8,}/],
      ['API key', /\boca_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{8,}/],
      ['PEM private key', /PRIVATE KEY/],
      ['password field with a value', /"(password|newPassword|refreshToken|accessToken|apiKey|secret)":"(?!\[redacted\])/],
    ];
    const found: string[] = [];
    for (const { service, text } of lines) for (const [label, shape] of shapes) if (shape.test(text)) found.push(`${label} in [${service}] ${text.slice(0, 300)}`);
    expect(found).toEqual([]);
  });
});

describe('services that fail to start', () => {
  it('say why, naming the variable, without the secret values in their URLs', () => {
    expect(failedStarts).toHaveLength(3);
    for (const { service, output, code } of failedStarts) {
      expect(code).not.toBe(0);
      expect(output).toContain(`${service} failed to start`);
      for (const [label, value] of startupSecrets) expect({ service, label, leaked: output.includes(value) }).toEqual({ service, label, leaked: false });
    }
    // RabbitMQ refused the unknown user; production refused the guest account by name.
    expect(failedStarts[0]!.output).toMatch(/ACCESS.REFUSED|not ready/);
    expect(failedStarts[1]!.output).toMatch(/ACCESS.REFUSED|not ready/);
    expect(failedStarts[2]!.output).toMatch(/AMQP_URL: uses RabbitMQ's default guest account/);
  });
});
