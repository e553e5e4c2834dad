/**
 * The cache app's periodic work against real infrastructure: the chain-head poller reading a real
 * anvil node, and refresh-ahead publishing job.execute for hot entries close to expiry, observed
 * on the agent-execution queue (no executor runs here, so nothing consumes them but the test).
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from '@oca/amqp';
import { AGENT_CATALOG, cacheKey, JobExecute, QUEUES, REDIS_KEYS, SYSTEM_USER_ID, type CacheStats } from '@oca/contracts';
import { startAnvil, type AnvilInstance } from '@oca/testkit';
import { Redis } from 'ioredis';
import { CacheWriter } from '../src/services/cache-writer';
import { entryFromCompletion } from '../src/services/completion-entry';
import { SERVICE_KEYS } from '../src/services/service-keys';
import { ADDRESS_A, ADDRESS_B, completion, sleep, startCacheHarness, until, URLS, type CacheHarness } from './helpers';

// jest 30 ignores the root config's per-project testTimeout; anvil start-up needs the headroom.
jest.setTimeout(30_000);

let h: CacheHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function rpcCall<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return ((await response.json()) as { result: T }).result;
}

describe('chain heads', () => {
  let anvil: AnvilInstance;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('polls eth_blockNumber into chainHead with a short TTL, follows new blocks, and the head expires once polling stops', async () => {
    await rpcCall(anvil.rpcUrl, 'anvil_mine', ['0x5']);
    h = await startCacheHarness({ RPC_URL_DEVNET: anvil.rpcUrl, CHAIN_HEAD_POLL_SECONDS: '0.2' });
    const key = REDIS_KEYS.chainHead(h.redisPrefix, 'devnet');
    const head = async () => JSON.parse((await h!.redis.get(key)) ?? 'null') as { block: number; at: string } | null;

    expect(await until(async () => (await head())?.block === 5 && head(), 'head 5')).toMatchObject({ block: 5, at: expect.any(String) });
    expect(await h.redis.ttl(key)).toBeLessThanOrEqual(1);
    await rpcCall(anvil.rpcUrl, 'anvil_mine', ['0x2']);
    await until(async () => (await head())?.block === 7, 'head 7');
    expect(await h.metric('oca_cache_chain_head_block', { network: 'devnet' })).toBe(7);
    // Only networks with an RPC URL are polled.
    expect(await h.redis.exists(REDIS_KEYS.chainHead(h.redisPrefix, 'ethereum'))).toBe(0);

    await h.app.stop('test: poller gone');
    await until(async () => (await h!.redis.exists(key)) === 0, 'the head to expire', 3_000);
  });
});

describe('refresh-ahead', () => {
  const security = (address: string) => ({ network: 'devnet', address });
  const maxAge = AGENT_CATALOG.security.cache.maxAgeSeconds;

  it('publishes low-priority system jobs for the hottest due entries within the budget, none for cold or fresh ones; a completion refills', async () => {
    const id = randomUUID().slice(0, 8);
    const redisPrefix = `t-cache-refresh-${id}:`;
    const redis = new Redis(URLS.redisUrl);
    // Seed before the app starts, so its first round sees every entry at once.
    const writer = new CacheWriter({ redis, prefix: redisPrefix, ttlSeconds: 600 });
    const almostStale = new Date(Date.now() - (maxAge - 5) * 1000);
    const address = (n: number) => `0x${String(n).padStart(40, '0')}`;
    const seeds = {
      hot: completion(security(ADDRESS_A), { agent: 'security', finishedAt: almostStale }),
      alsoHot: completion(security(ADDRESS_B), { agent: 'security', finishedAt: almostStale }),
      overBudget: completion(security(address(3)), { agent: 'security', finishedAt: almostStale }),
      cold: completion(security(address(4)), { agent: 'security', finishedAt: almostStale }),
      fresh: completion(security(address(5)), { agent: 'security' }),
    };
    const keys = Object.fromEntries(Object.entries(seeds).map(([name, m]) => [name, cacheKey(redisPrefix, 'security', AGENT_CATALOG.security.version, 'devnet', m.payload.params)])) as Record<keyof typeof seeds, string>;
    for (const message of Object.values(seeds)) {
      const decision = entryFromCompletion(message, redisPrefix);
      if (!('entry' in decision)) throw new Error('seed not cacheable');
      await writer.write(decision.entry, writer.encode(decision.entry).json);
    }
    // Hit counts as the gateway keeps them: cold is under CACHE_REFRESH_MIN_HITS, fresh is hot but not due.
    const gone = `${redisPrefix}cache:security:v1:devnet:${'0'.repeat(64)}`;
    await redis.zadd(REDIS_KEYS.cacheHits(redisPrefix), 40, keys.hot, 30, keys.fresh, 20, keys.alsoHot, 10, keys.overBudget, 1, keys.cold, 0.5, gone);
    await redis.quit();

    h = await startCacheHarness({
      REDIS_PREFIX: redisPrefix,
      CACHE_REFRESHES_PER_MINUTE: '2',
      CACHE_REFRESH_INTERVAL_SECONDS: '0.1',
      CACHE_REFRESH_AHEAD_SECONDS: '10',
      CACHE_REFRESH_MIN_HITS: '2',
      CACHE_HOT_KEYS_MAX: '5',
      CACHE_HOT_HALF_LIFE_SECONDS: '60',
    });
    const jobs: { message: JobExecute; priority?: number }[] = [];
    const consumer: Consumer = await h.client.consume(QUEUES.agentExecution, JobExecute, async (message, ctx) => {
      jobs.push({ message, priority: ctx.priority });
    });
    try {
      await until(() => jobs.length >= 2, 'two refresh jobs');
      await sleep(600); // several more rounds: the in-flight markers and the spent budget must hold
      expect(jobs.map((j) => j.message.payload.params)).toEqual([security(ADDRESS_A), security(ADDRESS_B)]);
      const { message, priority } = jobs[0]!;
      expect(priority).toBe(0);
      expect(message.payload).toEqual({ agent: 'security', params: security(ADDRESS_A), priority: 0, userId: SYSTEM_USER_ID });
      expect(message.correlationId).toBe(`refresh:${keys.hot.slice(redisPrefix.length)}`);
      expect(await h.metric('oca_cache_refreshes_total', { agent: 'security', outcome: 'published' })).toBe(2);
      expect(await h.metric('oca_cache_refreshes_total', { outcome: 'skipped_budget' })).toBeGreaterThanOrEqual(1);
      expect(await h.metric('oca_cache_refreshes_total', { outcome: 'skipped_in_flight' })).toBeGreaterThanOrEqual(1);

      // A new budget window: the next due hot entry goes out, and the budget left over is not spent
      // on the cold entry (under CACHE_REFRESH_MIN_HITS) nor on the fresh one (not due).
      await h.redis.del(SERVICE_KEYS.refreshBudget(redisPrefix));
      await until(() => jobs.length >= 3, 'the third refresh job');
      await sleep(600);
      expect(jobs.map((j) => j.message.payload.params)).toEqual([security(ADDRESS_A), security(ADDRESS_B), security(address(3))]);

      // Decay: CACHE_HOT_KEYS_MAX keys stay (the coldest went), and scores shrink.
      const hot = await h.redis.zrange(REDIS_KEYS.cacheHits(redisPrefix), 0, -1);
      expect(hot.sort()).toEqual([keys.hot, keys.fresh, keys.alsoHot, keys.overBudget, keys.cold].sort());
      expect(Number(await h.redis.zscore(REDIS_KEYS.cacheHits(redisPrefix), keys.hot))).toBeLessThan(40);

      // The executor's answer comes back through cache.completions: the entry is refilled and the claim released.
      await h.complete(completion(security(ADDRESS_A), { agent: 'security', blockNumber: 900, jobId: message.jobId!, correlationId: message.correlationId }));
      await until(async () => (await h!.entry(keys.hot))?.blockNumber === 900, 'the refreshed entry');
      await until(async () => (await h!.metric('oca_cache_refreshes_total', { outcome: 'filled' })) === 1, 'the filled outcome');
      const stats = await h.rpc<CacheStats>('stats', {});
      expect(stats.refreshes).toMatchObject({ published: 3, filled: 1 });
      expect(stats.byAgent.security?.refreshes).toBe(3);
    } finally {
      await consumer.cancel();
    }
  });
});
