import { RpcHandlerError, type ConsumeContext } from '@oca/amqp';
import { CACHE_RPC, type CacheRpcMethod, type CacheRpcResult } from '@oca/contracts';
import type { z } from 'zod';
import type { CacheMetrics } from '../metrics';
import type { CacheInvalidator } from '../services/invalidator';
import type { StatsReader } from '../services/stats-reader';

type ParsedParams<M extends CacheRpcMethod> = z.output<(typeof CACHE_RPC)[M]['params']>;
type MethodTable = { [M in CacheRpcMethod]: (params: ParsedParams<M>, ctx: Pick<ConsumeContext, 'log'>) => Promise<CacheRpcResult<M>> };

export interface CacheRpcHandlerOptions {
  invalidator: CacheInvalidator;
  stats: StatsReader;
  metrics: CacheMetrics;
}

const isMethod = (method: string): method is CacheRpcMethod => Object.prototype.hasOwnProperty.call(CACHE_RPC, method);

/**
 * Thin RPC layer over `cache.rpc`: validates params with the method's CACHE_RPC schema, calls the
 * service and validates the result. Bad params answer `validation_failed`, an unknown method
 * `not_found`; anything else answers `internal` (the broker's RPC server hides its message).
 */
export class CacheRpcHandler {
  private readonly methods: MethodTable;

  constructor(private readonly options: CacheRpcHandlerOptions) {
    this.methods = {
      invalidate: async (filter, ctx) => {
        const { deleted, by } = await options.invalidator.invalidate(filter);
        options.metrics.invalidations.inc({ by });
        options.metrics.invalidatedEntries.inc(deleted);
        ctx.log.info({ filter, deleted, by }, 'cache invalidated');
        return { deleted };
      },
      stats: () => options.stats.read(),
    };
  }

  readonly handle = async (method: string, params: unknown, ctx: Pick<ConsumeContext, 'log'>): Promise<unknown> => {
    const label = isMethod(method) ? method : 'unknown';
    let outcome = 'ok';
    try {
      if (!isMethod(method)) throw new RpcHandlerError('not_found', `Unknown cache method ${method.slice(0, 64)}`);
      return await this.call(method, params, ctx);
    } catch (err) {
      outcome = err instanceof RpcHandlerError ? err.code : 'internal';
      throw err;
    } finally {
      this.options.metrics.rpcRequests.inc({ method: label, outcome });
    }
  };

  private async call<M extends CacheRpcMethod>(method: M, params: unknown, ctx: Pick<ConsumeContext, 'log'>): Promise<CacheRpcResult<M>> {
    const spec = CACHE_RPC[method];
    const parsed = spec.params.safeParse(params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(params)', message: issue.message }));
      throw new RpcHandlerError('validation_failed', `${issues[0]?.field}: ${issues[0]?.message}`, { issues });
    }
    const handler = this.methods[method] as (p: unknown, c: Pick<ConsumeContext, 'log'>) => Promise<CacheRpcResult<M>>;
    return spec.result.parse(await handler(parsed.data, ctx)) as CacheRpcResult<M>;
  }
}
