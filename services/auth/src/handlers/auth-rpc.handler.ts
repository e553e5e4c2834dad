import { RpcHandlerError, type ConsumeContext } from '@oca/amqp';
import { AUTH_RPC, type AuthRpcMethod, type AuthRpcResult } from '@oca/contracts';
import type { z } from 'zod';
import { AuthError } from '../errors';
import type { AuthMetrics } from '../metrics';
import type { AccountService } from '../services/account-service';
import type { ApiKeyService } from '../services/api-key-service';
import type { AdminService } from '../services/admin-service';
import type { SigningKeyRing } from '../services/signing-key';

type ParsedParams<M extends AuthRpcMethod> = z.output<(typeof AUTH_RPC)[M]['params']>;
type MethodTable = { [M in AuthRpcMethod]: (params: ParsedParams<M>) => Promise<AuthRpcResult<M>> | AuthRpcResult<M> };

export interface AuthRpcHandlerOptions {
  accounts: AccountService;
  apiKeys: ApiKeyService;
  admin: AdminService;
  signingKeys: SigningKeyRing;
  metrics: AuthMetrics;
}

const isMethod = (method: string): method is AuthRpcMethod => Object.prototype.hasOwnProperty.call(AUTH_RPC, method);

/**
 * Thin RPC layer: validates params with the method's AUTH_RPC schema, calls the service and
 * validates the result (which also strips any field the contract does not name). Domain errors
 * become error answers with their code; anything else answers `internal`. Params are never logged.
 */
export class AuthRpcHandler {
  private readonly methods: MethodTable;

  constructor(private readonly options: AuthRpcHandlerOptions) {
    const { accounts, apiKeys, admin, signingKeys } = options;
    this.methods = {
      register: (p) => accounts.register(p),
      login: (p) => accounts.login(p),
      refresh: (p) => accounts.refresh(p),
      logout: (p) => accounts.logout(p),
      verifyApiKey: (p) => apiKeys.verify(p),
      createApiKey: (p) => apiKeys.create(p),
      listApiKeys: (p) => apiKeys.list(p),
      revokeApiKey: (p) => apiKeys.revoke(p),
      jwks: () => signingKeys.jwks(),
      adminListUsers: (p) => admin.listUsers(p),
      adminUpdateUser: (p) => admin.updateUser(p),
      adminListApiKeys: (p) => admin.listApiKeys(p),
      adminRevokeApiKey: (p) => admin.revokeApiKey(p),
      adminListAudit: (p) => admin.listAudit(p),
    };
  }

  readonly handle = async (method: string, params: unknown, ctx: Pick<ConsumeContext, 'log'>): Promise<unknown> => {
    const label = isMethod(method) ? method : 'unknown';
    const stopTimer = this.options.metrics.rpcDuration.startTimer({ method: label });
    let outcome = 'ok';
    try {
      return await this.dispatch(method, params);
    } catch (err) {
      if (err instanceof AuthError) {
        outcome = err.code;
        ctx.log.info({ method: label, code: err.code }, 'rpc answered with an error');
        throw new RpcHandlerError(err.code, err.message, err.details);
      }
      outcome = 'internal';
      throw err;
    } finally {
      stopTimer();
      this.options.metrics.rpcRequests.inc({ method: label, outcome });
    }
  };

  private async dispatch(method: string, params: unknown): Promise<unknown> {
    if (!isMethod(method)) throw new AuthError('not_found', `Unknown auth method ${method.slice(0, 64)}`);
    return this.call(method, params);
  }

  private async call<M extends AuthRpcMethod>(method: M, params: unknown): Promise<AuthRpcResult<M>> {
    const spec = AUTH_RPC[method];
    const parsed = spec.params.safeParse(params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.') || '(params)',
        message: issue.message,
      }));
      throw new AuthError('validation_failed', `${issues[0]?.field}: ${issues[0]?.message}`, { issues });
    }
    const handler = this.methods[method] as (p: unknown) => Promise<AuthRpcResult<M>> | AuthRpcResult<M>;
    const result = await handler(parsed.data);
    return spec.result.parse(result) as AuthRpcResult<M>;
  }
}
