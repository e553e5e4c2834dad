import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Jwks } from '@oca/contracts';
import type { Logger } from '@oca/observability';

export interface SigningKeyOptions {
  /** Ed25519 private key, PKCS8 PEM; when absent an ephemeral key is generated (not in production). */
  privateKeyPem?: string;
  /** @default the RFC 7638 thumbprint of the public key */
  kid?: string;
  production: boolean;
  logger: Logger;
}

interface OkpJwk {
  kty: string;
  crv: string;
  x: string;
}

/**
 * The key that signs access tokens. Only the private PEM leaves this object (to the signer);
 * everything else sees the public JWK.
 */
export class SigningKey {
  readonly kid: string;
  readonly privateKeyPem: string;
  readonly publicJwk: OkpJwk;

  private constructor(privateKey: KeyObject, kid: string | undefined) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the signing key must be an Ed25519 private key');
    this.privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' });
    if (!kty || !crv || !x) throw new Error('cannot export the public key as a JWK');
    this.publicJwk = { kty, crv, x };
    this.kid = kid ?? jwkThumbprint(this.publicJwk);
  }

  static load(options: SigningKeyOptions): SigningKey {
    if (options.privateKeyPem) return new SigningKey(createPrivateKey(options.privateKeyPem), options.kid);
    if (options.production) throw new Error('AUTH_SIGNING_KEY is required in production');
    const { privateKey } = generateKeyPairSync('ed25519');
    const key = new SigningKey(privateKey, options.kid);
    options.logger.warn(
      { kid: key.kid },
      'AUTH_SIGNING_KEY not set: signing with an ephemeral key; tokens stop verifying when this process restarts',
    );
    return key;
  }

  /** A key given as PEM (the previous key of a rotation: no fallback, no generation). */
  static fromPem(privateKeyPem: string, kid?: string): SigningKey {
    return new SigningKey(createPrivateKey(privateKeyPem), kid);
  }

  /** The public key set the gateway verifies access tokens with. */
  jwks(): Jwks {
    return { keys: [this.jwk()] };
  }

  jwk(): Jwks['keys'][number] {
    return { ...this.publicJwk, kid: this.kid, alg: 'EdDSA', use: 'sig' };
  }
}

/**
 * The signing key and, during a rotation, the key it replaced. New tokens are signed with
 * `current` only; the JWKS publishes both, so tokens signed before the rotation keep verifying
 * until they expire. Rotation: move the old key to AUTH_SIGNING_KEY_PREVIOUS, put the new one in
 * AUTH_SIGNING_KEY, restart auth; once a whole access-token lifetime has passed, drop the previous.
 */
export class SigningKeyRing {
  constructor(
    readonly current: SigningKey,
    readonly previous?: SigningKey,
  ) {
    if (previous && previous.kid === current.kid) {
      throw new Error('the previous signing key has the same kid as the current one; give each key its own kid');
    }
  }

  jwks(): Jwks {
    return { keys: this.previous ? [this.current.jwk(), this.previous.jwk()] : [this.current.jwk()] };
  }
}

/** RFC 7638 thumbprint: sha256 over the required OKP members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: OkpJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}
