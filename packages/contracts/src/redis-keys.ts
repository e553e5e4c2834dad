/**
 * Redis keys shared between services. Like queue names they are a public API: the gateway writes
 * the cancel marker and the executor reads it.
 */
export const REDIS_KEYS = {
  /** Set when a queued job is canceled; the executor skips the job. */
  jobCanceled: (prefix: string, jobId: string) => `${prefix}job:${jobId}:canceled`,
  /** Set by the executor once a job's completion was confirmed, so a redelivery is not run again. */
  jobDone: (prefix: string, jobId: string) => `${prefix}job:${jobId}:done`,
  /**
   * A user's token version after an admin changed the account (role, disabled): credentials that
   * carry an older version are refused at once by every gateway instance.
   */
  userTokenVersion: (prefix: string, userId: string) => `${prefix}user:${userId}:token-version`,

  // ---- result cache (entries themselves: cacheKey in cache.ts, under `<prefix>cache:`) ----
  // These live outside `<prefix>cache:` so a SCAN over the entries never meets them.

  /**
   * A network's chain head, JSON ChainHead `{block, at}`, written by the cache service's poller
   * with a TTL of a few poll intervals: a dead poller makes the head unknown, never stale.
   */
  chainHead: (prefix: string, network: string) => `${prefix}chain-head:${network}`,
  /** ZSET: member = cache key, score = hits (the gateway ZINCRBYs on every hit; the cache service decays it) */
  cacheHits: (prefix: string) => `${prefix}cache-hits`,
  /** HASH: field `<agent>:<hit|miss|coalesced|bypass>` (cacheLookupField), value = lookups (the gateway HINCRBYs) */
  cacheLookups: (prefix: string) => `${prefix}cache-lookups`,
  /**
   * SET of the cache keys whose params name this target (lower-cased address), on any network;
   * maintained by the cache service on fill with the entries' TTL, so invalidation by target never scans.
   */
  cacheTargetIndex: (prefix: string, target: string) => `${prefix}cache-target:${target}`,
  /**
   * The job now computing the result of a cache key (request coalescing): identical misses follow
   * it instead of running. A hint only — PostgreSQL decides (JobStore.follow checks the leader is
   * still active); set NX by the leader, deleted by it when it finishes, with a TTL as a backstop.
   */
  cacheInflight: (prefix: string, cacheKey: string) => `${prefix}cache-inflight:${cacheKey.slice(prefix.length)}`,
} as const;

/** Token-version markers outlive any access token (at most 24 h) and any API key cache entry. */
export const TOKEN_VERSION_TTL_SECONDS = 2 * 24 * 3600;

/** Markers live a week: longer than any retry schedule. */
export const JOB_MARKER_TTL_SECONDS = 7 * 24 * 3600;
