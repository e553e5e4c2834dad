import { rmSync } from 'node:fs';
import { ConfigError } from '@oca/config';
import { createTestPki } from '@oca/testkit';
import { loadEnv } from './env';

const PRODUCTION = {
  NODE_ENV: 'production',
  AMQP_URL: 'amqps://oca-gateway:s3cret-mq@mq:5671',
  DATABASE_URL: 'postgres://oca_gateway:s3cret-db@db/oca',
  REDIS_URL: 'rediss://:s3cret-redis@cache:6380',
};

const issuesOf = (env: Record<string, string>): string[] => {
  try {
    loadEnv(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
};

describe('gateway env', () => {
  it('starts in production with real secrets', () => {
    expect(loadEnv(PRODUCTION).NODE_ENV).toBe('production');
  });

  it('refuses production on the development defaults, naming every variable and no value', () => {
    const issues = issuesOf({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['AMQP_URL', 'DATABASE_URL', 'REDIS_URL', 'WEBHOOK_ALLOW_PRIVATE_TARGETS']);
    expect(issues.join('\n')).not.toMatch(/guest:guest|127\.0\.0\.1/);
  });

  it('reads the HTTPS certificate and key from mounted files; one without the other is refused', () => {
    const pki = createTestPki('gateway-env');
    const env = loadEnv({ GATEWAY_TLS_CERT_FILE: pki.files.serverCert, GATEWAY_TLS_KEY_FILE: pki.files.serverKey, GATEWAY_TLS_CA_FILE: pki.files.ca });
    expect(env.GATEWAY_TLS_CERT).toBe(pki.serverCert.trimEnd());
    expect(env.GATEWAY_TLS_KEY).toBe(pki.serverKey.trimEnd());
    expect(env.GATEWAY_TLS_CA).toBe(pki.ca.trimEnd());
    expect(issuesOf({ GATEWAY_TLS_CERT_FILE: pki.files.serverCert })).toEqual(['GATEWAY_TLS_KEY: required when GATEWAY_TLS_CERT is set']);
    expect(issuesOf({ GATEWAY_TLS_CA_FILE: pki.files.ca })).toEqual([expect.stringMatching(/^GATEWAY_TLS_CA: client certificates need HTTPS/)]);
    const issues = issuesOf({ GATEWAY_TLS_CERT_FILE: pki.files.serverKey, GATEWAY_TLS_KEY_FILE: pki.files.serverCert });
    expect(issues).toEqual(['GATEWAY_TLS_CERT: expected one or more PEM certificates', 'GATEWAY_TLS_KEY: expected an unencrypted PEM private key']);
    expect(issues.join('\n')).not.toContain('PRIVATE KEY');
    rmSync(pki.dir, { recursive: true, force: true });
  });
});
