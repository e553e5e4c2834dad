import { REDIS_KEYS, TOKEN_VERSION_TTL_SECONDS } from '@oca/contracts';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors';

/** Raises the marker, never lowers it: two admins' changes may land out of order. */
const RAISE = `local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
local v = tonumber(ARGV[1])
if v > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`;

/**
 * Makes a role change or a disablement take effect at once. Access tokens are verified locally
 * and API keys are cached, so after an admin changes an account the gateway records the user's new
 * token version in Redis (shared by every instance); a credential carrying an older version is
 * refused. Fails closed: when Redis cannot answer, the request gets 503 rather than skipping the
 * check.
 */
export class CredentialRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Records the user's version after a change (from auth's answer). */
  async userChanged(userId: string, tokenVersion: number): Promise<void> {
    await this.redis.eval(RAISE, 1, REDIS_KEYS.userTokenVersion(this.prefix, userId), tokenVersion, TOKEN_VERSION_TTL_SECONDS);
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
