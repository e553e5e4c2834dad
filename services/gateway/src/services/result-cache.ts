import {
  AGENT_CATALOG,
  cacheFreshness,
  cacheKey,
  cacheLookupField,
  cacheNetworkOf,
  canonicalJson,
  isAgentName,
  parseCacheEntry,
  parseChainHead,
  REDIS_KEYS,
  type CacheEntry,
  type CacheLookupStatus,
  type Freshness,
} from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { Redis } from 'ioredis';
import type { GatewayMetrics } from '../metrics';
import { redisScript, type RedisScript } from '../redis-script';

export interface ResultCacheOptions {
  redis: Redis;
  /** REDIS_PREFIX: the cache service writes entries under the same prefix */
  prefix: string;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Backstop lifetime of an in-flight marker (its leader deletes it on finishing). @default 900 */
  inflightTtlSeconds?: number;
  /**
   * The shared counters (lookups by agent and outcome for stats, hits per key for refresh-ahead)
   * are added up here and written at most this often, in one pipeline. @default 1000
   */
  countersFlushMs?: number;
}

/** Distinct hit keys held while Redis cannot take the counters; beyond it the coldest counts drop. */
const MAX_PENDING_HIT_KEYS = 10_000;

export interface LookupOptions {
  /** The client asked for a fresh run (Cache-Control: no-cache, or body `cache: "bypass"`) */
  bypass?: boolean;
  /** The client accepts older entries than the agent's policy (body `maxAgeSeconds`) */
  maxAgeSeconds?: number;
}

export type CacheLookup =
  | { status: 'hit'; key: string; entry: CacheEntry; freshness: Freshness }
  | { status: 'miss' | 'bypass'; key: string };

