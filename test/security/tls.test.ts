/**
 * Transport security, proven against real servers: the gateway serving HTTPS (and mutual TLS),
 * PostgreSQL over SSL with each DATABASE_SSL mode, Redis over TLS — the gateway process started
 * from its env (certificates as mounted files) talking TLS to a private PostgreSQL and Redis.
 * RabbitMQ over TLS is configuration only (the machine's broker has no TLS listener); see
 * docs/security.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { commonEnv, parseEnv, redisEnv, redisTlsOptions } from '@oca/config';
import { createPool, migrate, type DatabaseSslOptions } from '@oca/db';
import { createLogger } from '@oca/observability';
import { createTestPki, findFreePort, removeStackLeftovers, serviceUrls, Stack, waitForHttp, type TestPki } from '@oca/testkit';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { z } from 'zod';
import { stubServer } from '../../services/gateway/test/support/stub-server';
import { startTlsPostgres, startTlsRedis, type TlsServer } from './tls-servers';

jest.setTimeout(120_000);

const REDIS_PASSWORD = `redis-${randomBytes(6).toString('hex')}`;
let pki: TestPki;
/** A second, unrelated CA: what "the wrong CA" means below */
let otherPki: TestPki;
let pg: TlsServer;
let redis: TlsServer;

beforeAll(async () => {
  pki = createTestPki('tls');
  otherPki = createTestPki('tls-other', 'Some Other CA');
  [pg, redis] = await Promise.all([startTlsPostgres(pki), startTlsRedis(pki, REDIS_PASSWORD)]);
  const admin = new Client({ host: '127.0.0.1', port: pg.port, user: 'postgres', database: 'postgres', ssl: { ca: pki.ca } });
  await admin.connect();
  await admin.query('CREATE DATABASE oca');
  await admin.end();
});

