import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Broker, RpcRemoteError } from '@oca/amqp';
import { EXCHANGES, ROUTING_KEYS, type CreatedApiKey, type Jwks, type Principal, type TokenPair, type UserView } from '@oca/contracts';
import { createTestDatabase, type TestDatabase } from '@oca/testkit';
import { createLogger } from '@oca/observability';
import { createAuthApp, type AuthApp } from '../src/app';
import { loadEnv } from '../src/env';
import { ADMIN_DATABASE_URL, AMQP_URL, PASSWORD, silentLogger, TEST_ARGON2, uniqueEmail, verifyWithJwks } from './helpers';

describe('auth service over RabbitMQ RPC (whole app, real broker and PostgreSQL)', () => {
  const prefix = `t-auth-${randomUUID().slice(0, 8)}.`;
  const logLines: string[] = [];
  let db: TestDatabase;
  let app: AuthApp;
  let client: Broker;

  beforeAll(async () => {
    db = await createTestDatabase(ADMIN_DATABASE_URL, 'auth_rpc');
    const env = loadEnv({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      AMQP_URL,
      AMQP_PREFIX: prefix,
      AUTH_METRICS_PORT: '0',
      SHUTDOWN_DEADLINE_MS: '10000',
    });
    // Debug level, captured: the suite checks that no secret reaches a log line.
    const logger = createLogger({
      service: 'auth',
      level: 'debug',
      destination: new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }),
    });
    app = createAuthApp({ env, logger, passwordHashing: TEST_ARGON2 });
    await app.start();
    client = await Broker.connect({ url: AMQP_URL, connectionName: 'auth-rpc-test-client', logger: silentLogger, prefix });
  });

  afterAll(async () => {
    await client?.deleteTopology().catch(() => undefined);
    await client?.close();
    await app?.stop('test done');
    await db?.drop();
  });

  const rpc = <T>(method: string, params: unknown) => client.rpc<T>(EXCHANGES.rpc, ROUTING_KEYS.authRpc, method, params, { timeoutMs: 10_000 });
  const rpcError = (method: string, params: unknown) =>
    rpc(method, params).then(
      () => {
        throw new Error(`${method} succeeded but an error was expected`);
      },
      (err: unknown) => {
        if (!(err instanceof RpcRemoteError)) throw err;
        return err;
      },
    );

  const secrets: string[] = [PASSWORD];

  it('register → login → access token verifies with the JWKS from jwks', async () => {
    const email = uniqueEmail('rpc');
    const user = await rpc<UserView>('register', { email, password: PASSWORD });
    expect(user).toMatchObject({ email, role: 'user' });
    const pair = await rpc<TokenPair>('login', { email, password: PASSWORD, ip: '198.51.100.1' });
    secrets.push(pair.accessToken, pair.refreshToken);
    const jwks = await rpc<Jwks>('jwks', {});
    expect(jwks).toEqual(app.jwks());
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: app.kid });
    expect(verifyWithJwks(jwks, pair.accessToken)).toMatchObject({ iss: 'oca-auth', aud: 'oca-api', sub: user.id, role: 'user', kid: app.kid });

    const refreshed = await rpc<TokenPair>('refresh', { refreshToken: pair.refreshToken });
    secrets.push(refreshed.refreshToken);
    expect((await rpcError('refresh', { refreshToken: pair.refreshToken })).code).toBe('unauthorized');
  });

  it('createApiKey → verifyApiKey returns the principal; revoked keys answer unauthorized', async () => {
    const email = uniqueEmail('rpc-key');
    const user = await rpc<UserView>('register', { email, password: PASSWORD });
    const created = await rpc<CreatedApiKey>('createApiKey', { userId: user.id, name: 'bot' });
    secrets.push(created.key);
    await expect(rpc<Principal>('verifyApiKey', { key: created.key })).resolves.toEqual({
      userId: user.id,
      email,
      role: 'user',
      via: 'api-key',
      apiKeyId: created.id,
      tokenVersion: 0,
    });
    await rpc('revokeApiKey', { userId: user.id, keyId: created.id });
    const err = await rpcError('verifyApiKey', { key: created.key });
    expect(err.code).toBe('unauthorized');
  });

  it('answers error codes: invalid_credentials, email_taken, validation_failed with details', async () => {
    const email = uniqueEmail('rpc-err');
    await rpc('register', { email, password: PASSWORD });
    const wrong = await rpcError('login', { email, password: 'definitely-not-it' });
    const unknown = await rpcError('login', { email: uniqueEmail('ghost'), password: PASSWORD });
    expect([wrong.code, unknown.code]).toEqual(['invalid_credentials', 'invalid_credentials']);
    expect(unknown.message).toBe(wrong.message);
    expect((await rpcError('register', { email, password: PASSWORD })).code).toBe('email_taken');
    const invalid = await rpcError('register', { email: uniqueEmail('root'), password: PASSWORD, role: 'admin' });
    expect(invalid.code).toBe('validation_failed');
    expect(invalid.details).toMatchObject({ issues: [expect.objectContaining({ field: expect.any(String), message: expect.any(String) })] });
  });

  it('serves /ready and the RPC metrics on the ops port', async () => {
    const ready = await fetch(`http://127.0.0.1:${app.opsPort}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { postgres: true, rabbitmq: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${app.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/oca_auth_rpc_requests_total\{method="login",outcome="invalid_credentials",service="auth"\} 2\n/);
    expect(metrics).toMatch(/oca_auth_rpc_duration_seconds_count\{[^}]*method="register"[^}]*\} 5\n/);
  });

  it('never writes a password, token or key to its logs', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('');
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('stops in order and closes the ops server', async () => {
    const port = app.opsPort;
    await app.stop('test');
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    const steps = logLines.filter((l) => l.includes('shutdown step done')).map((l) => JSON.parse(l).step as string);
    expect(steps).toEqual(['readiness off', 'rpc consumer (await in-flight)', 'broker', 'postgres', 'ops server']);
    await expect(app.stop('again')).resolves.toBeUndefined();
  });
});
