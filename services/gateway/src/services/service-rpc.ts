import { RpcRemoteError, RpcTimeoutError, type Broker } from '@oca/amqp';
import { EXCHANGES } from '@oca/contracts';
import type { z } from 'zod';
import { DomainError, isErrorCode } from '../errors';

/** An RPC surface: method → params and result schemas (AUTH_RPC, CACHE_RPC). */
export type RpcCatalog = Record<string, { params: z.ZodType; result: z.ZodType }>;

export interface ServiceRpcOptions {
  broker: Pick<Broker, 'rpc'>;
  /** The service's routing key on oca.rpc (ROUTING_KEYS.authRpc, …) */
  routingKey: string;
  /** Named in errors: "The authentication service did not answer in time" */
  serviceName: string;
  timeoutMs: number;
}

/**
 * Calls another service over RabbitMQ RPC: validates its answer with the catalog's result schema
 * and turns its error codes into domain errors (an internal error or a timeout is `unavailable`).
 */
export class ServiceRpcClient<C extends RpcCatalog> {
  constructor(
    private readonly catalog: C,
    private readonly options: ServiceRpcOptions,
  ) {}

  async call<M extends keyof C & string>(method: M, params: z.input<C[M]['params']>, correlationId?: string): Promise<z.infer<C[M]['result']>> {
    const { broker, routingKey, serviceName, timeoutMs } = this.options;
    let raw: unknown;
    try {
      raw = await broker.rpc(EXCHANGES.rpc, routingKey, method, params, { timeoutMs, correlationId });
    } catch (err) {
      if (err instanceof RpcRemoteError) {
        const code = isErrorCode(err.code) && err.code !== 'internal' ? err.code : 'unavailable';
        throw new DomainError(code, code === 'unavailable' ? `The ${serviceName} failed; try again` : err.message, err.details);
      }
      if (err instanceof RpcTimeoutError) throw new DomainError('unavailable', `The ${serviceName} did not answer in time; try again`);
      throw err;
    }
    return this.catalog[method]!.result.parse(raw) as z.infer<C[M]['result']>;
  }
}
