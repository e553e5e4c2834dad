import { REDIS_KEYS, TOKEN_VERSION_TTL_SECONDS } from '@oca/contracts';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors';
import { redisScript, type RedisScript } from '../redis-script';

/** Raises the marker, never lowers it: two admins' changes may land out of order. */
const RAISE = `local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
local v = tonumber(ARGV[1])
if v > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`;

/**
 * A cached credential and its owner's current token version in one round trip: the entry is JSON
 * with a `userId`, the version key is derived from it (a key outside KEYS: fine on one Redis or a
 * replica set, not on Redis Cluster, which this product does not use).
 */
const READ_WITH_VERSION = `local v = redis.call('GET', KEYS[1])
if not v then return nil end
local ok, d = pcall(cjson.decode, v)
if not ok or type(d) ~= 'table' or type(d.userId) ~= 'string' then return {v, false} end
return {v, redis.call('GET', ARGV[1] .. d.userId .. ARGV[2])}`;

/**
 * Makes a role change or a disablement take effect at once. Access tokens are verified locally
 * and API keys are cached, so after an admin changes an account the gateway records the user's new
 * token version in Redis (shared by every instance); a credential carrying an older version is
 * refused. Fails closed: when Redis cannot answer, the request gets 503 rather than skipping the
 * check.
 */
export class CredentialRevocations {
  private readonly readScript: RedisScript;
  private readonly raiseScript: RedisScript;
  /** The token-version key around a user id (REDIS_KEYS.userTokenVersion), for the read script */
  private readonly versionKeyParts: [string, string];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    const [before, after] = REDIS_KEYS.userTokenVersion(prefix, '\0').split('\0');
    this.versionKeyParts = [before ?? '', after ?? ''];
    this.readScript = redisScript(redis, 'ocaReadWithVersion', 1, READ_WITH_VERSION);
    this.raiseScript = redisScript(redis, 'ocaRaiseTokenVersion', 1, RAISE);
  }

  /** Records the user's version after a change (from auth's answer). */
  async userChanged(userId: string, tokenVersion: number): Promise<void> {
    await this.raiseScript(REDIS_KEYS.userTokenVersion(this.prefix, userId), tokenVersion, TOKEN_VERSION_TTL_SECONDS);
  }

  /**
   * A cached verification (JSON with the owner's `userId`) and, in the same round trip, the owner's
   * current token version (null when no change was recorded). Fails closed like isStale.
   */
  async readWithVersion(cacheKey: string): Promise<{ cached: string | null; currentVersion: number | null }> {
    let answer: [string, string | null] | null;
    try {
      answer = (await this.readScript(cacheKey, ...this.versionKeyParts)) as [string, string | null] | null;
    } catch {
      throw new DomainError('unavailable', 'Cannot check credentials right now; retry shortly');
    }
    if (!answer) return { cached: null, currentVersion: null };
    return { cached: answer[0], currentVersion: answer[1] === null ? null : Number(answer[1]) };
  }

  /** True when the account changed after this credential was minted or verified. */
  async isStale(userId: string, tokenVersion: number): Promise<boolean> {
    let current: string | null;
    try {
      current = await this.redis.get(REDIS_KEYS.userTokenVersion(this.prefix, userId));
    } catch {
      throw new DomainError('unavailable', 'Cannot check credentials right now; retry shortly');
    }
    return current !== null && tokenVersion < Number(current);
  }
}