/** Deletes the in-flight marker only if it still names this leader (a newer leader may own it). */
const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Shortens the marker's life to ARGV[2] seconds, only if it still names this leader. */
const EXPIRE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * The gateway's side of the result cache: it reads entries straight from Redis on the submit path
 * (the cache service writes them from completions and owns the policy's upkeep). One round trip
 * reads the entry and its network's chain head; freshness is the shared rule in @oca/contracts.
 * Also keeps the in-flight markers of request coalescing.
 */
export class ResultCache {
  private readonly inflightTtlSeconds: number;
  private readonly countersFlushMs: number;
  /** Counts not yet in Redis: lookups by hash field, hits by entry key. */
  private lookupCounts = new Map<string, number>();
  private hitCounts = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly releaseIfOwner: RedisScript;
  private readonly expireIfOwner: RedisScript;

  constructor(private readonly options: ResultCacheOptions) {
    this.inflightTtlSeconds = options.inflightTtlSeconds ?? 900;
    this.countersFlushMs = options.countersFlushMs ?? 1000;
    this.releaseIfOwner = redisScript(options.redis, 'ocaCacheReleaseIfOwner', 1, RELEASE_IF_OWNER);
    this.expireIfOwner = redisScript(options.redis, 'ocaCacheExpireIfOwner', 1, EXPIRE_IF_OWNER);
  }

  /** The entry key of these params (validated, defaults applied) under the agent's current version. */
  keyFor(agent: string, params: unknown): string {
    const version = isAgentName(agent) ? AGENT_CATALOG[agent].version : 0;
    return cacheKey(this.options.prefix, agent, version, cacheNetworkOf(params), params);
  }

  async lookup(agent: string, params: unknown, options: LookupOptions = {}): Promise<CacheLookup> {
    const key = this.keyFor(agent, params);
    if (options.bypass || !isAgentName(agent)) return this.counted(agent, { status: 'bypass', key });
    const { redis, prefix, logger } = this.options;
    let raw: (string | null)[];
    try {
      // One command for the entry and its network's chain head (no pipeline object per lookup).
      raw = await redis.mget(key, REDIS_KEYS.chainHead(prefix, cacheNetworkOf(params)));
    } catch (err) {
      // The cache is an optimisation: when it cannot answer, the job runs.
      logger.warn({ err: (err as Error).message }, 'cache lookup failed; running the job');
      return this.counted(agent, { status: 'miss', key });
    }
    const entry = parseCacheEntry(raw[0]);
    // The key already encodes agent, version and params; comparing them again means a cached
    // result can never be served for a request that differs in any field.
    if (!entry || entry.agent !== agent || entry.agentVersion !== AGENT_CATALOG[agent].version || canonicalJson(entry.params) !== canonicalJson(params)) {
      return this.counted(agent, { status: 'miss', key });
    }
    const head = parseChainHead(raw[1]);
    const freshness = cacheFreshness(entry, AGENT_CATALOG[agent].cache, { now: new Date(), headBlock: head?.block, maxAgeSeconds: options.maxAgeSeconds });
    if (!freshness.fresh) return this.counted(agent, { status: 'miss', key });
    return this.counted(agent, { status: 'hit', key, entry, freshness });
  }

  /** A miss followed an identical job in flight: counted as `coalesced` (hit rate counts it as served). */
  coalesced(agent: string): void {
    this.record(agent, 'coalesced');
  }

  /**
   * Claims leadership of `key` for `jobId` unless another job holds it: null when `jobId` leads,
   * else the id of the job that does.
   */
  async claimLeader(key: string, jobId: string): Promise<string | null> {
    const marker = REDIS_KEYS.cacheInflight(this.options.prefix, key);
    // SET … NX GET (Redis ≥ 7): set-if-absent and read the holder in one step.
    const previous = (await this.options.redis.call('SET', marker, jobId, 'NX', 'GET', 'EX', this.inflightTtlSeconds)) as string | null;
    return previous === jobId ? null : previous;
  }

  /** `jobId` leads `key` from now on (the previous leader finished, was canceled or runs lower). */
  async takeOverLeader(key: string, jobId: string): Promise<void> {
    await this.options.redis.set(REDIS_KEYS.cacheInflight(this.options.prefix, key), jobId, 'EX', this.inflightTtlSeconds);
  }

  /** The leader finished: identical misses from now on look at the cache (filled soon) or lead. */
  async releaseLeader(key: string, jobId: string): Promise<void> {
    await this.releaseIfOwner(REDIS_KEYS.cacheInflight(this.options.prefix, key), jobId);
  }

  /** The leader succeeded: its marker lives on for `seconds` (its result's freshness), then goes. */
  async retainLeader(key: string, jobId: string, seconds: number): Promise<void> {
    await this.expireIfOwner(REDIS_KEYS.cacheInflight(this.options.prefix, key), jobId, Math.max(1, seconds));
  }

  private counted<T extends CacheLookup>(agent: string, lookup: T): T {
    const status = lookup.status;
    // `miss` that then coalesces is re-counted by coalesced(): count it only once it is known.
    if (status !== 'miss') this.record(agent, status);
    if (status === 'hit') this.add(this.hitCounts, lookup.key, 1);
    return lookup;
  }

  /**
   * Counts a lookup outcome in Prometheus at once, and in the shared Redis hash the cache service
   * reads for stats with the next flush of the counters.
   */
  record(agent: string, status: CacheLookupStatus): void {
    this.options.metrics.cacheLookups.inc({ agent, status });
    this.add(this.lookupCounts, cacheLookupField(agent, status), 1);
  }

  /**
   * Writes the counts added up since the last flush (HINCRBY per lookup field, ZINCRBY per hit key,
   * one pipeline): every `countersFlushMs` while counts come in, and on close. Two Redis commands
   * per hit became a share of one per second. Counts Redis did not take are kept for the next
   * flush (at most MAX_PENDING_HIT_KEYS hit keys); a gateway that dies loses at most the last
   * interval's counts, which only steer stats and refresh-ahead.
   */
  flushCounters(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // One flush at a time, in order: each takes what was counted when its turn comes.
    this.flushing = this.flushing.then(() => this.writeCounters());
    return this.flushing;
  }

  /** One flush's pipeline; never throws (what Redis did not take goes back into the counts). */
  private async writeCounters(): Promise<void> {
    const lookups = this.lookupCounts;
    const hits = this.hitCounts;
    if (lookups.size === 0 && hits.size === 0) return;
    this.lookupCounts = new Map();
    this.hitCounts = new Map();
    const { redis, prefix, logger } = this.options;
    const pipeline = redis.pipeline();
    for (const [field, n] of lookups) pipeline.hincrby(REDIS_KEYS.cacheLookups(prefix), field, n);
    for (const [key, n] of hits) pipeline.zincrby(REDIS_KEYS.cacheHits(prefix), n, key);
    try {
      const failed = ((await pipeline.exec()) ?? []).find(([err]) => err)?.[0];
      if (failed) throw failed;
    } catch (err) {
      // A partly applied pipeline is counted again: stats may over-count a little, never lose a flush.
      logger.warn({ err: (err as Error).message }, 'cache counters not written; kept for the next flush');
      for (const [field, n] of lookups) this.add(this.lookupCounts, field, n);
      for (const [key, n] of [...hits].sort((a, b) => b[1] - a[1])) {
        if (this.hitCounts.size >= MAX_PENDING_HIT_KEYS && !this.hitCounts.has(key)) break;
        this.add(this.hitCounts, key, n);
      }
    }
  }

  /** Writes what is counted and stops the flush timer (shutdown). */
  async close(): Promise<void> {
    await this.flushCounters();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private add(counts: Map<string, number>, key: string, n: number): void {
    counts.set(key, (counts.get(key) ?? 0) + n);
    this.flushTimer ??= setTimeout(() => void this.flushCounters(), this.countersFlushMs).unref();
  }
}
