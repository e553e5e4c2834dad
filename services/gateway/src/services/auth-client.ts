import { RpcRemoteError, RpcTimeoutError, type Broker } from '@oca/amqp';
import { AUTH_RPC, EXCHANGES, ROUTING_KEYS, type AuthRpcMethod, type AuthRpcParams, type AuthRpcResult } from '@oca/contracts';
import { DomainError, isErrorCode } from '../errors';

/** Calls the auth service over RabbitMQ RPC and turns its error codes into API errors. */
export class AuthClient {
  constructor(
    private readonly broker: Broker,
    private readonly timeoutMs: number,
  ) {}

  async call<M extends AuthRpcMethod>(method: M, params: AuthRpcParams<M>, correlationId?: string): Promise<AuthRpcResult<M>> {
    let raw: unknown;
    try {
      raw = await this.broker.rpc(EXCHANGES.rpc, ROUTING_KEYS.authRpc, method, params, { timeoutMs: this.timeoutMs, correlationId });
    } catch (err) {
      if (err instanceof RpcRemoteError) {
        const code = isErrorCode(err.code) && err.code !== 'internal' ? err.code : 'unavailable';
        throw new DomainError(code, code === 'unavailable' ? 'The authentication service failed; try again' : err.message, err.details);
      }
      if (err instanceof RpcTimeoutError) throw new DomainError('unavailable', 'The authentication service did not answer in time; try again');
      throw err;
    }
    return AUTH_RPC[method].result.parse(raw) as AuthRpcResult<M>;
  }
}
