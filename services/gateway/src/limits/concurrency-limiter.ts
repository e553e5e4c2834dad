import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisScript, type RedisScript } from '../redis-script';

export interface ConcurrencyLimiterOptions {
  redis: Redis;
  /** Redis key prefix, e.g. `oca:long-polls:` */
  keyPrefix: string;
  /** Slots per owner */
  max: number;
}

/**
 * Acquire: drop expired slots, count, add ours if there is room — atomically. A slot is a member of
 * the owner's sorted set scored by its expiry, so a slot leaked by a crashed instance frees
 * itself once its lease ends.
 */
const ACQUIRE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local expires = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) >= max then return 0 end
redis.call('ZADD', key, expires, ARGV[4])
redis.call('PEXPIREAT', key, expires)
return 1
`;

export type Release = () => Promise<void>;

/**
 * Caps how many of one owner's requests may be held open at once across every gateway instance
 * (open long-polls per user, waiting analyze calls per user).
 */
export class ConcurrencyLimiter {
  private readonly acquireScript: RedisScript;

  constructor(private readonly options: ConcurrencyLimiterOptions) {
    this.acquireScript = redisScript(options.redis, 'ocaConcurrencyAcquire', 1, ACQUIRE);
  }

  get max(): number {
    return this.options.max;
  }

  /** A release function, or undefined when the owner already holds `max` slots. */
  async acquire(owner: string, leaseMs: number): Promise<Release | undefined> {
    const { redis, keyPrefix, max } = this.options;
    if (max <= 0) return undefined;
    const key = `${keyPrefix}${owner}`;
    const member = randomUUID();
    const now = Date.now();
    // Redis time would be safer against clock skew between instances; leases are seconds long and
    // hosts run NTP, so the local clock is good enough and saves a round trip.
    const got = Number(await this.acquireScript(key, now, now + leaseMs, max, member));
    if (got !== 1) return undefined;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await redis.zrem(key, member);
    };
  }
}
