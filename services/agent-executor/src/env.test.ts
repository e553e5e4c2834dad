import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, secretValues } from '@oca/config';
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

  it('reads EXPLORER_API_URL/KEY_<NETWORK> (the key also as _FILE) and keeps the key out of logs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oca-exec-env-'));
    writeFileSync(join(dir, 'key'), 'explorer-key-7a1\n');
    const env = loadEnv({ EXPLORER_API_URL_ETHEREUM: 'https://api.example/v2/api?chainid=1', EXPLORER_API_KEY_ETHEREUM_FILE: join(dir, 'key') });
    expect(env.explorers).toEqual({ ethereum: { baseUrl: 'https://api.example/v2/api?chainid=1', apiKey: 'explorer-key-7a1', allowPrivate: false } });
    expect(secretValues(env)).toContain('explorer-key-7a1');
    expect(loadEnv({ EXPLORER_API_URL_DEVNET: 'http://127.0.0.1:9/api', EXPLORER_ALLOW_PRIVATE_TARGETS: 'true' }).explorers.devnet?.allowPrivate).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the NFT metadata fetch settings: nothing fetched by default, a gateway and HTTP when asked', () => {
    expect(loadEnv({}).nftMetadata).toEqual({ ipfsGateway: undefined, fetchHttp: false, timeoutMs: 4_000, totalTimeoutMs: 20_000, maxFetches: 256, concurrency: 16, allowPrivate: false });
    const on = loadEnv({ NFT_IPFS_GATEWAY: 'https://gateway.example', NFT_FETCH_HTTP_METADATA: 'true', NFT_METADATA_TIMEOUT_MS: '2500', NFT_METADATA_MAX_FETCHES: '40', NFT_METADATA_CONCURRENCY: '4' });
    expect(on.nftMetadata).toMatchObject({ ipfsGateway: 'https://gateway.example', fetchHttp: true, timeoutMs: 2_500, maxFetches: 40, concurrency: 4 });
    expect(() => loadEnv({ NFT_IPFS_GATEWAY: 'ftp://gateway.example' })).toThrow(/NFT_IPFS_GATEWAY/);
    expect(() => loadEnv({ NFT_METADATA_CONCURRENCY: '0' })).toThrow(/NFT_METADATA_CONCURRENCY/);
  });
});
