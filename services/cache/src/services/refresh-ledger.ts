import type { Redis } from 'ioredis';
import type { CacheMetrics } from '../metrics';
import { SERVICE_KEYS } from './service-keys';

export type RefreshOutcome = 'published' | 'skipped_budget' | 'skipped_in_flight' | 'publish_failed' | 'filled' | 'failed';

/** The budget window starts with its first refresh and lasts a minute; INCR past the budget is refused. */
const TAKE_BUDGET_SCRIPT = `
local used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], 60) end
if used > tonumber(ARGV[1]) then return 0 end
return 1
`;

/** Deletes the marker only while it still names this job: a late completion must not free a newer refresh's claim. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type WithScripts = Redis & {
  ocaTakeRefreshBudget(key: string, perMinute: number): Promise<number>;
  ocaReleaseRefresh(key: string, jobId: string): Promise<number>;
};

export interface RefreshLedgerOptions {
  redis: Redis;
  prefix: string;
  /** CACHE_REFRESHES_PER_MINUTE, shared by every cache instance through Redis */
  perMinute: number;
  /**
   * How long a key counts as being refreshed when its completion never comes back (executor down,
   * job dead-lettered). Its completion clears the marker earlier. @default 120
   */
  markerTtlSeconds?: number;
  metrics: CacheMetrics;
}

/**
 * Refresh-ahead bookkeeping in Redis, so that several cache instances share one budget and one
 * in-flight marker per key: claim a key, take budget, record what happened.
 */
export class RefreshLedger {
  private readonly redis: WithScripts;

  constructor(private readonly options: RefreshLedgerOptions) {
    options.redis.defineCommand('ocaTakeRefreshBudget', { numberOfKeys: 1, lua: TAKE_BUDGET_SCRIPT });
    options.redis.defineCommand('ocaReleaseRefresh', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.redis = options.redis as WithScripts;
  }

  /** True when no refresh of `key` was in flight; the caller then owns it until release or expiry. */
  async claim(key: string, jobId: string): Promise<boolean> {
    const set = await this.redis.set(SERVICE_KEYS.refreshing(this.options.prefix, key), jobId, 'EX', this.options.markerTtlSeconds ?? 120, 'NX');
    return set === 'OK';
  }

  /** Ends the claim `jobId` holds on `key`; false when it had expired or another job holds it now. */
  async release(key: string, jobId: string): Promise<boolean> {
    return (await this.redis.ocaReleaseRefresh(SERVICE_KEYS.refreshing(this.options.prefix, key), jobId)) === 1;
  }

  /** One refresh from this minute's budget; false when it is spent. */
  async takeBudget(): Promise<boolean> {
    return (await this.redis.ocaTakeRefreshBudget(SERVICE_KEYS.refreshBudget(this.options.prefix), this.options.perMinute)) === 1;
  }

  async record(agent: string, outcome: RefreshOutcome): Promise<void> {
    this.options.metrics.refreshes.inc({ agent, outcome });
    await this.redis.hincrby(SERVICE_KEYS.refreshOutcomes(this.options.prefix), `${agent}:${outcome}`, 1);
  }
}
