import { createPublicKey } from 'node:crypto';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, Role, type Principal } from '@oca/contracts';
import { createDecoder, createVerifier, TokenError } from 'fast-jwt';
import { z } from 'zod';
import { ApiError } from '../errors';
import type { AuthClient } from './auth-client';

const Claims = z.object({ sub: z.uuid(), role: Role, email: z.string() });

/** How often an unknown `kid` may trigger a JWKS refetch (a forged kid must not flood auth). */
const JWKS_REFRESH_MIN_INTERVAL_MS = 30_000;

/**
 * Verifies access tokens locally with auth's public keys (JWKS over RPC, cached). Only EdDSA is
 * accepted, with the expected issuer and audience; `alg: none` and HMAC tokens never verify.
 */
export class TokenVerifier {
  private keys = new Map<string, string>();
  private lastFetch = 0;
  private fetching: Promise<void> | undefined;
  private readonly decode = createDecoder({ complete: true });

  constructor(private readonly auth: AuthClient) {}

  async refresh(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const jwks = await this.auth.call('jwks', {});
        const keys = new Map<string, string>();
        for (const jwk of jwks.keys) {
          keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString());
        }
        this.keys = keys;
        this.lastFetch = Date.now();
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }

  private async keyFor(kid: string | undefined): Promise<string | undefined> {
    if (!kid) return undefined;
    if (!this.keys.has(kid) && Date.now() - this.lastFetch > JWKS_REFRESH_MIN_INTERVAL_MS) await this.refresh();
    return this.keys.get(kid);
  }

  async verify(token: string): Promise<Principal> {
    let kid: string | undefined;
    try {
      kid = (this.decode(token) as { header: { kid?: string } }).header.kid;
    } catch {
      throw new ApiError('unauthorized', 'Malformed access token');
    }
    const key = await this.keyFor(kid);
    if (!key) throw new ApiError('unauthorized', 'Access token signed with an unknown key');
    try {
      const verify = createVerifier({
        key,
        algorithms: ['EdDSA'],
        allowedIss: ACCESS_TOKEN_ISSUER,
        allowedAud: ACCESS_TOKEN_AUDIENCE,
        // Without exp a token would never expire; auth always sets these, so a token lacking one
        // was not minted by auth's signer.
        requiredClaims: ['exp', 'iat', 'iss', 'aud', 'sub'],
        cache: false,
      });
      const claims = Claims.parse(verify(token));
      return { userId: claims.sub, role: claims.role, email: claims.email, via: 'token' };
    } catch (err) {
      if (err instanceof TokenError && err.code === TokenError.codes.expired) {
        throw new ApiError('token_expired', 'Access token expired; refresh it');
      }
      throw new ApiError('unauthorized', 'Invalid access token');
    }
  }
}
