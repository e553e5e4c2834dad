import type { Principal } from '@oca/contracts';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors';
import type { Actor } from '../services/account-admin';
import type { ApiKeyVerifier } from '../services/api-key-verifier';
import type { CredentialRevocations } from '../services/credential-revocations';
import type { TokenVerifier } from '../services/token-verifier';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A JWT is three dot-separated parts; API keys (`<prefix>_<id>_<secret>`) contain no dot. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

export interface Authenticators {
  tokens: Pick<TokenVerifier, 'verify'>;
  apiKeys: Pick<ApiKeyVerifier, 'verify'>;
  revocations: Pick<CredentialRevocations, 'isStale'>;
}

/**
 * Resolves the caller from `Authorization: Bearer <access token | API key>` or `X-API-Key`.
 * Used as an onRequest hook on every route that needs a user (through rate-limit.ts, authenticated()).
 */
export function authenticate(auth: Authenticators) {
  return async (request: FastifyRequest): Promise<void> => {
    request.principal = await principalFrom(auth, request);
  };
}

async function principalFrom(auth: Authenticators, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  const apiKeyHeader = request.headers['x-api-key'];
  let credential: string | undefined;
  if (typeof apiKeyHeader === 'string' && apiKeyHeader.length > 0) {
    credential = apiKeyHeader;
  } else if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new DomainError('unauthorized', 'Authorization header must be "Bearer <token or API key>"');
    credential = match[1];
  }
  if (!credential) {
    throw new DomainError('unauthorized', 'Authentication required: send "Authorization: Bearer <token>" or "X-API-Key: <key>"');
  }
  if (credential.length > 4096) throw new DomainError('unauthorized', 'Credential too long');
  return JWT_SHAPE.test(credential) ? verifyToken(auth, credential, request) : verifyApiKey(auth, credential, request);
}

/**
 * Through the request's gate (rate-limit.ts) when it has one: the cached verification is read in
 * the round trip that counts the IP and charges the caller. Either way an uncached key waits for
 * the request's per-IP verdict before auth is asked (a refused client never reaches auth).
 */
function verifyApiKey(auth: Authenticators, key: string, request: FastifyRequest): Promise<Principal> {
  const gate = request.gate;
  if (gate) return auth.apiKeys.verify(key, { lookup: (cacheKey) => gate.credential(cacheKey), beforeAuth: () => gate.ipAllowed() });
  return auth.apiKeys.verify(key, { beforeAuth: async () => request.ipCeiling ?? undefined });
}

/** A token minted before an admin changed the account (role, disabled) is refused at once. */
async function verifyToken(auth: Authenticators, token: string, request: FastifyRequest): Promise<Principal> {
  const { principal, tokenVersion } = await auth.tokens.verify(token);
  const stale = request.gate
    ? isOlder(tokenVersion, await request.gate.principal(principal, tokenVersion))
    : await auth.revocations.isStale(principal.userId, tokenVersion);
  if (stale) {
    throw new DomainError('unauthorized', 'Access token no longer valid: the account was changed; refresh it or log in again');
  }
  return principal;
}

const isOlder = (version: number, current: number | null) => current !== null && version < current;

/**
 * For routes where credentials are optional (`GET /api/status`): a request that sends none stays
 * anonymous; one that sends any must send valid ones.
 */
export function authenticateIfPresent(authenticateRequest: (request: FastifyRequest) => Promise<void>) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.headers.authorization === undefined && request.headers['x-api-key'] === undefined) return;
    await authenticateRequest(request);
  };
}

/** For admin routes: authenticated, and the role is admin (403 otherwise). */
export function requireAdmin(authenticateRequest: (request: FastifyRequest) => Promise<void>) {
  return async (request: FastifyRequest): Promise<void> => {
    await authenticateRequest(request);
    if (request.principal?.role !== 'admin') throw new DomainError('forbidden', 'This route is for admins');
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('unauthorized', 'Authentication required');
  return request.principal;
}

/** The caller as an actor of an account change: who, from which address, under which request id. */
export function actorOf(request: FastifyRequest): Actor {
  return { userId: principalOf(request).userId, ip: request.ip, correlationId: request.id };
}
