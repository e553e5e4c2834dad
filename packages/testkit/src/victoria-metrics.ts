import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findFreePort } from './free-port';

/** Options for `startVictoriaMetrics`. */
export interface StartVictoriaMetricsOptions {
  /** @default a free port on 127.0.0.1 */
  port?: number;
  /** How long to wait for `/health`, in ms. @default 15_000 */
  startTimeoutMs?: number;
}

/** A running VictoriaMetrics with a throw-away data directory. `stop()` is safe to call twice. */
export interface VictoriaMetricsInstance {
  /** Base URL: the InfluxDB v2 write API is `${url}/api/v2/write`, queries `${url}/api/v1/query` */
  url: string;
  port: number;
  pid: number;
  /** Every sample of the series matching `selector` (a PromQL series selector), as `/api/v1/export` gives them. */
  exportSeries(selector: string): Promise<ExportedSeries[]>;
  stop(): Promise<void>;
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

const CANDIDATES = ['/usr/bin/victoria-metrics'];

/** Path of the `victoria-metrics` binary (Debian's package): on PATH, or /usr/bin; undefined when missing. */
export function victoriaMetricsBinary(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'victoria-metrics'));
  for (const candidate of [...onPath, ...CANDIDATES]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * Starts VictoriaMetrics on 127.0.0.1 with a temporary storage directory; it accepts InfluxDB line
 * protocol on `/api/v2/write`, the stand-in for InfluxDB 2 in tests and local runs.
 * `-search.latencyOffset=0s` makes a point queryable as soon as it is stored (the default hides the
 * last 30 s); `-dedup.minScrapeInterval=1ms` keeps one sample per series and timestamp, as InfluxDB
 * overwrites a point written twice (a redelivered event); the retention is long so tests may write points with fixed past dates. The process and its directory go with `stop()`, or when this process exits.
 */
export async function startVictoriaMetrics(options: StartVictoriaMetricsOptions = {}): Promise<VictoriaMetricsInstance> {
  const binary = victoriaMetricsBinary();
  if (!binary) throw new Error('victoria-metrics not found on PATH or in /usr/bin: install the Debian package victoria-metrics');
  const port = options.port ?? (await findFreePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'oca-vm-'));
  const child = spawn(
    binary,
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-search.latencyOffset=0s', '-retentionPeriod=100y', '-dedup.minScrapeInterval=1ms', '-loggerLevel=ERROR'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const cleanUp = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`victoria-metrics exited (${code}): ${stderr}`))));
  exited.catch(() => undefined);

  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  for (;;) {
    const healthy = await Promise.race([fetch(`${url}/health`).then((res) => res.ok, () => false), exited]).catch((err: Error) => {
      cleanUp();
      throw err;
    });
    if (healthy) break;
    if (Date.now() > deadline) {
      cleanUp();
      throw new Error(`victoria-metrics on ${url} not healthy in time: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    pid: child.pid!,
    exportSeries: async (selector) => {
      // Freshly written rows sit in an in-memory buffer that a search may not see for a while
      // (seconds, observed longer after an early empty search): flush them first.
      await fetch(`${url}/internal/force_flush`);
      const res = await fetch(`${url}/api/v1/export`, { method: 'POST', body: new URLSearchParams({ 'match[]': selector }) });
      if (!res.ok) throw new Error(`export ${selector}: HTTP ${res.status} ${await res.text()}`);
      const text = await res.text();
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ExportedSeries);
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        process.removeListener('exit', cleanUp);
        if (child.exitCode !== null) {
          cleanUp();
          return resolve();
        }
        child.once('exit', () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}
