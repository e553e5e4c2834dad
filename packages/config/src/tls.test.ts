import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createTestPki, type TestPki } from '@oca/testkit';
import { commonEnv, databaseEnv, evenWithFieldIssues, redisEnv, refineServiceEnv } from './fragments';
import { ConfigError, parseEnv } from './parse-env';
import { amqpTlsOptions, redisTlsOptions } from './tls';

const ServiceEnv = z.object({ ...commonEnv, ...databaseEnv, ...redisEnv }).superRefine(refineServiceEnv, evenWithFieldIssues);

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki('config-tls');
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    parseEnv(ServiceEnv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('TLS settings', () => {
  it('reads CA, client certificate and key from mounted files (trailing newline removed)', () => {
    const env = parseEnv(ServiceEnv, {
      REDIS_URL: 'rediss://:pw-1@cache:6380',
      REDIS_TLS_CA_FILE: pki.files.ca,
      REDIS_TLS_CERT_FILE: pki.files.clientCert,
      REDIS_TLS_KEY_FILE: pki.files.clientKey,
      AMQP_URL: 'amqps://oca:pw-2@mq:5671',
      AMQP_TLS_CA_FILE: pki.files.ca,
      AMQP_TLS_CERT_FILE: pki.files.clientCert,
      AMQP_TLS_KEY_FILE: pki.files.clientKey,
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA_FILE: pki.files.ca,
    });
    const trimmed = (pem: string) => pem.replace(/\n$/, '');
    expect(env.DATABASE_SSL_CA).toBe(trimmed(pki.ca));
    expect(redisTlsOptions(env)).toEqual({ tls: { ca: trimmed(pki.ca), cert: trimmed(pki.clientCert), key: trimmed(pki.clientKey) } });
    expect(amqpTlsOptions(env)).toEqual({ ca: trimmed(pki.ca), cert: trimmed(pki.clientCert), key: trimmed(pki.clientKey) });
  });

  it('uses TLS for rediss:// and amqps:// even without a CA (system CAs), and never for plain URLs', () => {
    const env = parseEnv(ServiceEnv, { REDIS_URL: 'rediss://:pw@cache:6380', AMQP_URL: 'amqps://u:pw@mq:5671' });
    expect(redisTlsOptions(env)).toEqual({ tls: {} });
    expect(amqpTlsOptions(env)).toEqual({});
    const plain = parseEnv(ServiceEnv, {});
    expect(redisTlsOptions(plain)).toEqual({});
    expect(amqpTlsOptions(plain)).toBeUndefined();
  });

  it('refuses TLS material for a connection that would not use TLS', () => {
    expect(issuesOf({ REDIS_TLS_CA: pki.ca })).toEqual([expect.stringMatching(/^REDIS_TLS_CA: set, but REDIS_URL is not a rediss:\/\/ URL/)]);
    expect(issuesOf({ AMQP_TLS_CA: pki.ca })).toEqual([expect.stringMatching(/^AMQP_TLS_CA: set, but AMQP_URL is not a amqps:\/\/ URL/)]);
    expect(issuesOf({ DATABASE_SSL_CA: pki.ca })).toEqual(['DATABASE_SSL_CA: set, but DATABASE_SSL is disable']);
  });

  it('refuses a certificate without its key and the other way round', () => {
    expect(issuesOf({ REDIS_URL: 'rediss://:pw@c', REDIS_TLS_CERT: pki.clientCert })).toEqual(['REDIS_TLS_KEY: required when REDIS_TLS_CERT is set']);
    expect(issuesOf({ AMQP_URL: 'amqps://u:pw@m', AMQP_TLS_KEY: pki.clientKey })).toEqual(['AMQP_TLS_CERT: required when AMQP_TLS_KEY is set']);
  });

  it('refuses ssl parameters in DATABASE_URL: DATABASE_SSL is the one place that decides', () => {
    expect(issuesOf({ DATABASE_URL: 'postgres://u:p@db/oca?sslmode=disable', DATABASE_SSL: 'verify-full' })).toEqual([
      'DATABASE_URL: has a "sslmode" parameter; set TLS with DATABASE_SSL and DATABASE_SSL_CA instead',
    ]);
  });

  it('refuses material that is not PEM, without quoting it', () => {
    const secretish = 'k3y-material-5bd1a0';
    const issues = issuesOf({
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA: secretish,
      REDIS_URL: 'rediss://:pw@c',
      REDIS_TLS_CERT: pki.clientCert,
      REDIS_TLS_KEY: `-----BEGIN PRIVATE KEY-----\n${secretish}\n-----END PRIVATE KEY-----\n`,
    });
    expect(issues).toEqual(['DATABASE_SSL_CA: expected one or more PEM certificates', 'REDIS_TLS_KEY: expected an unencrypted PEM private key']);
    expect(issues.join('\n')).not.toContain(secretish);
  });

  it('names an unreadable CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oca-tls-files-'));
    writeFileSync(join(dir, 'empty.pem'), '\n');
    expect(issuesOf({ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA_FILE: join(dir, 'nope.pem') })).toEqual([`DATABASE_SSL_CA_FILE: cannot read ${join(dir, 'nope.pem')} (ENOENT)`]);
    expect(issuesOf({ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA_FILE: join(dir, 'empty.pem') })).toEqual(['DATABASE_SSL_CA: expected one or more PEM certificates']);
    rmSync(dir, { recursive: true, force: true });
  });
});
