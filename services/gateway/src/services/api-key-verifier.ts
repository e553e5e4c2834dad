import { createHash } from 'node:crypto';
import { Principal, VerifiedApiKey } from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { AuthClient } from './auth-client';
import type { CredentialRevocations } from './credential-revocations';

/**
 * Verifies API keys through auth, caching a positive answer in Redis for `ttlSeconds`. The cache
 * key is a hash: Redis never holds a usable key. A revocation takes effect at once: revoking
 * (owner or admin) deletes the cached entry through a per-key index, and an admin's change to the
 * owner (disabled, new role) makes every cached entry of theirs stale by token version.
 */
export class ApiKeyVerifier {
  constructor(
    private readonly auth: AuthClient,
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
    private readonly revocations: Pick<CredentialRevocations, 'isStale'>,
  ) {}

  private cacheKey(apiKey: string): string {
    return `${this.keyPrefix}apikey:${createHash('sha256').update(apiKey).digest('hex')}`;
  }

  private indexKey(keyId: string): string {
    return `${this.keyPrefix}apikey-id:${keyId}`;
  }

  async verify(apiKey: string): Promise<Principal> {
    const cacheKey = this.cacheKey(apiKey);
    if (this.ttlSeconds > 0) {
      const cached = await this.redis.get(cacheKey);
      const parsed = cached ? VerifiedApiKey.safeParse(JSON.parse(cached)) : undefined;
      if (parsed?.success && !(await this.revocations.isStale(parsed.data.userId, parsed.data.tokenVersion))) {
        return Principal.parse(parsed.data);
      }
    }
    const verified = await this.auth.call('verifyApiKey', { key: apiKey });
    if (this.ttlSeconds > 0 && verified.apiKeyId) {
      await this.redis
        .multi()
        .set(cacheKey, JSON.stringify(verified), 'EX', this.ttlSeconds)
        .set(this.indexKey(verified.apiKeyId), cacheKey, 'EX', this.ttlSeconds)
        .exec();
    }
    return Principal.parse(verified);
  }

  /** Drops the cached verification of a key that was just revoked, so it stops working at once. */
  async forget(keyId: string): Promise<void> {
    const cacheKey = await this.redis.get(this.indexKey(keyId));
    if (cacheKey) await this.redis.del(cacheKey, this.indexKey(keyId));
  }
}
