/**
 * The cache RPC over RabbitMQ (whole app, real broker and Redis): invalidate by target, agent and
 * network deletes exactly the matching entries; stats counts entries, bytes, lookups and heads;
 * errors carry their codes; the app serves /ready and /metrics and stops in order.
 */
import { RpcRemoteError } from '@oca/amqp';
import { AGENT_CATALOG, cacheKey, cacheLookupField, REDIS_KEYS, type AgentName, type CacheStats } from '@oca/contracts';
import { ADDRESS_A, ADDRESS_B, completion, startCacheHarness, until, type CacheHarness } from './helpers';

let h: CacheHarness;

beforeAll(async () => {
  h = await startCacheHarness();
});

afterAll(async () => {
  await h?.close();
});

interface Seed {
  agent: string;
  params: Record<string, unknown>;
}

const SEEDS: Record<string, Seed> = {
  addressDevnetA: { agent: 'address', params: { network: 'devnet', address: ADDRESS_A } },
  securityDevnetA: { agent: 'security', params: { network: 'devnet', address: ADDRESS_A } },
  marketEthereumA: { agent: 'market', params: { network: 'ethereum', address: ADDRESS_A } },
  addressBaseA: { agent: 'address', params: { network: 'base', address: ADDRESS_A } },
  addressDevnetB: { agent: 'address', params: { network: 'devnet', address: ADDRESS_B } },
  trendDevnet: { agent: 'trend', params: { network: 'devnet', lookbackHours: 24, minLiquidityUsd: 1000, limit: 20 } },
};
const keyOf = (name: string) => cacheKey(h.redisPrefix, SEEDS[name]!.agent, AGENT_CATALOG[SEEDS[name]!.agent as AgentName].version, SEEDS[name]!.params.network as string, SEEDS[name]!.params);

/** Empties the harness's Redis keys and fills every seed through cache.completions. */
async function seed(): Promise<void> {
  const existing = await h.entryKeys();
  if (existing.length > 0) await h.redis.unlink(...existing);
  for (const { agent, params } of Object.values(SEEDS)) await h.complete(completion(params, { agent, blockNumber: 500 }));
  await until(async () => (await h.entryKeys()).length === Object.keys(SEEDS).length, 'every seed filled');
}

const rpc = <T>(method: string, params: unknown) => h.rpc<T>(method, params);
async function expectRemaining(names: string[]): Promise<void> {
  const keys = new Set(await h.entryKeys());
  expect(Object.keys(SEEDS).filter((name) => keys.has(keyOf(name))).sort()).toEqual([...names].sort());
}

it('invalidates by target through the index: agent and network narrow it; any address case matches', async () => {
  await seed();
  await expect(rpc('invalidate', { target: ADDRESS_A.toUpperCase().replace('0X', '0x'), agent: 'security' })).resolves.toEqual({ deleted: 1 });
  await expectRemaining(['addressDevnetA', 'marketEthereumA', 'addressBaseA', 'addressDevnetB', 'trendDevnet']);
  await expect(rpc('invalidate', { target: ADDRESS_A, network: 'base' })).resolves.toEqual({ deleted: 1 });
  await expect(rpc('invalidate', { target: ADDRESS_A })).resolves.toEqual({ deleted: 2 });
  await expectRemaining(['addressDevnetB', 'trendDevnet']);
  // The index forgets what it deleted: a second call finds nothing.
  await expect(rpc('invalidate', { target: ADDRESS_A })).resolves.toEqual({ deleted: 0 });
  expect(await h.redis.exists(REDIS_KEYS.cacheTargetIndex(h.redisPrefix, ADDRESS_A.toLowerCase()))).toBe(0);
  expect(await h.metric('oca_cache_invalidations_total', { by: 'target' })).toBe(4);
});

