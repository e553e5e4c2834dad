import type { Principal } from '@oca/contracts';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors';
import { redisScript, type RedisScript } from '../redis-script';

/** Reserves `n` if the counter is known and stays within `max`: the new count, -1 (over) or -2 (unknown). */
const RESERVE = `local c = redis.call('GET', KEYS[1])
if not c then return -2 end
c = tonumber(c)
local n = tonumber(ARGV[1])
if c + n > tonumber(ARGV[2]) then return -1 end
redis.call('INCRBY', KEYS[1], n)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return c + n`;

/** Gives back `n`, never below 0, and only to a counter that exists (an expired one is recounted). */
const RELEASE = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local v = redis.call('DECRBY', KEYS[1], ARGV[1])
if v < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL') return 0 end
return v`;

export interface ActiveJobQuotaOptions {
  redis: Redis;
  /** e.g. `oca:` */
  keyPrefix: string;
  max: number;
  /** The authoritative count of a user's queued + running jobs (PostgreSQL) */
  countActive: (userId: string) => Promise<number>;
  /** How long a counter lives without reservations before it is recounted. @default 3600 */
  ttlSeconds?: number;
}

/** Gives back what a reservation took; call it for every job that was not created. */
export type ReleaseJobs = (count?: number) => Promise<void>;

/**
 * Bounds a user's queued + running jobs with a counter in Redis, so a submission costs one Redis
 * call instead of counting the user's backlog in PostgreSQL (which grew with the backlog and was
 * the largest cost of a submit). A submission reserves before the job is written and gives the
 * reservation back if no job was created; a job reaching a terminal state gives its unit back
 * (completion, cancel, stalled sweep).
 *
 * PostgreSQL stays the truth: a counter is (re)built from `countActive` when it is missing (first
 * use, expiry after `ttlSeconds` idle, Redis lost it) and before any refusal, so a counter that
 * drifted high (a crash between a job's end and its release) never refuses a user wrongly. A soft
 * bound: concurrent submissions during a recount may pass it by a few.
 */
export class ActiveJobQuota {
  readonly max: number;
  private readonly ttlSeconds: number;
  private readonly reserveScript: RedisScript;
  private readonly releaseScript: RedisScript;

  constructor(private readonly options: ActiveJobQuotaOptions) {
    this.max = options.max;
    this.ttlSeconds = options.ttlSeconds ?? 3600;
    this.reserveScript = redisScript(options.redis, 'ocaQuotaReserve', 1, RESERVE);
    this.releaseScript = redisScript(options.redis, 'ocaQuotaRelease', 1, RELEASE);
  }

  private key(userId: string): string {
    return `${this.options.keyPrefix}active-jobs:${userId}`;
  }

  /** Reserves room for `adding` jobs, or throws 429 when the caller has too many queued or running. */
  async reserve(principal: Principal, adding = 1): Promise<ReleaseJobs> {
    const { userId } = principal;
    let outcome = await this.tryReserve(userId, adding);
    if (outcome < 0) {
      // Unknown or apparently full: recount from the database, then try once more.
      const active = await this.options.countActive(userId);
      if (active + adding > this.max) throw this.refusal(active);
      await this.options.redis.set(this.key(userId), active, 'EX', this.ttlSeconds);
      outcome = await this.tryReserve(userId, adding);
      if (outcome === -1) throw this.refusal(active);
    }
    let left = adding;
    return async (count = left) => {
      const n = Math.min(count, left);
      if (n <= 0) return;
      left -= n;
      await this.finished(userId, n);
    };
  }

  /** A job of `userId` reached a terminal state (or was never created): its unit is free again. */
  async finished(userId: string, count = 1): Promise<void> {
    await this.releaseScript(this.key(userId), count);
  }

  private async tryReserve(userId: string, adding: number): Promise<number> {
    return Number(await this.reserveScript(this.key(userId), adding, this.max, this.ttlSeconds));
  }

  private refusal(active: number): DomainError {
    return new DomainError(
      'rate_limited',
      `You have ${active} queued or running jobs; at most ${this.max} are allowed. Wait for some to finish or cancel them.`,
      { limit: 'active_jobs', max: this.max, active },
      10,
    );
  }
}
