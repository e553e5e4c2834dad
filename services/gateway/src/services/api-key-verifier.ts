import { createHash } from 'node:crypto';
import { Principal } from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { AuthClient } from './auth-client';

/**
 * Verifies API keys through auth, caching a positive answer in Redis for `ttlSeconds` — so a
 * revoked key stops working within that many seconds. The cache key is a hash: Redis never
 * holds a usable key.
 */
export class ApiKeyVerifier {
  constructor(
    private readonly auth: AuthClient,
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async verify(apiKey: string): Promise<Principal> {
    const cacheKey = `${this.keyPrefix}apikey:${createHash('sha256').update(apiKey).digest('hex')}`;
    if (this.ttlSeconds > 0) {
      const cached = await this.redis.get(cacheKey);
      if (cached) {
        const parsed = Principal.safeParse(JSON.parse(cached));
        if (parsed.success) return parsed.data;
      }
    }
    const principal = await this.auth.call('verifyApiKey', { key: apiKey });
    if (this.ttlSeconds > 0) await this.redis.set(cacheKey, JSON.stringify(principal), 'EX', this.ttlSeconds);
    return principal;
  }
}
