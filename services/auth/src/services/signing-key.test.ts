import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, Jwks } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { createDecoder, createVerifier } from 'fast-jwt';
import { Writable } from 'node:stream';
import { AccessTokenSigner } from './access-token-signer';
import { jwkThumbprint, SigningKey, SigningKeyRing } from './signing-key';

const silent = createLogger({ service: 'auth-test', level: 'silent' });
const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('SigningKey', () => {
  it('publishes an OKP/Ed25519 JWKS whose kid defaults to the RFC 7638 thumbprint', () => {
    const key = SigningKey.load({ privateKeyPem: pem(), production: true, logger: silent });
    const jwks = Jwks.parse(key.jwks());
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: key.kid });
    expect(jwk).not.toHaveProperty('d');
    expect(key.kid).toBe(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk!.x! }));
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('matches the RFC 8037 appendix A.3 thumbprint', () => {
    const x = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('keeps a configured kid and rejects non-Ed25519 keys', () => {
    expect(SigningKey.load({ privateKeyPem: pem(), kid: 'k-2025', production: true, logger: silent }).kid).toBe('k-2025');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => SigningKey.load({ privateKeyPem: rsa, production: false, logger: silent })).toThrow(/Ed25519/);
  });

  it('generates an ephemeral key with a warning outside production, and refuses in production', () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'auth-test',
      destination: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }),
    });
    const key = SigningKey.load({ production: false, logger });
    expect(key.jwks().keys[0]?.x).toBeDefined();
    expect(lines.join('')).toMatch(/"level":40.*ephemeral key/);
    expect(lines.join('')).not.toContain('PRIVATE KEY');
    expect(() => SigningKey.load({ production: true, logger: silent })).toThrow(/required in production/);
  });
});

describe('AccessTokenSigner', () => {
  it('signs EdDSA tokens that verify with the JWKS public key and carry the expected claims', () => {
    const key = SigningKey.load({ privateKeyPem: pem(), production: true, logger: silent });
    const signer = new AccessTokenSigner(key, 900);
    const token = signer.issue({ userId: '5f7c3e0e-6d0a-4a43-9a55-0c4d33a1f3b1', email: 'a@example.com', role: 'premium', tokenVersion: 3 });

    const publicPem = createPublicKey({ key: key.jwks().keys[0]!, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const verify = createVerifier({ key: publicPem, algorithms: ['EdDSA'], allowedIss: ACCESS_TOKEN_ISSUER, allowedAud: ACCESS_TOKEN_AUDIENCE });
    const claims = verify(token) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: '5f7c3e0e-6d0a-4a43-9a55-0c4d33a1f3b1', role: 'premium', email: 'a@example.com', ver: 3 });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    const { header } = createDecoder({ complete: true })(token) as { header: Record<string, unknown> };
    expect(header).toMatchObject({ alg: 'EdDSA', kid: key.kid });

    const other = SigningKey.load({ privateKeyPem: pem(), production: true, logger: silent });
    const otherPem = createPublicKey({ key: other.jwks().keys[0]!, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createVerifier({ key: otherPem, algorithms: ['EdDSA'] })(token)).toThrow();
  });
});

describe('SigningKeyRing (rotation)', () => {
  const subject = { userId: '5f7c3e0e-6d0a-4a43-9a55-0c4d33a1f3b1', email: 'a@example.com', role: 'user' as const, tokenVersion: 0 };
  /** Verifies like the gateway: pick the JWKS entry by the token's kid. */
  const verifyWith = (jwks: Jwks, token: string) => {
    const { header } = createDecoder({ complete: true })(token) as { header: { kid: string } };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk) throw new Error(`no key ${header.kid}`);
    const key = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    return createVerifier({ key, algorithms: ['EdDSA'], allowedIss: ACCESS_TOKEN_ISSUER, allowedAud: ACCESS_TOKEN_AUDIENCE })(token) as Record<string, unknown>;
  };

  it('publishes current and previous; tokens of both verify, and only the current key signs', () => {
    const oldKey = SigningKey.fromPem(pem(), 'k-1');
    const oldToken = new AccessTokenSigner(oldKey, 900).issue(subject);

    const ring = new SigningKeyRing(SigningKey.fromPem(pem(), 'k-2'), SigningKey.fromPem(oldKey.privateKeyPem, 'k-1'));
    const jwks = Jwks.parse(ring.jwks());
    expect(jwks.keys.map((k) => k.kid)).toEqual(['k-2', 'k-1']);
    expect(jwks.keys.every((k) => !('d' in k))).toBe(true);

    const newToken = new AccessTokenSigner(ring.current, 900).issue(subject);
    expect(verifyWith(jwks, oldToken).sub).toBe(subject.userId);
    expect(verifyWith(jwks, newToken).sub).toBe(subject.userId);
    expect((createDecoder({ complete: true })(newToken) as { header: { kid: string } }).header.kid).toBe('k-2');

    // Once the previous key is dropped, its tokens no longer find a key.
    const retired = Jwks.parse(new SigningKeyRing(ring.current).jwks());
    expect(() => verifyWith(retired, oldToken)).toThrow(/no key k-1/);
  });

  it('refuses a previous key with the same kid as the current one', () => {
    expect(() => new SigningKeyRing(SigningKey.fromPem(pem(), 'same'), SigningKey.fromPem(pem(), 'same'))).toThrow(/same kid/);
  });
});
