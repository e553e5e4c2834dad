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
} as const;

/** Token-version markers outlive any access token (at most 24 h) and any API key cache entry. */
export const TOKEN_VERSION_TTL_SECONDS = 2 * 24 * 3600;

/** Markers live a week: longer than any retry schedule. */
export const JOB_MARKER_TTL_SECONDS = 7 * 24 * 3600;
