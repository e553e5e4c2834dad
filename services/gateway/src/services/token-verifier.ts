import { createPublicKey } from 'node:crypto';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, Role, type Principal } from '@oca/contracts';
import { createDecoder, createVerifier, TokenError } from 'fast-jwt';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { DomainError } from '../errors';
import type { AuthClient } from './auth-client';

/** `ver` is the user's token version (tokens minted before it existed count as version 0). */
const Claims = z.object({ sub: z.uuid(), role: Role, email: z.string(), ver: z.number().int().min(0).default(0), exp: z.number() });

/** A verified access token: who, and the token version it was minted with. */
export interface VerifiedToken {
  principal: Principal;
  tokenVersion: number;
}

/**
 * How often an unknown `kid` may trigger a JWKS refetch: a forged kid must not flood auth, and a
 * new key after a rotation should be picked up within seconds. Counted apart from the periodic
 * refresh, which must not delay it.
 */
const UNKNOWN_KID_REFETCH_INTERVAL_MS = 5_000;

/**
 * Verifies access tokens locally with auth's public keys (JWKS over RPC, cached). Only EdDSA is
 * accepted, with the expected issuer and audience; `alg: none` and HMAC tokens never verify.
 *
 * Key rotation: auth publishes the current and the previous key. A token with an unknown `kid`
 * triggers a refetch (at most every 30 s), so a new key is picked up on its first token; the
 * periodic refresh (start()) drops a retired key within `refreshIntervalMs`.
 */
/**
 * Verified tokens remembered (by the token itself, each until its `exp`): a client sending the
 * same bearer token again is not decoded, verified and parsed again. Only that is skipped: the
 * revocation check (token version) still runs on every request, and a change of auth's keys
 * (rotation, a retired key) forgets them all.
 */
const VERIFIED_TOKENS_CACHED = 10_000;

type Verify = (token: string) => unknown;

interface KeyVerifier {
  pem: string;
  verify: Verify;
}

export class TokenVerifier {
  /** One verifier per `kid`: the public key is imported once, when the JWKS is fetched. */
  private verifiers = new Map<string, KeyVerifier>();
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS_CACHED });
  private lastUnknownKidFetch = 0;
  private fetching: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly decode = createDecoder({ complete: true });

  constructor(
    private readonly auth: AuthClient,
    private readonly options: { refreshIntervalMs?: number; onRefreshError?: (err: Error) => void } = {},
  ) {}

  /**
   * Fetches the JWKS now (so ordinary tokens never wait for an on-demand fetch, which stays free
   * for a rotation's new key), then every `refreshIntervalMs` (default 5 min) until stop(). A failed
   * first fetch is reported, not thrown: the first token then fetches on demand.
   */
  start(): void {
    this.refresh().catch((err: Error) => this.options.onRefreshError?.(err));
    const interval = this.options.refreshIntervalMs ?? 300_000;
    this.timer ??= setInterval(() => {
      this.refresh().catch((err: Error) => this.options.onRefreshError?.(err));
    }, interval);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const jwks = await this.auth.call('jwks', {});
        const verifiers = new Map<string, KeyVerifier>();
        for (const jwk of jwks.keys) {
          const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
          const known = this.verifiers.get(jwk.kid);
          verifiers.set(jwk.kid, known?.pem === pem ? known : { pem, verify: verifierFor(pem) });
        }
        const unchanged = verifiers.size === this.verifiers.size && [...verifiers].every(([kid, v]) => this.verifiers.get(kid) === v);
        if (!unchanged) this.verified.clear();
        this.verifiers = verifiers;
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }

  private async verifierFor(kid: string | undefined): Promise<Verify | undefined> {
    if (!kid) return undefined;
    if (!this.verifiers.has(kid) && Date.now() - this.lastUnknownKidFetch > UNKNOWN_KID_REFETCH_INTERVAL_MS) {
      this.lastUnknownKidFetch = Date.now();
      await this.refresh();
    }
    return this.verifiers.get(kid)?.verify;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known) return known;
    let kid: string | undefined;
    try {
      kid = (this.decode(token) as { header: { kid?: string } }).header.kid;
    } catch {
      throw new DomainError('unauthorized', 'Malformed access token');
    }
    const verify = await this.verifierFor(kid);
    if (!verify) throw new DomainError('unauthorized', 'Access token signed with an unknown key');
    try {
      const claims = Claims.parse(verify(token));
      const verified: VerifiedToken = { principal: { userId: claims.sub, role: claims.role, email: claims.email, via: 'token' }, tokenVersion: claims.ver };
      const ttl = claims.exp * 1000 - Date.now();
      if (ttl > 0) this.verified.set(token, verified, { ttl });
      return verified;
    } catch (err) {
      if (err instanceof TokenError && err.code === TokenError.codes.expired) {
        throw new DomainError('token_expired', 'Access token expired; refresh it');
      }
      throw new DomainError('unauthorized', 'Invalid access token');
    }
  }
}

function verifierFor(key: string): Verify {
  return createVerifier({
    key,
    algorithms: ['EdDSA'],
    allowedIss: ACCESS_TOKEN_ISSUER,
    allowedAud: ACCESS_TOKEN_AUDIENCE,
    // Without exp a token would never expire; auth always sets these, so a token lacking one
    // was not minted by auth's signer.
    requiredClaims: ['exp', 'iat', 'iss', 'aud', 'sub'],
    cache: false,
  });
}
