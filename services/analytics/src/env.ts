import { commonEnv, databaseEnv, envInt, evenWithFieldIssues, parseEnv, refineServiceEnv } from '@oca/config';
import { z } from 'zod';

const Env = z
  .object({
    ...commonEnv,
    ...databaseEnv,
    /** Port of /health, /ready and /metrics */
    ANALYTICS_METRICS_PORT: envInt(9105, 0, 65535),
    /**
     * InfluxDB 2 base URL (`/api/v2/write` is appended; VictoriaMetrics accepts the same). Unset:
     * no time series are written and the service keeps only the usage rollups (stated at start).
     */
    INFLUX_URL: z.url().optional(),
    /** InfluxDB API token (write access to the bucket); usually INFLUX_TOKEN_FILE. Never logged */
    INFLUX_TOKEN: z.string().min(1).optional(),
    INFLUX_ORG: z.string().min(1).default('oca'),
    INFLUX_BUCKET: z.string().min(1).default('oca'),
    /** Points per InfluxDB write: a batch is sent when full or ANALYTICS_FLUSH_INTERVAL_MS after its first point */
    ANALYTICS_BATCH_SIZE: envInt(500, 1, 50_000),
    /** Longest a point waits for its batch, in ms (the events of a batch stay unacked until it is written) */
    ANALYTICS_FLUSH_INTERVAL_MS: envInt(1_000, 1, 60_000),
    /** Attempts of one batch write before its events go to the broker's retry queues */
    INFLUX_WRITE_ATTEMPTS: envInt(3, 1, 10),
    /** One InfluxDB write request, in ms */
    INFLUX_TIMEOUT_MS: envInt(5_000, 100, 120_000),
    /** Events handled at once (the consumer's prefetch); at least the batch size for full batches */
    ANALYTICS_PREFETCH: envInt(500, 1, 10_000),
    /**
     * Days an event id is remembered for de-duplication. Redeliveries come within minutes (retry
     * queues) or when an operator replays a dead letter; older ids are pruned hourly.
     */
    ANALYTICS_DEDUP_DAYS: envInt(30, 1, 3650),
    /** Seconds between reads of analytics.events' depth for oca_analytics_queue_messages; 0 = off */
    ANALYTICS_QUEUE_POLL_SECONDS: envInt(15, 0, 3600),
  })
  .superRefine(refineServiceEnv, evenWithFieldIssues);

export type AnalyticsEnv = z.infer<typeof Env>;

export function loadEnv(env: Record<string, string | undefined> = process.env): AnalyticsEnv {
  return parseEnv(Env, env);
}
