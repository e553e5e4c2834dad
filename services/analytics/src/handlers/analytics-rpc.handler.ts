import { RpcHandlerError, type ConsumeContext } from '@oca/amqp';
import { ANALYTICS_RPC, type AnalyticsRpcMethod, type AnalyticsRpcResult } from '@oca/contracts';
import type { z } from 'zod';
import type { AnalyticsMetrics } from '../metrics';
import type { UsageStore } from '../services/usage-store';

type ParsedParams<M extends AnalyticsRpcMethod> = z.output<(typeof ANALYTICS_RPC)[M]['params']>;
type MethodTable = { [M in AnalyticsRpcMethod]: (params: ParsedParams<M>) => Promise<AnalyticsRpcResult<M>> };

export interface AnalyticsRpcHandlerOptions {
  usage: Pick<UsageStore, 'report'>;
  metrics: AnalyticsMetrics;
}

const isMethod = (method: string): method is AnalyticsRpcMethod => Object.prototype.hasOwnProperty.call(ANALYTICS_RPC, method);

/**
 * Thin RPC layer over `analytics.rpc` (like the cache's): params and result validated with
 * ANALYTICS_RPC; bad params answer `validation_failed` naming the field, an unknown method `not_found`.
 */
export class AnalyticsRpcHandler {
  private readonly methods: MethodTable;

  constructor(private readonly options: AnalyticsRpcHandlerOptions) {
    this.methods = { usage: (query) => options.usage.report(query) };
  }

  readonly handle = async (method: string, params: unknown, _ctx: Pick<ConsumeContext, 'log'>): Promise<unknown> => {
    const label = isMethod(method) ? method : 'unknown';
    let outcome = 'ok';
    try {
      if (!isMethod(method)) throw new RpcHandlerError('not_found', `Unknown analytics method ${method.slice(0, 64)}`);
      return await this.call(method, params);
    } catch (err) {
      outcome = err instanceof RpcHandlerError ? err.code : 'internal';
      throw err;
    } finally {
      this.options.metrics.rpcRequests.inc({ method: label, outcome });
    }
  };

  private async call<M extends AnalyticsRpcMethod>(method: M, params: unknown): Promise<AnalyticsRpcResult<M>> {
    const spec = ANALYTICS_RPC[method];
    const parsed = spec.params.safeParse(params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(params)', message: issue.message }));
      throw new RpcHandlerError('validation_failed', `${issues[0]?.field}: ${issues[0]?.message}`, { issues });
    }
    const handler = this.methods[method] as (p: unknown) => Promise<AnalyticsRpcResult<M>>;
    return spec.result.parse(await handler(parsed.data)) as AnalyticsRpcResult<M>;
  }
}
