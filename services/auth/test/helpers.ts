import { createPublicKey } from 'node:crypto';
import { RpcHandlerError } from '@oca/amqp';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, type Jwks } from '@oca/contracts';
import { createPool, migrate, type Pool } from '@oca/db';
import { createLogger, createMetricsRegistry } from '@oca/observability';
import { createTestDatabase, type TestDatabase } from '@oca/testkit';
import { createVerifier } from 'fast-jwt';
import type { Registry } from 'prom-client';
import { MIGRATIONS_DIR } from '../src/app';
import { AuthRpcHandler } from '../src/handlers/auth-rpc.handler';
import { createAuthMetrics } from '../src/metrics';
import { AccessTokenSigner } from '../src/services/access-token-signer';
import { AccountService } from '../src/services/account-service';
import { ApiKeyService } from '../src/services/api-key-service';
import { PasswordHasher } from '../src/services/password-hasher';
import { RefreshTokens } from '../src/services/refresh-tokens';
import { AdminService } from '../src/services/admin-service';
import { SigningKey, SigningKeyRing } from '../src/services/signing-key';

/** The server's maintenance database: each suite creates (and drops) its own database there. */
export const ADMIN_DATABASE_URL = (() => {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  return url.toString();
})();
export const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

/** Cheap argon2id for tests only (the service runs the library defaults). */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1 };
export const silentLogger = createLogger({ service: 'auth-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export const PASSWORD = 'correct horse battery staple';
let counter = 0;
export const uniqueEmail = (label = 'user') => `${label}-${Date.now().toString(36)}-${counter++}@example.com`;

export interface Domain {
  db: TestDatabase;
  pool: Pool;
  signingKey: SigningKey;
  hasher: PasswordHasher;
  registry: Registry;
  /** Calls the RPC handler as the broker would: result, or the RpcHandlerError it answers with. */
  call<T = unknown>(method: string, params: unknown): Promise<T>;
  callError(method: string, params: unknown): Promise<RpcHandlerError>;
  close(): Promise<void>;
}

/** The real services on a throw-away, migrated database, behind the real RPC handler (no broker). */
export async function startDomain(options: { openRegistration?: boolean; accessTtlSeconds?: number } = {}): Promise<Domain> {
  const db = await createTestDatabase(ADMIN_DATABASE_URL, 'auth');
  await migrate({ databaseUrl: db.url, schema: 'auth', dir: MIGRATIONS_DIR, logger: silentLogger });
  const pool = createPool({ connectionString: db.url, applicationName: 'oca-auth-test', max: 5 });
  const signingKey = SigningKey.load({ production: false, logger: silentLogger });
  const registry = createMetricsRegistry('auth-test');
  const hasher = new PasswordHasher(TEST_ARGON2);
  const handler = new AuthRpcHandler({
    accounts: new AccountService({
      pool,
      hasher,
      signer: new AccessTokenSigner(signingKey, options.accessTtlSeconds ?? 900),
      refreshTokens: new RefreshTokens(pool, 3600),
      openRegistration: options.openRegistration ?? true,
    }),
    apiKeys: new ApiKeyService({ pool, prefix: 'oca' }),
    admin: new AdminService(pool),
    signingKeys: new SigningKeyRing(signingKey),
    metrics: createAuthMetrics(registry),
  });
  const call = <T>(method: string, params: unknown) => handler.handle(method, params, { log: silentLogger }) as Promise<T>;
  return {
    db,
    pool,
    signingKey,
    hasher,
    registry,
    call,
    callError: async (method, params) => {
      const err = await call(method, params).then(
        () => new Error(`${method} succeeded but an error was expected`),
        (e: unknown) => e,
      );
      if (!(err instanceof RpcHandlerError)) throw err;
      return err;
    },
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** Verifies an access token the way the gateway does: JWKS → JWK → PEM, EdDSA only, iss and aud checked. */
export function verifyWithJwks(jwks: Jwks, token: string): Record<string, unknown> {
  const jwk = jwks.keys[0]!;
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  const verify = createVerifier({ key: pem, algorithms: ['EdDSA'], allowedIss: ACCESS_TOKEN_ISSUER, allowedAud: ACCESS_TOKEN_AUDIENCE, complete: true });
  const { header, payload } = verify(token) as { header: Record<string, unknown>; payload: Record<string, unknown> };
  return { ...payload, kid: header.kid, alg: header.alg };
}

export { metricValue } from '@oca/testkit';
