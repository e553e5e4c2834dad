/**
 * `pnpm bench:soak`: the whole platform under a steady load for BENCH_MINUTES (30), watching for
 * leaks: each service's resident memory, open file descriptors and sockets, and the database
 * connections, sampled every BENCH_SAMPLE_SECONDS (60); errors counted over the whole run.
 *
 * Load (defaults about half of what this two-core box carries, see docs/benchmarks.md):
 * - BENCH_READ_RATE (1,500) reads/s of a finished job over 50 keep-alive connections (autocannon);
 * - BENCH_SUBMIT_RATE (40) submissions/s of `address` jobs, three in four for an account never
 *   asked before (a cache miss: the executor runs it, the cache stores it, analytics counts it),
 *   one in four for an account asked a moment ago (a hit or a coalesced follower).
 * Starts its own isolated stack with every service (anvil, auth, agent-executor, cache, analytics,
 * gateway); traffic goes to 127.0.0.1 only. Prints every sample, then per service the RSS growth
 * in MB per hour (least squares over the samples after BENCH_WARMUP_MINUTES, 5) and the change in
 * descriptors and sockets over the same span. `--mode production` runs the production build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { SERVICES, type ServiceName } from '@oca/testkit';
import autocannon from 'autocannon';
import { startBenchStack, benchModeFromArgs, benchUser, runBenchmark, socketsOf } from './lib/bench-kit';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 30);
const SAMPLE_SECONDS = Number(process.env.BENCH_SAMPLE_SECONDS ?? 60);
const WARMUP_MINUTES = Number(process.env.BENCH_WARMUP_MINUTES ?? 5);
const READ_RATE = Number(process.env.BENCH_READ_RATE ?? 1_500);
const SUBMIT_RATE = Number(process.env.BENCH_SUBMIT_RATE ?? 40);
/** Extra service settings, `KEY=value,KEY=value` (e.g. FINISHED_JOBS_CACHE_MB=1 to tell a cache filling from a leak). */
const SERVICE_ENV = Object.fromEntries(
  (process.env.BENCH_SERVICE_ENV ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
);

interface Figures {
  rssMb: number;
  /** V8 heap in use (the service's nodejs_heap_size_used_bytes): what a leak grows, whatever the GC's timing does to RSS */
  heapMb: number;
  /**
   * V8's old space in use (nodejs_heap_space_size_used_bytes{space="old"}): where long-lived objects
   * end up, so where a leak shows; the young generation (up to 2 × --max-semi-space-size) swings
   * the whole heap by tens of MB from one sample to the next.
   */
  oldMb: number;
  fds: number;
  sockets: number;
}

interface Sample {
  minute: number;
  services: Partial<Record<ServiceName, Figures>>;
  dbConnections: number;
}

const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;

async function heapOf(opsPort: number): Promise<{ heapMb: number; oldMb: number }> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const heap = Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? NaN);
  const old = Number(/^nodejs_heap_space_size_used_bytes\{[^}]*space="old"[^}]*\} (\S+)/m.exec(text)?.[1] ?? NaN);
  return { heapMb: mb(heap), oldMb: mb(old) };
}

