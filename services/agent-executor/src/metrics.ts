import { Counter, Histogram, type Registry } from 'prom-client';

export type ExecutorMetrics = ReturnType<typeof createExecutorMetrics>;

export function createExecutorMetrics(registry: Registry) {
  return {
    runs: new Counter({
      name: 'oca_executor_agent_runs_total',
      help: 'Agent executions by agent and outcome (succeeded, failed, retry, skipped_canceled, skipped_done)',
      labelNames: ['agent', 'outcome'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'oca_executor_agent_failures_total',
      help: 'Agent runs that ended in an error, by agent and job error code (a transient one that will be retried counts too)',
      labelNames: ['agent', 'code'],
      registers: [registry],
    }),
    rpcCalls: new Counter({
      name: 'oca_executor_rpc_calls_total',
      help: 'Chain JSON-RPC calls made by agent runs (every attempt), by agent',
      labelNames: ['agent'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'oca_executor_agent_run_duration_seconds',
      help: 'Wall time of one agent execution',
      labelNames: ['agent'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}
