/**
 * API-key verification against the real Redis, with auth's RPC client stubbed at its seam (it
 * counts calls and answers like auth's verifyApiKey): one round trip for a cached key with its
 * owner's token version, one call to auth for many concurrent requests with an uncached key, and an
 * account change refusing the cached entry at once.
 */
import { randomUUID } from 'node:crypto';
import type { VerifiedApiKey } from '@oca/contracts';
import { serviceUrls } from '@oca/testkit';
import { Redis } from 'ioredis';
import type { AuthClient } from '../src/services/auth-client';
import { ApiKeyVerifier } from '../src/services/api-key-verifier';
import { CredentialRevocations } from '../src/services/credential-revocations';

const prefix = `oca-credcache-${randomUUID().slice(0, 8)}:`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(serviceUrls().redisUrl);
});
// Every key written here expires on its own (the cache TTL, the token-version TTL).
afterAll(async () => {
  await redis.quit();
});

function verifierWith(answer: VerifiedApiKey) {
  const calls: string[] = [];
  const auth = {
    call: async (method: string, params: { key: string }) => {
      calls.push(`${method}:${params.key}`);
      await new Promise((r) => setTimeout(r, 20)); // auth's round trip
      return answer;
    },
  } as unknown as AuthClient;
  const revocations = new CredentialRevocations(redis, prefix);
  return { verifier: new ApiKeyVerifier(auth, redis, prefix, 30, revocations), revocations, calls };
}

it('asks auth once for many concurrent requests with an uncached key, then answers from Redis', async () => {
  const userId = randomUUID();
  const { verifier, calls } = verifierWith({ userId, email: 'k@example.com', role: 'user', via: 'api-key', apiKeyId: randomUUID(), tokenVersion: 0 });
  const key = `oca_${randomUUID()}`;
  const principals = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(key)));
  expect(calls).toEqual([`verifyApiKey:${key}`]);
  expect(new Set(principals.map((p) => p.userId))).toEqual(new Set([userId]));
  await verifier.verify(key);
  expect(calls).toHaveLength(1);
});

it('refuses a cached verification once the owner’s account changed (token version raised)', async () => {
  const userId = randomUUID();
  const { verifier, revocations, calls } = verifierWith({ userId, email: 'k@example.com', role: 'user', via: 'api-key', apiKeyId: randomUUID(), tokenVersion: 1 });
  const key = `oca_${randomUUID()}`;
  await verifier.verify(key);
  await verifier.verify(key);
  expect(calls).toHaveLength(1);
  await revocations.userChanged(userId, 2);
  await verifier.verify(key); // the cached entry (version 1) is stale: auth is asked again
  expect(calls).toHaveLength(2);
  expect(await revocations.readWithVersion(`${prefix}nothing-here`)).toEqual({ cached: null, currentVersion: null });
});