function figuresOf(pid: number, heap: { heapMb: number; oldMb: number }): Figures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(rssKb / 102.4) / 10, ...heap, fds: readdirSync(`/proc/${pid}/fd`).length, sockets: socketsOf(pid) };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  // Load shedding as the gateway ships it: at half capacity it must not fire.
  const local = await startBenchStack('bench-soak', mode, { env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '1000', OVERLOAD_MAX_IN_FLIGHT: '1000', ...SERVICE_ENV } });
  const db = new pg.Pool({ connectionString: local.db.url, max: 1 });
  const dbName = new URL(local.db.url).pathname.slice(1);
  const samples: Sample[] = [];
  const counts = { submitted: 0, submitErrors: 0, submitStatus: new Map<number, number>() };
  try {
    const { key, post } = await benchUser(local.gatewayUrl, 'bench-soak');
    const submitted = await post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address: local.scenario.erc20 } }, { 'x-api-key': key });
    const { id } = (await submitted.json()) as { id: string };
    await fetch(`${local.gatewayUrl}/v1/jobs/${id}?wait=30`, { headers: { 'x-api-key': key } });

    const pids = Object.fromEntries(SERVICES.map((name) => [name, local.stack.services.get(name)?.process.pid])) as Record<ServiceName, number | undefined>;
    const sample = async (minute: number) => {
      const services: Sample['services'] = {};
      for (const name of SERVICES) {
        const pid = pids[name];
        if (pid) services[name] = figuresOf(pid, await heapOf(local.opsPorts[name]));
      }
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [dbName]);
      samples.push({ minute, services, dbConnections: Number(rows[0]?.n ?? NaN) });
      const line = SERVICES.map((name) => `${name} ${services[name]?.rssMb} MB (heap ${services[name]?.heapMb}, old ${services[name]?.oldMb})/${services[name]?.fds} fd`).join(', ');
      process.stderr.write(`minute ${minute.toFixed(1)}: ${line}, db connections ${samples.at(-1)!.dbConnections}\n`);
    };

    const endAt = Date.now() + MINUTES * 60_000;
    const reads = autocannon({
      url: `${local.gatewayUrl}/v1/jobs/${id}`,
      connections: 50,
      overallRate: READ_RATE,
      duration: MINUTES * 60,
      headers: { 'x-api-key': key },
      timeout: 30,
    });

    const t0 = Date.now();
    let n = 0;
    const submitter = (async () => {
      const inFlight = new Set<Promise<void>>();
      while (Date.now() < endAt) {
        const due = t0 + (n * 1000) / SUBMIT_RATE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // three in four new accounts (misses), one in four the account asked 8 submissions ago
        const account = n % 4 === 3 ? n - 8 : n;
        const address = `0x${(0x500000 + Math.max(0, account)).toString(16).padStart(40, '0')}`;
        n++;
        const p = post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address } }, { 'x-api-key': key })
          .then(async (res) => {
            await res.arrayBuffer();
            counts.submitted++;
            counts.submitStatus.set(res.status, (counts.submitStatus.get(res.status) ?? 0) + 1);
          })
          .catch(() => {
            counts.submitErrors++;
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    })();

    await sample(0);
    const sampler = setInterval(() => void sample((Date.now() - t0) / 60_000), SAMPLE_SECONDS * 1000);
    const [readResult] = await Promise.all([reads, submitter]);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 5_000)); // let the last jobs finish
    await sample((Date.now() - t0) / 60_000);

    const out = process.stdout;
    out.write(`\nsoak: ${mode} mode, ${MINUTES} min, reads ${READ_RATE}/s, submissions ${SUBMIT_RATE}/s, ${new Date().toISOString()}\n\n`);
    out.write(
      `reads: ${readResult.requests.total} answered, ${Math.round(readResult.requests.average)}/s, p50 ${readResult.latency.p50} ms, p99 ${readResult.latency.p99} ms, non-2xx ${readResult.non2xx}, errors ${readResult.errors + readResult.timeouts}\n`,
    );
    out.write(`submissions: ${counts.submitted} answered (${JSON.stringify(Object.fromEntries(counts.submitStatus))} by status), errors ${counts.submitErrors}\n\n`);
    const settled = samples.filter((s) => s.minute >= WARMUP_MINUTES);
    out.write(
      `| service | RSS MB at ${WARMUP_MINUTES} min | RSS MB at end | RSS growth MB/h (least squares, after warm-up) | heap MB: lowest of the first / last third | heap troughs' growth MB/h | old space MB: lowest of the first / last third | old-space troughs' growth MB/h | fds at ${WARMUP_MINUTES} min → end | sockets → end |\n|---|---|---|---|---|---|---|---|---|---|\n`,
    );
    for (const name of SERVICES) {
      const series = settled.flatMap((s) => (s.services[name] ? [[s.minute, s.services[name]!] as const] : []));
      if (series.length === 0) continue;
      const first = series[0]![1];
      const last = series.at(-1)![1];
      const growth = slope(series.map(([minute, f]) => [minute / 60, f.rssMb]));
      // A heap's lowest point in a span is where the GC left it: a leak lifts the troughs.
      const third = Math.max(1, Math.floor(series.length / 3));
      const trough = (part: typeof series, of: (f: Figures) => number = (f) => f.heapMb) => Math.min(...part.map(([, f]) => of(f)));
      const oldTrough = (part: typeof series) => trough(part, (f) => f.oldMb);
      const [early, late] = [series.slice(0, third), series.slice(-third)];
      const hours = (late.at(-1)![0] - early[0]![0]) / 60;
      const troughGrowth = (trough(late) - trough(early)) / hours; // over the whole settled span: a conservative rate
      const oldGrowth = (oldTrough(late) - oldTrough(early)) / hours;
      out.write(
        `| ${name} | ${first.rssMb} | ${last.rssMb} | ${growth.toFixed(1)} | ${trough(early)} / ${trough(late)} | ${troughGrowth.toFixed(1)} | ${oldTrough(early)} / ${oldTrough(late)} | ${oldGrowth.toFixed(1)} | ${first.fds} → ${last.fds} | ${first.sockets} → ${last.sockets} |\n`,
      );
    }
    const dbSeries = settled.map((s) => s.dbConnections);
    out.write(`\ndatabase connections after warm-up: min ${Math.min(...dbSeries)}, max ${Math.max(...dbSeries)}\n`);
  } finally {
    await db.end();
    await local.close();
  }
}

runBenchmark(main);
