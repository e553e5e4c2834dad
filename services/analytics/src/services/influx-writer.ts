import { InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '@oca/observability';
import type { AnalyticsMetrics } from '../metrics';
import type { EventPoint } from './event-points';

export interface InfluxWriterOptions {
  url: string;
  token?: string;
  org: string;
  bucket: string;
  /** Points per write request */
  batchSize: number;
  /** Longest a point waits for its batch, in ms */
  flushIntervalMs: number;
  /** Attempts per batch (1 = no retry) before every point's write() rejects */
  attempts: number;
  /** One write request, in ms */
  timeoutMs: number;
  metrics: AnalyticsMetrics;
  logger: Logger;
}

interface Pending {
  line: string;
  measurement: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Batches points from many events into one InfluxDB write and tells each caller whether its
 * point was written, so the caller acks its event only then. The client's own retry buffer is
 * off (maxRetries 0): it would retry in the background after the caller was told "failed", and
 * the broker's redelivery would then write the point twice. Retries are this class's (a few,
 * quick) and then the broker's (the retry queues: an outage waits in RabbitMQ, not in memory).
 * Writes are serialised: the client's buffer then holds exactly one batch at each flush.
 */
export class InfluxWriter {
  private readonly api: WriteApi;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: InfluxWriterOptions) {
    const influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
    // Batch bounds are ours: the client must never send on its own (its errors would reach nobody).
    this.api = influx.getWriteApi(options.org, options.bucket, 'ms', {
      batchSize: options.batchSize * 2 + 1,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: options.batchSize * 2 + 1,
      maxBatchBytes: 512 * 1024 * 1024,
      writeFailed: () => undefined,
    });
  }

  /** Resolves once the batch holding this point was written; rejects when every attempt failed. */
  write({ measurement, point }: EventPoint): Promise<void> {
    // The API's settings convert the timestamp to its precision (ms); without them it is ns.
    const line = point.toLineProtocol(this.api);
    if (!line) return Promise.reject(new Error(`point of ${measurement} has no field`));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, measurement, resolve, reject });
      if (this.pending.length >= this.options.batchSize) this.flushSoon(0);
      else this.flushSoon(this.options.flushIntervalMs);
    });
  }

  /** Writes what is pending now (shutdown). */
  async flush(): Promise<void> {
    this.flushSoon(0);
    await this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.api.close().catch(() => undefined);
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = this.pending.splice(0, this.options.batchSize);
      if (this.pending.length > 0) this.flushSoon(this.pending.length >= this.options.batchSize ? 0 : this.options.flushIntervalMs);
      if (batch.length > 0) this.chain = this.chain.then(() => this.send(batch));
    }, delayMs);
  }

  private async send(batch: Pending[]): Promise<void> {
    const { metrics, attempts, logger } = this.options;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const stop = metrics.writeDuration.startTimer();
      try {
        this.api.writeRecords(batch.map((p) => p.line));
        await this.api.flush();
        stop({ outcome: 'ok' });
        for (const p of batch) metrics.pointsWritten.inc({ measurement: p.measurement });
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        stop({ outcome: 'error' });
        metrics.writeFailures.inc();
        lastError = err as Error;
        logger.warn({ err: lastError.message, attempt, points: batch.length }, 'influx write failed');
        if (attempt < attempts) await sleep(200 * 2 ** (attempt - 1));
      }
    }
    for (const p of batch) p.reject(lastError ?? new Error('influx write failed'));
  }
}
