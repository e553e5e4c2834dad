import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@oca/config';
import { loadEnv } from './env';

const PRODUCTION_URLS = { NODE_ENV: 'production', AMQP_URL: 'amqps://oca-auth:s3cret-mq@mq:5671', DATABASE_URL: 'postgres://oca_auth:s3cret-db@db/oca' };
const ed25519Pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('auth env', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      AUTH_METRICS_PORT: 9103,
      AUTH_OPEN_REGISTRATION: true,
      AUTH_ACCESS_TOKEN_TTL_SECONDS: 900,
      AUTH_REFRESH_TOKEN_TTL_SECONDS: 30 * 24 * 3600,
      AUTH_API_KEY_PREFIX: 'oca',
    });
    expect(env.AUTH_SIGNING_KEY).toBeUndefined();
    expect(env.AUTH_SIGNING_KEY_ID).toBeUndefined();
  });

  it('reads the signing key from AUTH_SIGNING_KEY_FILE', () => {
    const pem = ed25519Pem();
    const file = join(mkdtempSync(join(tmpdir(), 'oca-auth-env-')), 'key.pem');
    writeFileSync(file, pem);
    expect(loadEnv({ AUTH_SIGNING_KEY_FILE: file }).AUTH_SIGNING_KEY).toBe(pem.replace(/\n$/, ''));
  });

  it('refuses to start in production without a signing key', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_SIGNING_KEY: required in production/);
    expect(loadEnv({ ...PRODUCTION_URLS, AUTH_SIGNING_KEY: ed25519Pem() }).NODE_ENV).toBe('production');
  });

  it('refuses production with development-default AMQP and database credentials (shared rules in @oca/config)', () => {
    let error: unknown;
    try {
      loadEnv({ NODE_ENV: 'production', AUTH_SIGNING_KEY: ed25519Pem() });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).issues.map((i) => i.split(':')[0]).sort()).toEqual(['AMQP_URL', 'DATABASE_URL']);
  });

  it('rejects a key that is not Ed25519 without quoting it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let error: unknown;
    try {
      loadEnv({ AUTH_SIGNING_KEY: rsa });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/AUTH_SIGNING_KEY: expected an Ed25519 private key/);
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });

  it('rejects API key prefixes that would make keys ambiguous', () => {
    expect(() => loadEnv({ AUTH_API_KEY_PREFIX: 'oca_live' })).toThrow(/AUTH_API_KEY_PREFIX/);
    expect(loadEnv({ AUTH_API_KEY_PREFIX: 'acme1' }).AUTH_API_KEY_PREFIX).toBe('acme1');
  });
});
