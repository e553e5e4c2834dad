import { parseRpcUrls } from '@oca/chain';
import { commonEnv, envInt, evenWithFieldIssues, parseEnv, redisEnv, refineServiceEnv, resolveSecretFiles } from '@oca/config';
import type { Network } from '@oca/contracts';
import { z } from 'zod';

/** Seconds, fractions allowed (tests run rounds every few hundred ms). */
const envSeconds = (defaultValue: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(defaultValue);

const Env = z
  .object({
    ...commonEnv,
    ...redisEnv,
    /** Port of /health, /ready and /metrics */
    CACHE_METRICS_PORT: envInt(9104, 0, 65535),
    /**
     * Redis TTL of an entry, in seconds. Longer than any agent's freshness bound on purpose: a
     * request's `maxAgeSeconds` may accept an older entry, and Redis memory is bounded by maxmemory.
     */
    CACHE_TTL_SECONDS: envInt(3600, 60, 7 * 24 * 3600),
    /** Results larger than this (bytes of the stored JSON) are not cached: they would crowd out many small ones */
    CACHE_MAX_ENTRY_BYTES: envInt(512 * 1024, 1024, 64 * 1024 * 1024),
    /** Completions written at once (the consumer's prefetch) */
    CACHE_FILL_CONCURRENCY: envInt(16, 1, 256),
    /**
     * Seconds between eth_blockNumber polls of each network with an RPC URL; 0 = off (freshness by
     * age only). Heads expire after 3 intervals, so a dead poller never leaves a stale head.
     */
    CHAIN_HEAD_POLL_SECONDS: envSeconds(4, 0, 3600),
    /** Timeout of one eth_blockNumber request, in ms: a head that takes longer than a poll interval is of little use */
    CHAIN_HEAD_TIMEOUT_MS: envInt(3_000, 100),
    /** Seconds between refresh-ahead rounds (hot keys read, due ones refreshed, hit counts decayed) */
    CACHE_REFRESH_INTERVAL_SECONDS: envSeconds(5, 0.05, 3600),
    /** A hot entry is refreshed when it will stop being fresh within this many seconds (by age, or by blocks) */
    CACHE_REFRESH_AHEAD_SECONDS: envSeconds(10, 0, 3600),
    /** Refresh jobs published per minute, across all cache instances; 0 = refresh-ahead off */
    CACHE_REFRESHES_PER_MINUTE: envInt(60, 0, 100_000),
    /** Hottest keys looked at per round */
    CACHE_REFRESH_TOP_N: envInt(100, 1, 10_000),
    /** Decayed hit count a key needs to be refreshed: one lucky hit is not worth an agent run */
    CACHE_REFRESH_MIN_HITS: z.coerce.number().min(0).default(2),
    /** Keys kept in the hit-count ZSET after each round (the rest are dropped) */
    CACHE_HOT_KEYS_MAX: envInt(1_000, 1, 1_000_000),
    /** Half-life of a hit count, in seconds: scores are scaled by 0.5^(interval / half-life) each round */
    CACHE_HOT_HALF_LIFE_SECONDS: envSeconds(300, 1, 7 * 24 * 3600),
    /** Seconds between updates of the oca_cache_entries / oca_cache_bytes gauges (a SCAN of every entry); 0 = only on the stats RPC */
    CACHE_STATS_INTERVAL_SECONDS: envSeconds(30, 0, 24 * 3600),
  })
  .superRefine(refineServiceEnv, evenWithFieldIssues);

export type CacheEnv = z.infer<typeof Env> & {
  /**
   * RPC_URL_<NETWORK>: comma-separated URLs, the same variables the executor reads (the poller
   * uses the first that answers). RPC_URL_<NETWORK>_FILE works too: provider URLs carry API keys.
   */
  rpcUrls: Partial<Record<Network, string[]>>;
};

export function loadEnv(env: Record<string, string | undefined> = process.env): CacheEnv {
  return { ...parseEnv(Env, env), rpcUrls: parseRpcUrls(resolveSecretFiles(env, /^RPC_URL_[A-Z0-9_]+$/)) };
}
