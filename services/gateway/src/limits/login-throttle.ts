import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DomainError } from '../errors';

export interface LoginThrottleOptions {
  redis: Redis;
  keyPrefix: string;
  /** Failed logins per account and client IP before the pair is refused. @default 5 */
  maxFailures: number;
  /** Window that starts at the first failure, in seconds. @default 900 */
  windowSeconds: number;
}

/**
 * Login brute-force back-off per account and client IP, shared by every gateway instance through
 * Redis: after `maxFailures` wrong passwords the pair is refused with 429 — without asking auth,
 * so the attacker no longer learns anything — until the window (started by the first failure)
 * ends. A successful login clears the count.
 *
 * Keyed by account *and* IP on purpose: keyed by account alone, anyone could lock a victim out
 * from elsewhere. Spraying one account from many IPs is bounded by the per-IP route limit.
 */
export class LoginThrottle {
  constructor(private readonly options: LoginThrottleOptions) {}

  private key(email: string, ip: string): string {
    // Hashed: Redis never holds the email, and any input makes a fixed-length key.
    const id = createHash('sha256').update(`${email.toLowerCase()}\n${ip}`).digest('hex');
    return `${this.options.keyPrefix}login-failures:${id}`;
  }

  /** Runs `login` unless the pair is locked; counts an `invalid_credentials` failure. */
  async attempt<T>(email: string, ip: string, login: () => Promise<T>): Promise<T> {
    const { redis, maxFailures, windowSeconds } = this.options;
    const key = this.key(email, ip);
    const [failures, ttlMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
    if (Number(failures ?? 0) >= maxFailures) {
      const retryAfter = Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : windowSeconds * 1000) / 1000));
      throw new DomainError(
        'rate_limited',
        `Too many failed logins for this account from your address; try again in ${retryAfter} s`,
        { limit: 'login_failures', max: maxFailures, windowSeconds },
        retryAfter,
      );
    }
    try {
      const result = await login();
      if (failures !== null) await redis.del(key);
      return result;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_credentials') {
        // SET NX starts the window at the first failure; INCR keeps the TTL.
        await redis.multi().set(key, '0', 'EX', windowSeconds, 'NX').incr(key).exec();
      }
      throw err;
    }
  }
}
