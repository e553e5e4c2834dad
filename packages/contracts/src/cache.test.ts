import { createHash } from 'node:crypto';
import { AGENT_CATALOG, AGENT_NAMES } from './agents';
import {
  CACHE_KEY_NO_NETWORK,
  CacheEntry,
  CachePolicy,
  cacheFreshness,
  cacheKey,
  cacheKeyPattern,
  cacheNetworkOf,
  cacheTargetOf,
  parseCacheEntry,
  parseCacheKey,
  parseChainHead,
  SYSTEM_USER_ID,
} from './cache';
import { CacheInvalidateParams } from './cache-rpc';
import { JobCompleted } from './messages';

const ADDRESS = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const PARAMS = { network: 'devnet', address: ADDRESS };

describe('cacheKey', () => {
  it('is <prefix>cache:<agent>:v<version>:<network>:<sha256 of the canonical params>', () => {
    const hash = createHash('sha256').update(`{"address":"${ADDRESS}","network":"devnet"}`).digest('hex');
    expect(cacheKey('oca:', 'address', 1, 'devnet', PARAMS)).toBe(`oca:cache:address:v1:devnet:${hash}`);
  });

  it('does not depend on key order or undefined members', () => {
    const a = cacheKey('p:', 'market', 1, 'devnet', { network: 'devnet', address: ADDRESS, quote: undefined });
    expect(cacheKey('p:', 'market', 1, 'devnet', { address: ADDRESS, network: 'devnet' })).toBe(a);
  });

  it('differs when any field, the agent, the version or the prefix differs', () => {
    const base = cacheKey('p:', 'address', 1, 'devnet', PARAMS);
    const others = [
      cacheKey('p:', 'address', 1, 'devnet', { ...PARAMS, address: ADDRESS.toLowerCase() }),
      cacheKey('p:', 'security', 1, 'devnet', PARAMS),
      cacheKey('p:', 'address', 2, 'devnet', PARAMS),
      cacheKey('q:', 'address', 1, 'devnet', PARAMS),
      cacheKey('p:', 'trend', 1, 'devnet', { network: 'devnet', lookbackHours: 24, minLiquidityUsd: 1000, limit: 20 }),
      cacheKey('p:', 'trend', 1, 'devnet', { network: 'devnet', lookbackHours: 24, minLiquidityUsd: 1000, limit: 21 }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('uses "-" as the network of params without one, and parses back into its parts', () => {
    expect(cacheNetworkOf({ token: ADDRESS })).toBe(CACHE_KEY_NO_NETWORK);
    expect(cacheNetworkOf(PARAMS)).toBe('devnet');
    const key = cacheKey('t[1]:', 'other', 7, null, { token: ADDRESS });
    expect(key).toMatch(/^t\[1\]:cache:other:v7:-:[0-9a-f]{64}$/);
    expect(parseCacheKey('t[1]:', key)).toEqual({ agent: 'other', agentVersion: 7, network: '-', hash: key.slice(-64) });
    expect(parseCacheKey('x:', key)).toBeUndefined();
    expect(parseCacheKey('t[1]:', 't[1]:cache-hits')).toBeUndefined();
  });

  it('targets are params.address ?? params.token, lower-cased', () => {
    expect(cacheTargetOf(PARAMS)).toBe(ADDRESS.toLowerCase());
    expect(cacheTargetOf({ token: ADDRESS })).toBe(ADDRESS.toLowerCase());
    expect(cacheTargetOf({ network: 'devnet', governor: ADDRESS })).toBe(ADDRESS.toLowerCase());
    expect(cacheTargetOf({ network: 'devnet', limit: 20 })).toBeNull();
    expect(cacheTargetOf(null)).toBeNull();
  });
});

describe('cacheKeyPattern', () => {
  it('matches by agent and/or network with the prefix glob-escaped', () => {
    expect(cacheKeyPattern('oca:')).toBe('oca:cache:*:v*:*:*');
    expect(cacheKeyPattern('oca:', { agent: 'market' })).toBe('oca:cache:market:v*:*:*');
    expect(cacheKeyPattern('oca:', { network: 'base' })).toBe('oca:cache:*:v*:base:*');
    expect(cacheKeyPattern('t*[x]?\\:', { agent: 'a', network: '-' })).toBe('t\\*\\[x\\]\\?\\\\:cache:a:v*:-:*');
  });
});

describe('cacheFreshness', () => {
  const storedAt = '2026-01-01T00:00:00.000Z';
  const at = (seconds: number) => new Date(Date.parse(storedAt) + seconds * 1000);
  const entry = { storedAt, blockNumber: 100 };
  const security: CachePolicy = { maxBlocks: 25, maxAgeSeconds: 300 };

  it('age bound: fresh up to and including maxAgeSeconds, with the seconds left as ttl', () => {
    expect(cacheFreshness(entry, security, { now: at(0) })).toEqual({ fresh: true, ageSeconds: 0, ttlSeconds: 300 });
    expect(cacheFreshness(entry, security, { now: at(258.4) })).toEqual({ fresh: true, ageSeconds: 258, ttlSeconds: 41 });
    expect(cacheFreshness(entry, security, { now: at(300) })).toEqual({ fresh: true, ageSeconds: 300, ttlSeconds: 0 });
    expect(cacheFreshness(entry, security, { now: at(300.001) })).toEqual({ fresh: false, ageSeconds: 300, ttlSeconds: 0 });
  });

  it('block bound: head − block ≤ maxBlocks when the head is known', () => {
    expect(cacheFreshness(entry, security, { now: at(1), headBlock: 125 }).fresh).toBe(true);
    expect(cacheFreshness(entry, security, { now: at(1), headBlock: 126 })).toEqual({ fresh: false, ageSeconds: 1, ttlSeconds: 0 });
    // A lagging poller (head behind the entry) never makes an entry stale.
    expect(cacheFreshness(entry, security, { now: at(1), headBlock: 90 }).fresh).toBe(true);
  });

  it('maxBlocks 0 means the same block only; an unknown head leaves age alone to decide', () => {
    const address = AGENT_CATALOG.address.cache;
    expect(cacheFreshness(entry, address, { now: at(5), headBlock: 100 }).fresh).toBe(true);
    expect(cacheFreshness(entry, address, { now: at(5), headBlock: 101 }).fresh).toBe(false);
    expect(cacheFreshness(entry, address, { now: at(5) }).fresh).toBe(true);
    expect(cacheFreshness(entry, address, { now: at(13) }).fresh).toBe(false);
  });

  it('no block bound when the policy has no maxBlocks', () => {
    expect(cacheFreshness(entry, AGENT_CATALOG.trend.cache, { now: at(299), headBlock: 1_000_000 }).fresh).toBe(true);
  });

  it("a caller's larger maxAgeSeconds replaces the policy (age only: an older result was read at an older block); a smaller one changes nothing", () => {
    expect(cacheFreshness(entry, security, { now: at(400), maxAgeSeconds: 600 })).toEqual({ fresh: true, ageSeconds: 400, ttlSeconds: 200 });
    expect(cacheFreshness(entry, security, { now: at(400), maxAgeSeconds: 600, headBlock: 200 }).fresh).toBe(true);
    expect(cacheFreshness(entry, security, { now: at(700), maxAgeSeconds: 600, headBlock: 200 }).fresh).toBe(false);
    expect(cacheFreshness(entry, security, { now: at(200), maxAgeSeconds: 10, headBlock: 200 }).fresh).toBe(false);
    expect(cacheFreshness(entry, security, { now: at(200), maxAgeSeconds: 10 }).fresh).toBe(true);
  });

  it('clamps a negative age (clock skew between hosts) to 0', () => {
    expect(cacheFreshness(entry, security, { now: at(-3) })).toEqual({ fresh: true, ageSeconds: 0, ttlSeconds: 300 });
  });
});

describe('cache contracts', () => {
  it('every catalog agent has a version and a valid policy', () => {
    for (const name of AGENT_NAMES) {
      expect(AGENT_CATALOG[name].version).toBeGreaterThanOrEqual(1);
      expect(CachePolicy.parse(AGENT_CATALOG[name].cache)).toEqual(AGENT_CATALOG[name].cache);
    }
    expect(AGENT_CATALOG.market.cache).toEqual({ maxBlocks: 1, maxAgeSeconds: 30 });
  });

  it('SYSTEM_USER_ID passes the uuid check of job.execute', () => {
    expect(CacheEntry.shape.jobId.safeParse(SYSTEM_USER_ID).success).toBe(true);
  });

  it('parseCacheEntry and parseChainHead turn junk into undefined (a miss), not an error', () => {
    const entry: CacheEntry = {
      v: 1,
      key: 'k',
      agent: 'address',
      agentVersion: 1,
      network: 'devnet',
      params: PARAMS,
      target: ADDRESS.toLowerCase(),
      blockNumber: 7,
      jobId: SYSTEM_USER_ID,
      storedAt: '2026-01-01T00:00:00.000Z',
      result: { ok: true },
    };
    expect(parseCacheEntry(JSON.stringify(entry))).toEqual(entry);
    for (const raw of [null, undefined, '', 'not json', '{"v":2}']) expect(parseCacheEntry(raw)).toBeUndefined();
    expect(parseChainHead('{"block":5,"at":"2026-01-01T00:00:00.000Z"}')).toEqual({ block: 5, at: '2026-01-01T00:00:00.000Z' });
    expect(parseChainHead('{"block":"5"}')).toBeUndefined();
  });

  it('JobCompleted still parses without params/agentVersion (older executors)', () => {
    const completed = {
      v: 1,
      type: 'job.completed',
      id: SYSTEM_USER_ID,
      jobId: SYSTEM_USER_ID,
      correlationId: 'c',
      createdAt: '2026-01-01T00:00:00.000Z',
      payload: { agent: 'address', status: 'succeeded', result: {}, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:00.000Z', durationMs: 1 },
    };
    expect(JobCompleted.parse(completed).payload.params).toBeUndefined();
    expect(JobCompleted.parse({ ...completed, payload: { ...completed.payload, params: PARAMS, agentVersion: 1 } }).payload.agentVersion).toBe(1);
  });

  it('invalidate params: lower-cases the target, refuses unknown agents and fields', () => {
    expect(CacheInvalidateParams.parse({ target: ADDRESS, network: '-' })).toEqual({ target: ADDRESS.toLowerCase(), network: '-' });
    expect(CacheInvalidateParams.safeParse({ agent: 'nope' }).success).toBe(false);
    expect(CacheInvalidateParams.safeParse({ everything: true }).success).toBe(false);
  });
});