afterAll(async () => {
  await Promise.all([pg?.stop(), redis?.stop()]);
  for (const dir of [pki?.dir, otherPki?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const pgUrl = (database = 'oca') => `postgres://postgres@127.0.0.1:${pg.port}/${database}`;
const silent = createLogger({ service: 'tls-test', level: 'silent' });

describe('PostgreSQL over SSL (packages/db)', () => {
  async function sslOfSession(ssl: DatabaseSslOptions): Promise<boolean> {
    const pool = createPool({ connectionString: pgUrl(), applicationName: 'oca-tls-test', ssl });
    try {
      const { rows } = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return rows[0]!.ssl;
    } finally {
      await pool.end();
    }
  }

  it('verify-full with the right CA: the session is encrypted', async () => {
    expect(await sslOfSession({ mode: 'verify-full', ca: pki.ca })).toBe(true);
  });

  it('verify-full with the wrong CA is refused (a man in the middle with his own certificate)', async () => {
    await expect(sslOfSession({ mode: 'verify-full', ca: otherPki.ca })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('verify-full without a CA refuses the private CA (only the system CAs are trusted)', async () => {
    await expect(sslOfSession({ mode: 'verify-full' })).rejects.toThrow(/self[- ]signed|unable to (verify|get)|certificate/i);
  });

  it('require encrypts without checking the certificate (the documented trade-off)', async () => {
    expect(await sslOfSession({ mode: 'require', ca: otherPki.ca })).toBe(true);
  });

  it('disable really is plain: this server refuses non-SSL sessions', async () => {
    await expect(sslOfSession({ mode: 'disable' })).rejects.toThrow(/no encryption|pg_hba\.conf rejects/i);
  });

  it('migrations run over SSL too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oca-tls-migrations-'));
    writeFileSync(path.join(dir, '0001_t.sql'), '-- Up Migration\nCREATE TABLE t (id int);\n-- Down Migration\nDROP TABLE t;\n');
    expect(await migrate({ databaseUrl: pgUrl(), schema: 'tls_test', dir, logger: silent, ssl: { mode: 'verify-full', ca: pki.ca } })).toEqual(['0001_t']);
    await expect(migrate({ databaseUrl: pgUrl(), schema: 'tls_test2', dir, logger: silent, ssl: { mode: 'verify-full', ca: otherPki.ca } })).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Redis over TLS (rediss:// + REDIS_TLS_CA)', () => {
  const RedisEnv = z.object({ ...commonEnv, ...redisEnv });

  async function ping(env: Record<string, string>): Promise<string> {
    const parsed = parseEnv(RedisEnv, env);
    const client = new Redis(parsed.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...redisTlsOptions(parsed) });
    // The TLS failure arrives as an 'error' event; connect() itself only says the connection closed.
    let lastError: Error | undefined;
    client.on('error', (err: Error) => (lastError = err));
    try {
      await client.connect().catch((err: Error) => {
        throw lastError ?? err;
      });
      return await client.ping();
    } finally {
      client.disconnect();
    }
  }

  it('connects with the CA from REDIS_TLS_CA_FILE and authenticates', async () => {
    expect(await ping({ REDIS_URL: `rediss://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`, REDIS_TLS_CA_FILE: pki.files.ca })).toBe('PONG');
  });

  it('refuses a server whose certificate the CA did not sign', async () => {
    await expect(ping({ REDIS_URL: `rediss://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`, REDIS_TLS_CA_FILE: otherPki.files.ca })).rejects.toThrow(/certificate|self[- ]signed|unable to verify/i);
  });

  it('a plain redis:// client gets no answer from the TLS port', async () => {
    await expect(ping({ REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}` })).rejects.toThrow();
  });
});

/** GET over HTTPS with node's client (fetch cannot take a private CA without another dependency). */
function httpsGet(port: number, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', servername: 'localhost', port, path: '/health', agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

function plainHttpGet(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

describe('gateway process: HTTPS from mounted certificate files, TLS to PostgreSQL and Redis', () => {
  let stack: Stack;
  let port: number;
  const logs: string[] = [];
  const tag = randomBytes(4).toString('hex');

  beforeAll(async () => {
    const [gatewayPort, opsPort] = [await findFreePort(), await findFreePort()];
    port = gatewayPort;
    stack = new Stack({
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        AMQP_URL: serviceUrls().amqpUrl,
        AMQP_PREFIX: `tls-${tag}.`,
        DATABASE_URL: pgUrl(),
        DATABASE_SSL: 'verify-full',
        DATABASE_SSL_CA_FILE: pki.files.ca,
        REDIS_URL: `rediss://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`,
        REDIS_TLS_CA_FILE: pki.files.ca,
        REDIS_PREFIX: `oca-tls-${tag}:`,
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_HOST: '127.0.0.1',
        GATEWAY_METRICS_PORT: String(opsPort),
        GATEWAY_TLS_CERT_FILE: pki.files.serverCert,
        GATEWAY_TLS_KEY_FILE: pki.files.serverKey,
      },
      onLine: (_service, line) => logs.push(line),
    });
    stack.start('gateway');
    try {
      await waitForHttp(`http://127.0.0.1:${opsPort}/ready`, 60_000);
    } catch (err) {
      process.stderr.write(logs.join('\n'));
      throw err;
    }
  });

  afterAll(async () => {
    await stack?.stopAll('SIGTERM');
    // Its queues on the machine's broker (its Redis was its own).
    await removeStackLeftovers({ amqpUrl: serviceUrls().amqpUrl, amqpPrefix: `tls-${tag}.` });
  });

  it('answers HTTPS to a client that trusts the CA', async () => {
    const res = await httpsGet(port, { ca: pki.ca });
    expect(res.status).toBe(200);
  });

  it('refuses plain HTTP on the same port', async () => {
    await expect(plainHttpGet(port)).rejects.toThrow(/socket hang up|ECONNRESET|Parse Error|timeout/i);
  });

  it('is rejected by a client that does not trust the CA (self-signed to it)', async () => {
    await expect(httpsGet(port)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(httpsGet(port, { ca: otherPki.ca })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('its PostgreSQL sessions are SSL (pg_stat_ssl on the server)', async () => {
    const admin = new Client({ host: '127.0.0.1', port: pg.port, user: 'postgres', database: 'postgres', ssl: { ca: pki.ca } });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ ssl: boolean }>(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'oca-gateway'",
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.ssl)).toBe(true);
    } finally {
      await admin.end();
    }
  });

  it('its Redis connections arrive over TLS (the server has no plain port)', async () => {
    const parsed = parseEnv(z.object({ ...commonEnv, ...redisEnv }), { REDIS_URL: `rediss://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`, REDIS_TLS_CA: pki.ca });
    const client = new Redis(parsed.REDIS_URL, { ...redisTlsOptions(parsed) });
    try {
      const clients = await client.client('LIST');
      expect(String(clients).split('\n').filter((l) => l.includes('cmd=')).length).toBeGreaterThanOrEqual(3); // gateway: commands + subscriber
    } finally {
      client.disconnect();
    }
  });
});

describe('gateway mutual TLS (GATEWAY_TLS_CA)', () => {
  it('serves only clients presenting a certificate the CA signed', async () => {
    const { app } = await stubServer({}, { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    try {
      expect((await httpsGet(port, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey })).status).toBe(200);
      // No client certificate, or one from another CA: the handshake fails, nothing is served.
      await expect(httpsGet(port, { ca: pki.ca })).rejects.toThrow(/certificate|handshake|socket hang up|ECONNRESET|alert/i);
      await expect(httpsGet(port, { ca: pki.ca, cert: otherPki.clientCert, key: otherPki.clientKey })).rejects.toThrow(/certificate|unknown ca|socket hang up|ECONNRESET|alert/i);
    } finally {
      await app.close();
    }
  });
});
