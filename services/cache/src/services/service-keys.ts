/**
 * Redis keys only the cache service reads and writes (the shared ones are in contracts
 * REDIS_KEYS). All live outside `<prefix>cache:` so a SCAN over entries never meets them.
 */
export const SERVICE_KEYS = {
  /** Marker while a refresh job for `cacheKey` is in flight: at most one per key */
  refreshing: (prefix: string, cacheKey: string) => `${prefix}cache-refreshing:${cacheKey.slice(prefix.length)}`,
  /** Refreshes published in the current 60 s window, shared by every cache instance */
  refreshBudget: (prefix: string) => `${prefix}cache-refresh-budget`,
  /** Held for one interval by the instance running a refresh round, so rounds (and decay) are not repeated */
  refreshRound: (prefix: string) => `${prefix}cache-refresh-round`,
  /** HASH `<agent>:<outcome>` → count: refresh outcomes of every instance, for the stats RPC */
  refreshOutcomes: (prefix: string) => `${prefix}cache-refreshes`,
} as const;

const REFRESH_CORRELATION = 'refresh:';

/**
 * Correlation id of a refresh job: `refresh:` and the cache key without the Redis prefix (with it,
 * a long prefix could pass the envelope's 128-character limit). The completion carries it back.
 */
export function refreshCorrelationId(prefix: string, cacheKey: string): string {
  return `${REFRESH_CORRELATION}${cacheKey.slice(prefix.length)}`;
}

/** The cache key a refresh job's correlation id names, or undefined for any other job. */
export function refreshedKeyOf(prefix: string, correlationId: string): string | undefined {
  return correlationId.startsWith(REFRESH_CORRELATION) ? `${prefix}${correlationId.slice(REFRESH_CORRELATION.length)}` : undefined;
}
