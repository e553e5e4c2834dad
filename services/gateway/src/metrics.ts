import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics(registry: Registry) {
  let readInFlight = (): number => 0;
  return {
    httpDuration: new Histogram({
      name: 'oca_gateway_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    jobsSubmitted: new Counter({
      name: 'oca_gateway_jobs_submitted_total',
      help: 'Jobs accepted (broker-confirmed) by agent',
      labelNames: ['agent'],
      registers: [registry],
    }),
    jobsCompleted: new Counter({
      name: 'oca_gateway_jobs_completed_total',
      help: 'Jobs that reached a terminal status, by agent and status',
      labelNames: ['agent', 'status'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'oca_gateway_job_duration_seconds',
      help: 'Time from job start to completion as reported by the executor',
      labelNames: ['agent', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'oca_gateway_cache_lookups_total',
      help: 'Result-cache lookups on submit by agent and outcome (hit, miss, coalesced, bypass); hit rate = hit / (hit + miss + coalesced)',
      labelNames: ['agent', 'status'],
      registers: [registry],
    }),
    jobsStalled: new Counter({
      name: 'oca_gateway_jobs_stalled_total',
      help: 'Jobs the stalled-job sweeper failed (error code stalled: their execution was lost), by agent',
      labelNames: ['agent'],
      registers: [registry],
    }),
    requestsShed: new Counter({
      name: 'oca_gateway_requests_shed_total',
      help: 'Requests answered 503 by load shedding, by reason (in_flight: over OVERLOAD_MAX_IN_FLIGHT; pressure: event loop or heap over its threshold)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    requestsInFlight: new Gauge({
      name: 'oca_gateway_requests_in_flight',
      help: 'Requests being worked on by this instance (held long-polls excluded), when OVERLOAD_MAX_IN_FLIGHT is set',
      registers: [registry],
      collect() {
        this.set(readInFlight());
      },
    }),
    /** Where requestsInFlight reads its value at scrape time (load shedding's counter). */
    reportInFlight(read: () => number): void {
      readInFlight = read;
    },
    longPollsOpen: new Gauge({
      name: 'oca_gateway_long_polls_open',
      help: 'Long-poll requests currently waiting on this instance',
      registers: [registry],
    }),
  };
}
