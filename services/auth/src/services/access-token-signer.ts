import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type Role } from '@oca/contracts';
import { createSigner } from 'fast-jwt';
import type { SigningKey } from './signing-key';

export interface AccessTokenSubject {
  userId: string;
  email: string;
  role: Role;
  /** The user's token version (`ver`): the gateway refuses tokens older than the latest role change or disablement */
  tokenVersion: number;
}

/** Issues short-lived EdDSA access tokens (`sub`, `role`, `email`, `ver`; `iss`, `aud`; `kid` in the header). */
export class AccessTokenSigner {
  private readonly sign: (payload: Record<string, unknown>) => string;

  constructor(
    key: SigningKey,
    /** Lifetime in seconds */
    readonly ttlSeconds: number,
  ) {
    this.sign = createSigner({
      algorithm: 'EdDSA',
      key: key.privateKeyPem,
      kid: key.kid,
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
      // fast-jwt takes milliseconds
      expiresIn: ttlSeconds * 1000,
    });
  }

  issue(subject: AccessTokenSubject): string {
    return this.sign({ sub: subject.userId, role: subject.role, email: subject.email, ver: subject.tokenVersion });
  }
}
