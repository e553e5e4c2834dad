/**
 * TokenVerifier with auth's RPC client stubbed at its seam (it answers `jwks` with the keys the
 * test holds): real EdDSA tokens signed here, verified once and remembered until they expire, and
 * forgotten when auth's keys change.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@oca/contracts';
import { createSigner } from 'fast-jwt';
import type { AuthClient } from './auth-client';
import { TokenVerifier } from './token-verifier';

function signingKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const sign = (claims: Record<string, unknown>, expiresIn = 60_000) =>
    createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'EdDSA', kid, iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, expiresIn })(claims);
  return { jwk: { ...publicKey.export({ format: 'jwk' }), kid }, sign };
}

function verifierWith(keys: { jwk: object }[]) {
  const published = { keys: keys.map((k) => k.jwk) };
  const auth = { call: async () => published } as unknown as AuthClient;
  return { verifier: new TokenVerifier(auth), published };
}

const claims = () => ({ sub: randomUUID(), role: 'user', email: 'a@example.com', ver: 3 });

it('verifies a token once and remembers it; an expired one is refused as expired', async () => {
  const key = signingKey('k1');
  const { verifier } = verifierWith([key]);
  await verifier.refresh();
  const token = key.sign(claims());
  const first = await verifier.verify(token);
  expect(first.tokenVersion).toBe(3);
  expect(first.principal.via).toBe('token');
  expect(await verifier.verify(token)).toBe(first); // the remembered verification

  const expired = key.sign(claims(), 1);
  await new Promise((r) => setTimeout(r, 1100));
  await expect(verifier.verify(expired)).rejects.toMatchObject({ code: 'token_expired' });
  await expect(verifier.verify(`${token.slice(0, -2)}xx`)).rejects.toMatchObject({ code: 'unauthorized' });
});

it('forgets remembered tokens when auth retires the key that signed them', async () => {
  const old = signingKey('old');
  const next = signingKey('new');
  const { verifier, published } = verifierWith([old]);
  await verifier.refresh();
  const token = old.sign(claims());
  await verifier.verify(token);
  published.keys = [next.jwk];
  await verifier.refresh();
  await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'unauthorized' });
  expect((await verifier.verify(next.sign(claims()))).tokenVersion).toBe(3);
});
