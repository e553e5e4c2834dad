import { z } from 'zod';
import { ApiKeyView, CreateApiKeyBody, CreatedApiKey, LoginBody, RefreshBody, RegisterBody, TokenPair, UserView } from './api';
import { AdminApiKeyView, AdminUserView, AuditAction, AuditPage, UserPage } from './admin';
import { Role } from './common';
import { Principal } from './messages';

/** Access-token claims (JWT, EdDSA, signed by auth only; the gateway verifies with auth's JWKS). */
export const ACCESS_TOKEN_ISSUER = 'oca-auth';
export const ACCESS_TOKEN_AUDIENCE = 'oca-api';

export const Jwk = z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), kid: z.string(), alg: z.string(), use: z.string().optional() });
export const Jwks = z.object({ keys: z.array(Jwk) });
export type Jwks = z.infer<typeof Jwks>;

const UserId = z.object({ userId: z.uuid() });
/** The caller's IP, recorded in the audit log */
const Ip = z.string().max(64).optional();
/** The admin acting, recorded in the audit log */
const Actor = z.object({ actorUserId: z.uuid(), ip: Ip });

/** An access token's `ver` claim and a verified API key's owner carry the user's token version. */
export const VerifiedApiKey = Principal.extend({ tokenVersion: z.number().int().min(0) });
export type VerifiedApiKey = z.infer<typeof VerifiedApiKey>;

/**
 * The auth service's RPC surface: method → params and result schemas. Both sides validate with
 * these; an error answer carries a stable code from ERROR_STATUS.
 */
export const AUTH_RPC = {
  register: { params: RegisterBody.extend({ ip: Ip }), result: UserView },
  login: { params: LoginBody.extend({ ip: z.string().max(64).optional() }), result: TokenPair },
  refresh: { params: RefreshBody.extend({ ip: Ip }), result: TokenPair },
  logout: { params: RefreshBody.extend({ ip: Ip }), result: z.object({ revoked: z.boolean() }) },
  verifyApiKey: { params: z.object({ key: z.string().min(1).max(256) }), result: VerifiedApiKey },
  createApiKey: { params: UserId.extend({ name: CreateApiKeyBody.shape.name, ip: Ip }), result: CreatedApiKey },
  listApiKeys: { params: UserId, result: z.array(ApiKeyView) },
  revokeApiKey: { params: UserId.extend({ keyId: z.uuid(), ip: Ip }), result: ApiKeyView },
  jwks: { params: z.object({}), result: Jwks },
  // ---- admin: the gateway calls these only for callers whose role is admin ----
  adminListUsers: {
    params: z.object({
      limit: z.number().int().min(1).max(100),
      cursor: z.string().max(200).optional(),
      email: z.string().min(1).max(254).optional(),
      role: Role.optional(),
      disabled: z.boolean().optional(),
    }),
    result: UserPage,
  },
  adminUpdateUser: {
    params: Actor.extend({ userId: z.uuid(), role: Role.optional(), disabled: z.boolean().optional(), reason: z.string().max(500).optional() }),
    result: AdminUserView,
  },
  adminListApiKeys: { params: UserId, result: z.array(AdminApiKeyView) },
  adminRevokeApiKey: { params: Actor.extend({ keyId: z.uuid() }), result: AdminApiKeyView },
  adminListAudit: {
    params: z.object({
      limit: z.number().int().min(1).max(200),
      cursor: z.string().regex(/^\d{1,19}$/).optional(),
      userId: z.uuid().optional(),
      action: AuditAction.optional(),
    }),
    result: AuditPage,
  },
} as const;
export type AuthRpcMethod = keyof typeof AUTH_RPC;
export type AuthRpcParams<M extends AuthRpcMethod> = z.input<(typeof AUTH_RPC)[M]['params']>;
export type AuthRpcResult<M extends AuthRpcMethod> = z.infer<(typeof AUTH_RPC)[M]['result']>;
