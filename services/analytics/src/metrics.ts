import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type AnalyticsMetrics = ReturnType<typeof createAnalyticsMetrics>;

/** The analytics service's own metrics (the consumer's ack/retry counts are oca_amqp_messages_consumed_total). */
export function createAnalyticsMetrics(registry: Registry) {
  return {
    events: new Counter({
      name: 'oca_analytics_events_total',
      help: 'Events handled, by type and outcome (counted: rollups changed; duplicate: event id seen before; no_rollup: time series only)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    pointsWritten: new Counter({
      name: 'oca_analytics_influx_points_written_total',
      help: 'Points InfluxDB accepted, by measurement',
      labelNames: ['measurement'],
      registers: [registry],
    }),
    writeFailures: new Counter({
      name: 'oca_analytics_influx_write_failures_total',
      help: 'Failed InfluxDB batch writes (each attempt); the events of a batch that fails every attempt are retried by the broker',
      registers: [registry],
    }),
    writeDuration: new Histogram({
      name: 'oca_analytics_influx_write_duration_seconds',
      help: 'InfluxDB batch write time, by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueMessages: new Gauge({
      name: 'oca_analytics_queue_messages',
      help: 'Ready messages in analytics.events at the last read; at oca_analytics_queue_max_length the broker drops the oldest',
      registers: [registry],
    }),
    queueMaxLength: new Gauge({
      name: 'oca_analytics_queue_max_length',
      help: 'x-max-length of analytics.events (ANALYTICS_EVENTS_MAX_LENGTH)',
      registers: [registry],
    }),
    rpcRequests: new Counter({
      name: 'oca_analytics_rpc_requests_total',
      help: 'RPC requests answered, by method and outcome (ok or the error code)',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
  };
}
