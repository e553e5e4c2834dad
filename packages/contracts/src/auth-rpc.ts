import { z } from 'zod';
import { ApiKeyView, CreatedApiKey, LoginBody, RefreshBody, RegisterBody, TokenPair, UserView } from './api';
import { Principal } from './messages';

/** Access-token claims (JWT, EdDSA, signed by auth only; the gateway verifies with auth's JWKS). */
export const ACCESS_TOKEN_ISSUER = 'oca-auth';
export const ACCESS_TOKEN_AUDIENCE = 'oca-api';

export const Jwk = z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), kid: z.string(), alg: z.string(), use: z.string().optional() });
export const Jwks = z.object({ keys: z.array(Jwk) });
export type Jwks = z.infer<typeof Jwks>;

const UserId = z.object({ userId: z.uuid() });

/**
 * The auth service's RPC surface: method → params and result schemas. Both sides validate with
 * these; an error answer carries a stable code from ERROR_STATUS.
 */
export const AUTH_RPC = {
  register: { params: RegisterBody, result: UserView },
  login: { params: LoginBody.extend({ ip: z.string().max(64).optional() }), result: TokenPair },
  refresh: { params: RefreshBody, result: TokenPair },
  logout: { params: RefreshBody, result: z.object({ revoked: z.boolean() }) },
  verifyApiKey: { params: z.object({ key: z.string().min(1).max(256) }), result: Principal },
  createApiKey: { params: UserId.extend({ name: z.string().min(1).max(100) }), result: CreatedApiKey },
  listApiKeys: { params: UserId, result: z.array(ApiKeyView) },
  revokeApiKey: { params: UserId.extend({ keyId: z.uuid() }), result: ApiKeyView },
  jwks: { params: z.object({}), result: Jwks },
} as const;
export type AuthRpcMethod = keyof typeof AUTH_RPC;
export type AuthRpcParams<M extends AuthRpcMethod> = z.input<(typeof AUTH_RPC)[M]['params']>;
export type AuthRpcResult<M extends AuthRpcMethod> = z.infer<(typeof AUTH_RPC)[M]['result']>;
