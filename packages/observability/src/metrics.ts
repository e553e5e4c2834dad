import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per process, labelled with the service name, with Node's default metrics (under
 * their standard names). Our own metrics are named `oca_<service or package>_<what>_<unit>`:
 * counters end in `_total`, durations are `_seconds` histograms (e.g. `oca_amqp_reconnects_total`,
 * `oca_gateway_job_duration_seconds`).
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
