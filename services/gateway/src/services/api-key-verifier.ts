import { hash } from 'node:crypto';
import { Principal, VerifiedApiKey } from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { AuthClient } from './auth-client';
import type { CredentialRevocations } from './credential-revocations';

/** How one request reaches the cache (see verify). */
export interface ApiKeyLookup {
  /**
   * Reads the cached verification and its owner's token version in one round trip (the
   * request's RequestGate, which also counts its limits there). @default CredentialRevocations.readWithVersion
   */
  lookup?: (cacheKey: string) => Promise<{ cached: string | null; currentVersion: number | null }>;
  /** Awaited before auth is asked (the key not cached): the request's per-IP verdict, so a refused client cannot make the gateway call auth */
  beforeAuth?: () => Promise<void>;
}

/**
 * Verifies API keys through auth, caching a positive answer in Redis for `ttlSeconds`. The cache
 * key is a hash: Redis never holds a usable key. A revocation takes effect at once: revoking
 * (owner or admin) deletes the cached entry through a per-key index, and an admin's change to the
 * owner (disabled, new role) makes every cached entry of theirs stale by token version.
 */
export class ApiKeyVerifier {
  /** Verifications by auth in flight, by cache key (a hash of the API key) */
  private readonly verifying = new Map<string, Promise<Principal>>();

  constructor(
    private readonly auth: AuthClient,
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
    private readonly revocations: Pick<CredentialRevocations, 'readWithVersion'>,
  ) {}

  private cacheKey(apiKey: string): string {
    return `${this.keyPrefix}apikey:${hash('sha256', apiKey, 'hex')}`;
  }

  private indexKey(keyId: string): string {
    return `${this.keyPrefix}apikey-id:${keyId}`;
  }

  async verify(apiKey: string, via: ApiKeyLookup = {}): Promise<Principal> {
    const cacheKey = this.cacheKey(apiKey);
    if (this.ttlSeconds > 0) {
      // The cached verification and the owner's token version in one round trip.
      const { cached, currentVersion } = await (via.lookup ? via.lookup(cacheKey) : this.revocations.readWithVersion(cacheKey));
      const parsed = cached ? VerifiedApiKey.safeParse(JSON.parse(cached)) : undefined;
      if (parsed?.success && (currentVersion === null || parsed.data.tokenVersion >= currentVersion)) {
        return Principal.parse(parsed.data);
      }
    }
    // Single flight: when the cached entry is missing (first use, expiry), the many requests a
    // client has in flight with the same key make one call to auth, not one each.
    await via.beforeAuth?.();
    let verifying = this.verifying.get(cacheKey);
    if (!verifying) {
      verifying = this.verifyWithAuth(apiKey, cacheKey).finally(() => this.verifying.delete(cacheKey));
      this.verifying.set(cacheKey, verifying);
    }
    return verifying;
  }

  private async verifyWithAuth(apiKey: string, cacheKey: string): Promise<Principal> {
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
