import type { AdminApiKeyView, AdminUserView, ApiKeyView, UpdateUserBody } from '@oca/contracts';
import { DomainError } from '../errors';
import type { AuthClient } from './auth-client';

export interface AccountAdminOptions {
  auth: Pick<AuthClient, 'call'>;
  /** Records an account's new token version so every instance refuses older credentials (CredentialRevocations) */
  revocations: { userChanged(userId: string, tokenVersion: number): Promise<void> };
  /** Drops a revoked API key's cached verification (ApiKeyVerifier) */
  apiKeyCache: { forget(keyId: string): Promise<void> };
  /** Cancels a disabled user's queued jobs (JobService) */
  jobs: { cancelAllQueued(userId: string): Promise<number> };
}

/** Who acts and from where; auth audits both. */
export interface Actor {
  userId: string;
  ip: string;
  correlationId: string;
}

/**
 * Changes to accounts and credentials that must take effect at once on every gateway instance:
 * auth saves and audits the change, then this records what the gateway's caches must forget.
 */
export class AccountAdmin {
  constructor(private readonly options: AccountAdminOptions) {}

  /**
   * An admin changes a user's role (the plan) or disables/enables the account. Older tokens and
   * cached API keys are refused from now on; disabling also cancels the user's queued jobs
   * (running ones finish) and reports how many as `canceledJobs`.
   */
  async updateUser(actor: Actor, userId: string, change: UpdateUserBody): Promise<AdminUserView & { canceledJobs?: number }> {
    const user = await this.options.auth.call('adminUpdateUser', { actorUserId: actor.userId, ip: actor.ip, userId, ...change }, actor.correlationId);
    try {
      await this.options.revocations.userChanged(user.id, user.tokenVersion);
    } catch {
      // Saved in auth, but older credentials would keep working until they expire. The change is
      // idempotent: repeating the request records the version again.
      throw new DomainError('unavailable', 'The change was saved but could not be applied to live sessions yet; repeat the request');
    }
    if (user.disabledAt !== null && change.disabled === true) {
      return { ...user, canceledJobs: await this.options.jobs.cancelAllQueued(user.id) };
    }
    return user;
  }

  /** The owner revokes one of their API keys; it stops working at once. */
  async revokeOwnApiKey(actor: Actor, keyId: string): Promise<ApiKeyView> {
    const key = await this.options.auth.call('revokeApiKey', { userId: actor.userId, keyId, ip: actor.ip }, actor.correlationId);
    await this.options.apiKeyCache.forget(key.id);
    return key;
  }

  /** An admin revokes any user's API key; it stops working at once. */
  async revokeAnyApiKey(actor: Actor, keyId: string): Promise<AdminApiKeyView> {
    const key = await this.options.auth.call('adminRevokeApiKey', { actorUserId: actor.userId, ip: actor.ip, keyId }, actor.correlationId);
    await this.options.apiKeyCache.forget(key.id);
    return key;
  }
}
