import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@oca/config';
import { loadEnv } from './env';

describe('agent-executor env', () => {
  it('refuses production on the development AMQP and Redis credentials', () => {
    let error: unknown;
    try {
      loadEnv({ NODE_ENV: 'production' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).issues.map((i) => i.split(':')[0]).sort()).toEqual(['AMQP_URL', 'REDIS_URL']);
    expect(loadEnv({ NODE_ENV: 'production', AMQP_URL: 'amqp://oca-exec:s3cret-mq@mq:5672', REDIS_URL: 'redis://:s3cret-redis@cache:6379' }).NODE_ENV).toBe('production');
  });

  it('reads RPC_URL_<NETWORK>_FILE (provider URLs carry API keys); an unreadable one is named, its content never', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oca-exec-env-'));
    const url = 'https://eth-mainnet.example/v2/provider-key-31f0c2';
    writeFileSync(join(dir, 'rpc'), `${url}\n`);
    expect(loadEnv({ RPC_URL_ETHEREUM_FILE: join(dir, 'rpc') }).rpcUrls.ethereum).toEqual([url]);
    expect(() => loadEnv({ RPC_URL_ETHEREUM_FILE: join(dir, 'missing') })).toThrow(`RPC_URL_ETHEREUM_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`);
    rmSync(dir, { recursive: true, force: true });
  });
});
