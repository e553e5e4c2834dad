import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@oca/config';
import { loadEnv } from './env';

describe('cache env', () => {
  it('applies the documented defaults', () => {
    expect(loadEnv({})).toMatchObject({
      CACHE_METRICS_PORT: 9104,
      CACHE_TTL_SECONDS: 3600,
      CACHE_MAX_ENTRY_BYTES: 512 * 1024,
      CHAIN_HEAD_POLL_SECONDS: 4,
      CACHE_REFRESHES_PER_MINUTE: 60,
      REDIS_PREFIX: 'oca:',
      rpcUrls: {},
    });
  });

  it('reads the executor RPC_URL_<NETWORK> variables, from _FILE too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oca-cache-env-'));
    writeFileSync(join(dir, 'rpc'), 'https://base.example/v2/provider-key-31f0c2\n');
    expect(loadEnv({ RPC_URL_DEVNET: 'http://127.0.0.1:8545', RPC_URL_BASE_FILE: join(dir, 'rpc') }).rpcUrls).toEqual({
      base: ['https://base.example/v2/provider-key-31f0c2'],
      devnet: ['http://127.0.0.1:8545'],
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts fractional intervals and 0 = off where documented; refuses a 0 refresh interval', () => {
    expect(loadEnv({ CHAIN_HEAD_POLL_SECONDS: '0', CACHE_REFRESH_INTERVAL_SECONDS: '0.2' })).toMatchObject({ CHAIN_HEAD_POLL_SECONDS: 0, CACHE_REFRESH_INTERVAL_SECONDS: 0.2 });
    expect(() => loadEnv({ CACHE_REFRESH_INTERVAL_SECONDS: '0' })).toThrow(/CACHE_REFRESH_INTERVAL_SECONDS/);
  });

  it('refuses production on the development AMQP and Redis credentials', () => {
    let error: unknown;
    try {
      loadEnv({ NODE_ENV: 'production' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).issues.map((i) => i.split(':')[0]).sort()).toEqual(['AMQP_URL', 'REDIS_URL']);
  });
});
