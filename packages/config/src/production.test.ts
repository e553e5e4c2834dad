import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { commonEnv, databaseEnv, evenWithFieldIssues, redisEnv, refineServiceEnv } from './fragments';
import { ConfigError, parseEnv } from './parse-env';
import { amqpUrlIssue, databaseUrlIssue, productionSecretIssues, redisUrlIssue } from './production';

/** What a service's env.ts looks like: the shared fragments and the shared refinement. */
const ServiceEnv = z.object({ ...commonEnv, ...databaseEnv, ...redisEnv }).superRefine(refineServiceEnv, evenWithFieldIssues);

/** Secrets distinctive enough that finding them in a message cannot be a coincidence. */
const AMQP_PASSWORD = 'amqp-Pw-7c1f0e9a';
const DB_PASSWORD = 'db-Pw-42d9b8c1';
const REDIS_PASSWORD = 'redis-Pw-9e3a5f77';
const GOOD = {
  NODE_ENV: 'production',
  AMQP_URL: `amqps://oca-gateway:${AMQP_PASSWORD}@mq.internal:5671`,
  DATABASE_URL: `postgres://oca_gateway:${DB_PASSWORD}@db.internal:5432/oca`,
  REDIS_URL: `rediss://:${REDIS_PASSWORD}@cache.internal:6380`,
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseEnv(ServiceEnv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const variablesOf = (error: ConfigError) => error.issues.map((i) => i.split(':')[0]).sort();

describe('production refuses development secrets', () => {
  it('accepts real credentials in production', () => {
    expect(parseEnv(ServiceEnv, GOOD)).toMatchObject(GOOD);
  });

  it('lets development and test run on the defaults', () => {
    for (const NODE_ENV of ['development', 'test', undefined]) {
      expect(parseEnv(ServiceEnv, { NODE_ENV }).AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    }
  });

  it('refuses every default at once, naming each variable', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(variablesOf(error)).toEqual(['AMQP_URL', 'DATABASE_URL', 'REDIS_URL']);
  });

  it('reports a production problem together with an unrelated invalid field', () => {
    const error = configError({ ...GOOD, DATABASE_POOL_MAX: 'lots', REDIS_URL: 'redis://cache.internal:6379' });
    expect(variablesOf(error)).toEqual(['DATABASE_POOL_MAX', 'REDIS_URL']);
  });

  describe('AMQP_URL', () => {
    it.each([
      ['the guest:guest default', 'amqp://guest:guest@127.0.0.1:5672', /default guest account/],
      ['guest with another password', `amqp://guest:${AMQP_PASSWORD}@mq:5672`, /default guest account/],
      ['no credentials', 'amqp://mq.internal:5672', /needs credentials/],
      ['a user without password', 'amqp://oca@mq.internal:5672', /needs credentials/],
      ['a well-known password', 'amqps://oca:changeme@mq.internal:5671', /development default/],
      ['another scheme', `http://oca:${AMQP_PASSWORD}@mq.internal`, /amqp:\/\/ or amqps:\/\//],
      ['not a URL', `//oca:${AMQP_PASSWORD}@`, /not a valid URL/],
    ])('refuses %s', (_, url, reason) => {
      expect(amqpUrlIssue(url)).toMatch(reason);
      expect(configError({ ...GOOD, AMQP_URL: url }).issues).toEqual([expect.stringMatching(/^AMQP_URL: /)]);
    });
  });

  describe('DATABASE_URL', () => {
    it.each([
      ['the development default', 'postgres://postgres@127.0.0.1:5432/oca', /needs a user and password/],
      ['no credentials', 'postgres://db.internal/oca', /needs a user and password/],
      ['a well-known password', 'postgresql://postgres:postgres@db.internal/oca', /development default/],
      ['a well-known password in other case', 'postgres://oca:PassWord@db.internal/oca', /development default/],
      ['another scheme', `mysql://oca:${DB_PASSWORD}@db/oca`, /postgres:\/\//],
    ])('refuses %s', (_, url, reason) => {
      expect(databaseUrlIssue(url)).toMatch(reason);
      expect(configError({ ...GOOD, DATABASE_URL: url }).issues).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    });
  });

  describe('REDIS_URL', () => {
    it.each([
      ['the development default (no AUTH)', 'redis://127.0.0.1:6379', /needs a password/],
      ['a user without password', 'rediss://oca@cache.internal:6380', /needs a password/],
      ['a well-known password', 'redis://:redis@cache.internal:6379', /development default/],
      ['another scheme', `http://:${REDIS_PASSWORD}@cache`, /redis:\/\//],
    ])('refuses %s', (_, url, reason) => {
      expect(redisUrlIssue(url)).toMatch(reason);
      expect(configError({ ...GOOD, REDIS_URL: url }).issues).toEqual([expect.stringMatching(/^REDIS_URL: /)]);
    });

    it('accepts an ACL user with a password', () => {
      expect(redisUrlIssue(`redis://oca-gateway:${REDIS_PASSWORD}@cache.internal:6379/2`)).toBeUndefined();
    });
  });

  it('checks only the variables a service has', () => {
    expect(productionSecretIssues({ NODE_ENV: 'production', AMQP_URL: GOOD.AMQP_URL })).toEqual([]);
    expect(productionSecretIssues({ NODE_ENV: 'test', AMQP_URL: 'amqp://guest:guest@x' })).toEqual([]);
  });

  it('never puts a secret value into a message', () => {
    // Each URL is wrong in some way but carries a distinctive password (or is one).
    const error = configError({
      NODE_ENV: 'production',
      AMQP_URL: `amqp://guest:${AMQP_PASSWORD}@mq:5672`,
      DATABASE_URL: `mysql://oca:${DB_PASSWORD}@db/oca`,
      REDIS_URL: `${REDIS_PASSWORD}`,
      DATABASE_SSL: 'verify-everything',
      DATABASE_SSL_CA: `-----BEGIN CERTIFICATE-----\n${DB_PASSWORD}\n-----END CERTIFICATE-----`,
      REDIS_TLS_KEY: `-----BEGIN PRIVATE KEY-----\n${REDIS_PASSWORD}\n-----END PRIVATE KEY-----`,
    });
    expect(variablesOf(error)).toEqual(['AMQP_URL', 'DATABASE_SSL', 'DATABASE_SSL_CA', 'DATABASE_URL', 'REDIS_TLS_CERT', 'REDIS_TLS_KEY', 'REDIS_URL']);
    for (const text of [error.message, ...error.issues, String(error.stack)]) {
      for (const secret of [AMQP_PASSWORD, DB_PASSWORD, REDIS_PASSWORD, 'verify-everything']) expect(text).not.toContain(secret);
    }
  });
});

describe('secrets from <NAME>_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oca-secret-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };

  it.each([
    ['AMQP_URL', GOOD.AMQP_URL],
    ['DATABASE_URL', GOOD.DATABASE_URL],
    ['REDIS_URL', GOOD.REDIS_URL],
  ])('reads %s from a mounted file, trailing newline removed, and the production rule applies to it', (name, value) => {
    const env = parseEnv(ServiceEnv, { ...GOOD, [name]: undefined, [`${name}_FILE`]: file(`${name}.ok`, `${value}\n`) });
    expect(env[name as keyof typeof env]).toBe(value);
    // The rule sees the file's content: a default-credential URL in the file is refused as well.
    const weak = name === 'AMQP_URL' ? 'amqp://guest:guest@mq:5672' : name === 'DATABASE_URL' ? 'postgres://postgres@db/oca' : 'redis://cache:6379';
    expect(configError({ ...GOOD, [name]: undefined, [`${name}_FILE`]: file(`${name}.weak`, `${weak}\r\n`) }).issues).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });

  it('prefers the file over the variable (the file is the mounted secret)', () => {
    const env = parseEnv(ServiceEnv, { ...GOOD, REDIS_URL: 'redis://stale:6379', REDIS_URL_FILE: file('redis.pref', `${GOOD.REDIS_URL}\n`) });
    expect(env.REDIS_URL).toBe(GOOD.REDIS_URL);
  });

  it.each(['AMQP_URL', 'DATABASE_URL', 'REDIS_URL'])('names an unreadable %s_FILE without reading anything into the value', (name) => {
    const missing = join(dir, `${name}.missing`);
    expect(configError({ ...GOOD, [`${name}_FILE`]: missing }).issues).toContainEqual(`${name}_FILE: cannot read ${missing} (ENOENT)`);
    if (process.getuid?.() !== 0) {
      // root reads any file, so a permission error can only be produced as another user
      const locked = file(`${name}.locked`, 'x');
      chmodSync(locked, 0o000);
      expect(configError({ ...GOOD, [`${name}_FILE`]: locked }).issues).toContainEqual(`${name}_FILE: cannot read ${locked} (EACCES)`);
    }
    const directory = join(dir);
    expect(configError({ ...GOOD, [`${name}_FILE`]: directory }).issues).toContainEqual(`${name}_FILE: cannot read ${directory} (EISDIR)`);
  });
});
