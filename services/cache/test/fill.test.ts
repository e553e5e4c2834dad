/**
 * Fills from cache.completions, end to end through the real RabbitMQ and Redis with the cache app
 * started in-process: what is cached (and what is not), the block guard against late older
 * results, redelivery, version bumps, and a restart that loses nothing.
 */
import { newEnvelope } from '@oca/amqp';
import { AGENT_CATALOG, cacheKey, REDIS_KEYS, type AgentName } from '@oca/contracts';
import { ADDRESS_A, ADDRESS_B, completion, sleep, startCacheHarness, until, type CacheHarness } from './helpers';

let h: CacheHarness;

beforeAll(async () => {
  h = await startCacheHarness({ CACHE_TTL_SECONDS: '600', CACHE_MAX_ENTRY_BYTES: '2048' });
});

afterAll(async () => {
  await h?.close();
});

const keyOf = (agent: string, params: Record<string, unknown>, version: number = AGENT_CATALOG[agent as AgentName].version) => cacheKey(h.redisPrefix, agent, version, params.network as string, params);
const skipped = (reason: string) => h.metric('oca_cache_fill_skipped_total', { reason });

it('writes a succeeded completion as an entry: block number, params, target index, TTL', async () => {
  const params = { network: 'devnet', address: ADDRESS_A };
  const message = completion(params, { blockNumber: 1234, finishedAt: new Date('2026-03-04T05:06:07.089Z') });
  await h.complete(message);

  const key = keyOf('address', params);
  const entry = await until(() => h.entry(key), 'the entry');
  expect(entry).toEqual({
    v: 1,
    key,
    agent: 'address',
    agentVersion: 1,
    network: 'devnet',
    params,
    target: ADDRESS_A.toLowerCase(),
    blockNumber: 1234,
    jobId: message.jobId,
    storedAt: '2026-03-04T05:06:07.089Z',
    result: message.payload.result,
  });
  expect(await h.redis.ttl(key)).toBeGreaterThan(590);
  expect(await h.redis.smembers(REDIS_KEYS.cacheTargetIndex(h.redisPrefix, ADDRESS_A.toLowerCase()))).toContain(key);
  expect(await h.metric('oca_cache_fills_total', { agent: 'address' })).toBeGreaterThanOrEqual(1);
});

it('caches nothing for job.started, failed jobs, completions without params or version, and oversize results', async () => {
  const params = { network: 'devnet', address: ADDRESS_B };
  const ok = completion(params);
  const failed = completion(params);
  failed.payload = { ...failed.payload, status: 'failed', result: undefined, error: { code: 'rpc_error', message: 'down', retryable: true } };
  const older = completion(params);
  delete older.payload.params;
  delete older.payload.agentVersion;
  const huge = completion({ network: 'devnet', address: ADDRESS_B, quote: ADDRESS_A }, { agent: 'market' });
  huge.payload.result = { blockNumber: '5', padding: 'x'.repeat(4096) };

  await h.complete(newEnvelope('job.started', { startedAt: new Date().toISOString(), worker: 'w' }, { jobId: ok.jobId, correlationId: 'c' }) as never);
  for (const message of [failed, older, huge]) await h.complete(message);
  await until(async () => (await skipped('too_large')) === 1 && (await skipped('failed')) === 1 && (await skipped('no_params')) === 1 && (await skipped('started')) === 1, 'the four skips');

  expect(await h.entry(keyOf('address', params))).toBeUndefined();
  expect(await h.entry(keyOf('market', huge.payload.params as Record<string, unknown>))).toBeUndefined();
});

it('keeps the newer entry when an older block arrives late; a newer block or a later run of the same block replaces it', async () => {
  const params = { network: 'devnet', address: ADDRESS_A, quote: ADDRESS_B };
  const key = keyOf('market', params);
  const t0 = new Date('2026-01-01T00:00:10.000Z');
  await h.complete(completion(params, { agent: 'market', blockNumber: 200, finishedAt: t0 }));
  await until(async () => (await h.entry(key))?.blockNumber === 200, 'block 200');

  const olderBefore = await skipped('older_block');
  await h.complete(completion(params, { agent: 'market', blockNumber: 199, finishedAt: new Date(t0.getTime() + 5_000) }));
  await h.complete(completion(params, { agent: 'market', blockNumber: 200, finishedAt: new Date(t0.getTime() - 5_000) }));
  await until(async () => (await skipped('older_block')) === olderBefore + 2, 'two older-block skips');
  expect(await h.entry(key)).toMatchObject({ blockNumber: 200, storedAt: t0.toISOString() });

  await h.complete(completion(params, { agent: 'market', blockNumber: 200, finishedAt: new Date(t0.getTime() + 1_000) }));
  await until(async () => (await h.entry(key))?.storedAt === '2026-01-01T00:00:11.000Z', 'the later run of block 200');
  await h.complete(completion(params, { agent: 'market', blockNumber: 201, finishedAt: t0 }));
  await until(async () => (await h.entry(key))?.blockNumber === 201, 'block 201');
});

it('writes the same entry again when a completion is delivered twice', async () => {
  const params = { network: 'base', address: ADDRESS_B };
  const message = completion(params, { agent: 'security', blockNumber: 77 });
  await h.complete(message);
  const key = keyOf('security', params);
  const first = await until(() => h.redis.get(key), 'the entry');
  const fills = await h.metric('oca_cache_fills_total', { agent: 'security' });

  await h.complete(message);
  await until(async () => (await h.metric('oca_cache_fills_total', { agent: 'security' })) === fills + 1, 'the second fill');
  expect(await h.redis.get(key)).toBe(first);
  expect((await h.entryKeys()).filter((k) => k.includes(':security:'))).toEqual([key]);
});

it('keys an agent version bump apart: the older version entry stays unreachable, not overwritten', async () => {
  const params = { network: 'devnet', lookbackHours: 24, minLiquidityUsd: 1000, limit: 20 };
  const current = AGENT_CATALOG.trend.version;
  await h.complete(completion(params, { agent: 'trend', blockNumber: 10 }));
  await h.complete(completion(params, { agent: 'trend', blockNumber: 11, agentVersion: current + 1 }));
  const [older, newer] = await until(async () => {
    const both = await Promise.all([h.entry(keyOf('trend', params, current)), h.entry(keyOf('trend', params, current + 1))]);
    return both.every(Boolean) && both;
  }, 'both versions');
  expect([older?.blockNumber, newer?.blockNumber]).toEqual([10, 11]);
  expect(keyOf('trend', params, current + 1)).toMatch(new RegExp(`:trend:v${current + 1}:devnet:`));
  // trend params name no address: no target index entry.
  expect(newer?.target).toBeNull();
});

it('fills every completion published while the app was stopped once it is back (the queue held them)', async () => {
  await h.app.stop('test: cache service down');
  const messages = Array.from({ length: 5 }, (_, i) => completion({ network: 'devnet', address: ADDRESS_A, quote: `0x${String(i + 1).padStart(40, '0')}` }, { agent: 'market', blockNumber: 300 + i }));
  for (const message of messages) await h.complete(message);
  await sleep(200);
  expect(await Promise.all(messages.map((m) => h.entry(keyOf('market', m.payload.params as Record<string, unknown>))))).toEqual(Array(5).fill(undefined));

  await h.restart();
  const entries = await until(async () => {
    const all = await Promise.all(messages.map((m) => h.entry(keyOf('market', m.payload.params as Record<string, unknown>))));
    return all.every(Boolean) && all;
  }, 'all five fills after the restart');
  expect(entries.map((e) => e?.blockNumber)).toEqual([300, 301, 302, 303, 304]);
});