it('invalidates by agent, by network and by both with SCAN, deleting exactly the matching entries', async () => {
  await seed();
  await expect(rpc('invalidate', { agent: 'address', network: 'devnet' })).resolves.toEqual({ deleted: 2 });
  await expectRemaining(['securityDevnetA', 'marketEthereumA', 'addressBaseA', 'trendDevnet']);
  await expect(rpc('invalidate', { agent: 'address' })).resolves.toEqual({ deleted: 1 });
  await expect(rpc('invalidate', { network: 'devnet' })).resolves.toEqual({ deleted: 2 });
  await expectRemaining(['marketEthereumA']);
  await expect(rpc('invalidate', {})).resolves.toEqual({ deleted: 1 });
  await expectRemaining([]);
  expect(await h.metric('oca_cache_invalidated_entries_total')).toBeGreaterThanOrEqual(6);
});

it('stats: entries and bytes per agent, hit rates from the gateway counters, refreshes and known heads', async () => {
  await seed();
  const lookups = REDIS_KEYS.cacheLookups(h.redisPrefix);
  await h.redis.del(lookups);
  // What the gateway records: 6 hits, 1 miss, 1 coalesced, 2 bypasses for address; 1 miss for market.
  await h.redis.hincrby(lookups, cacheLookupField('address', 'hit'), 6);
  await h.redis.hincrby(lookups, cacheLookupField('address', 'miss'), 1);
  await h.redis.hincrby(lookups, cacheLookupField('address', 'coalesced'), 1);
  await h.redis.hincrby(lookups, cacheLookupField('address', 'bypass'), 2);
  await h.redis.hincrby(lookups, cacheLookupField('market', 'miss'), 1);
  const head = { block: 501, at: new Date().toISOString() };
  await h.redis.set(REDIS_KEYS.chainHead(h.redisPrefix, 'devnet'), JSON.stringify(head), 'EX', 60);

  const stats = await rpc<CacheStats>('stats', {});
  const usage = async (name: string) => (await h.redis.memory('USAGE', keyOf(name))) ?? 0;
  const addressBytes = (await usage('addressDevnetA')) + (await usage('addressBaseA')) + (await usage('addressDevnetB'));
  expect(stats).toMatchObject({ entries: 6, hits: 6, misses: 2, coalesced: 1, bypass: 2, heads: { devnet: head } });
  expect(stats.hitRate).toBeCloseTo(6 / 9);
  expect(stats.byAgent.address).toEqual({ entries: 3, bytes: addressBytes, hits: 6, misses: 1, coalesced: 1, bypass: 2, hitRate: 0.75, refreshes: 0 });
  expect(stats.byAgent.market).toMatchObject({ entries: 1, hits: 0, misses: 1, hitRate: 0 });
  expect(stats.byAgent.security).toMatchObject({ entries: 1, hitRate: null });
  expect(stats.bytes).toBeGreaterThan(addressBytes);
  // The gauges follow each count.
  expect(await h.metric('oca_cache_entries')).toBe(6);
  expect(await h.metric('oca_cache_bytes')).toBe(stats.bytes);
});

it('answers validation_failed for bad params and not_found for an unknown method', async () => {
  const error = (method: string, params: unknown) =>
    rpc(method, params).then(
      () => {
        throw new Error('expected an error answer');
      },
      (err: unknown) => err as RpcRemoteError,
    );
  const invalid = await error('invalidate', { agent: 'no-such-agent' });
  expect(invalid).toBeInstanceOf(RpcRemoteError);
  expect(invalid.code).toBe('validation_failed');
  expect((await error('invalidate', { target: 'not-an-address' })).code).toBe('validation_failed');
  expect((await error('flushall', {})).code).toBe('not_found');
  expect(await h.metric('oca_cache_rpc_requests_total', { method: 'invalidate', outcome: 'validation_failed' })).toBe(2);
});

it('serves /ready, then stops in order and closes the ops server', async () => {
  const ready = await fetch(`http://127.0.0.1:${h.app.opsPort}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ checks: { redis: true, rabbitmq: true } });

  const port = h.app.opsPort;
  await h.app.stop('test');
  await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  const steps = h.logs.filter((l) => l.msg === 'shutdown step done').map((l) => l.step);
  expect(steps).toEqual([
    'readiness off',
    'periodic tasks (await the running round)',
    'rpc consumer (await in-flight)',
    'completions consumer (await in-flight)',
    'broker',
    'redis',
    'ops server',
  ]);
  await expect(h.app.stop('again')).resolves.toBeUndefined();
});
