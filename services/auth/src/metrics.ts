import { Counter, Histogram, type Registry } from 'prom-client';

export type AuthMetrics = ReturnType<typeof createAuthMetrics>;

export function createAuthMetrics(registry: Registry) {
  return {
    rpcRequests: new Counter({
      name: 'oca_auth_rpc_requests_total',
      help: 'RPC requests answered, by method and outcome (ok or the error code)',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
    rpcDuration: new Histogram({
      name: 'oca_auth_rpc_duration_seconds',
      help: 'Time to answer one RPC request (argon2 dominates register and login)',
      labelNames: ['method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
