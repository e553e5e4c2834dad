/**
 * `pnpm bench:cache`: what the result cache and request coalescing buy under a realistic skew.
 *
 * Starts its own isolated stack (anvil, auth, agent-executor, cache, gateway; @oca/testkit's
 * startLocalStack), registers BENCH_USERS users (50) with an API key each, then sends BENCH_REQUESTS
 * (20,000) `address` submissions over BENCH_TARGETS (1,000) distinct addresses drawn from a Zipf
 * distribution (s = BENCH_ZIPF_S, 1.1) with a fixed seed, through BENCH_CONNECTIONS (100)
 * concurrent keep-alive connections — once with the cache, then once with `Cache-Control: no-cache`
 * on every request (the same draws). Prints, per run: hit and coalesced shares, agent runs (the
 * executor's own counter, read after the queue drained), submissions/s and p50/p99 of hits and of
 * misses. Traffic goes to 127.0.0.1 only; every run is bounded.
 *
 * Then hits alone, the way a client sees an answer from the cache without agent runs sharing the
 * cores: one target's entry warmed, then autocannon (BENCH_WORKERS worker threads, 2) sends that
 * question with `maxAgeSeconds` (so the entry stays usable the whole row) for BENCH_SECONDS (10)
 * at BENCH_HIT_CONNECTIONS (100,10), next to a bare fastify POST ceiling in the same run; the hit
 * share of each row is the gateway's own lookup counter. Each closed-loop row (every connection
 * sends again as soon as answered: the box's capacity, latency = connections ÷ rate) is followed
 * by the same connections offering BENCH_HIT_RATES (1000,2000) hits/s in an open loop
 * (scripts/lib/paced-users.ts: each connection's sends are due on a jittered schedule, latency
 * counts from when a send was due, so a stall shows in the tail), each after the same open loop
 * against the bare fastify app (the box's own tail at that rate); only answers that are 200 with
 * a `Cache-Status` hit count as hits there, anything else is counted as non-2xx.
 * BENCH_HIT_CONNECTIONS=0 skips them.
 *
 * `--mode production` runs the production build (`pnpm build` first), as `pnpm bench` does.
 */
import { performance } from 'node:perf_hooks';
import { scrapeMetric, type LocalStack } from '@oca/testkit';
import { startBenchStack, benchModeFromArgs, cpuSampler, helloWorldCeiling, load, percentile, printRows, runBenchmark, withHelloWorld, type Row } from './lib/bench-kit';
import { pacedRow, rawRequest, type Answer } from './lib/paced-users';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const USERS = Number(process.env.BENCH_USERS ?? 50);
const TARGETS = Number(process.env.BENCH_TARGETS ?? 1_000);
const ZIPF_S = Number(process.env.BENCH_ZIPF_S ?? 1.1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const AGENT_RUNS = 'oca_executor_agent_runs_total';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const HIT_CONNECTIONS = (process.env.BENCH_HIT_CONNECTIONS ?? '100,10').split(',').map(Number).filter((n) => n > 0);
const HIT_RATES = (process.env.BENCH_HIT_RATES ?? '1000,2000').split(',').map(Number).filter((n) => n > 0);
const LOOKUPS = 'oca_gateway_cache_lookups_total';

/** Deterministic PRNG (mulberry32), so both runs send the same sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ranks 0..n-1 drawn with P(k) ∝ 1 / (k + 1)^s. */
function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) cdf.push((total += 1 / k ** s));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Target k: a plain account well above the precompiles (the address agent reads it for real). */
const targetAddress = (k: number) => `0x${(0x100000 + k).toString(16).padStart(40, '0')}`;

interface Sample {
  ms: number;
  kind: 'hit' | 'coalesced' | 'miss' | 'bypass' | 'error';
  /** HTTP status, or 0 when the request failed before an answer */
  status: number;
}

const percentileOf = (values: number[], p: number) => percentile([...values].sort((a, b) => a - b), p);

function kindOf(status: number, cacheStatus: string | null): Sample['kind'] {
  if (status === 200 && cacheStatus?.includes('; hit')) return 'hit';
  if (status !== 202) return 'error';
  if (cacheStatus?.includes('collapsed')) return 'coalesced';
  if (cacheStatus?.includes('fwd=bypass')) return 'bypass';
  return 'miss';
}

async function users(local: LocalStack): Promise<string[]> {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
    (await fetch(`${local.gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
  const keys: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `bench-cache-${i}-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await post('/v1/auth/register', { email, password });
    const { accessToken } = await post('/v1/auth/login', { email, password });
    const { key } = await post('/v1/api-keys', { name: 'bench' }, { authorization: `Bearer ${accessToken}` });
    if (!key) throw new Error(`user ${i}: no API key (registration or login refused)`);
    keys.push(key);
  }
  return keys;
}

/** Waits until the executor's run counter stops moving (the backlog drained), at most 180 s. */
async function settledRuns(local: LocalStack): Promise<number> {
  const port = local.opsPorts['agent-executor'];
  let last = -1;
  for (let i = 0; i < 360; i++) {
    const now = await scrapeMetric(port, AGENT_RUNS);
    if (now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last;
}

async function run(local: LocalStack, keys: string[], label: string, noCache: boolean) {
  const draw = zipfSampler(TARGETS, ZIPF_S, prng(42));
  const plan = Array.from({ length: REQUESTS }, (_, i) => ({ key: keys[i % keys.length]!, address: targetAddress(draw()) }));
  const runsBefore = await scrapeMetric(local.opsPorts['agent-executor'], AGENT_RUNS);
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < plan.length) {
        const { key, address } = plan[next++]!;
        const t0 = performance.now();
        const res = await fetch(`${local.gatewayUrl}/v1/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key, ...(noCache ? { 'cache-control': 'no-cache' } : {}) },
          body: JSON.stringify({ agent: 'address', params: { network: 'devnet', address } }),
        }).catch(() => undefined);
        await res?.arrayBuffer();
        samples.push({ ms: performance.now() - t0, kind: res ? kindOf(res.status, res.headers.get('cache-status')) : 'error', status: res?.status ?? 0 });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const runs = (await settledRuns(local)) - runsBefore;
  const count = (kind: Sample['kind']) => samples.filter((s) => s.kind === kind).length;
  const ms = (kinds: Sample['kind'][]) => samples.filter((s) => kinds.includes(s.kind)).map((s) => s.ms);
  const hits = ms(['hit']);
  const misses = ms(['miss', 'coalesced', 'bypass']);
  const errorStatuses: Record<number, number> = {};
  for (const s of samples) if (s.kind === 'error') errorStatuses[s.status] = (errorStatuses[s.status] ?? 0) + 1;
  return {
    label,
    errorStatuses,
    requests: samples.length,
    hit: count('hit') / samples.length,
    coalesced: count('coalesced') / samples.length,
    errors: count('error'),
    runs,
    rps: samples.length / seconds,
    hitP50: percentileOf(hits, 50),
    hitP99: percentileOf(hits, 99),
    missP50: percentileOf(misses, 50),
    missP99: percentileOf(misses, 99),
  };
}

/**
 * Hits only: warms one target's entry (a submission, then the cache service's fill), then loads
 * that question at each connection count; each row's hit share is the gateway's lookup counter.
 */
async function hitRows(local: LocalStack, key: string): Promise<{ rows: Row[]; hitShare: string[] }> {
  const body = JSON.stringify({ agent: 'address', params: { network: 'devnet', address: targetAddress(TARGETS + 7) }, maxAgeSeconds: 3600 });
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const submit = () => fetch(`${local.gatewayUrl}/v1/jobs`, { method: 'POST', headers, body });
  for (let i = 0; i < 120; i++) {
    const res = await submit();
    await res.arrayBuffer();
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const gatewayPort = local.opsPorts.gateway;
  const cpu = cpuSampler({ gateway: local.stack.services.get('gateway')?.process.pid });
  const rows: Row[] = [];
  const hitShare: string[] = [];
  for (const connections of HIT_CONNECTIONS) {
    rows.push(await helloWorldCeiling('POST', connections, SECONDS, WORKERS));
    const [hits, all] = await Promise.all([scrapeMetric(gatewayPort, LOOKUPS, { status: 'hit' }), scrapeMetric(gatewayPort, LOOKUPS)]);
    const started = cpu.start();
    const t0 = performance.now();
    const row = await load('POST /v1/jobs, cache hits only (closed loop)', `${local.gatewayUrl}/v1/jobs`, connections, { duration: SECONDS, method: 'POST', headers, body, workers: WORKERS });
    rows.push({ ...row, cpu: started.stop((performance.now() - t0) / 1000) });
    for (const rate of HIT_RATES) {
      // The same open loop against the bare fastify app first: the box's own tail at this rate.
      rows.push(await withHelloWorld((origin) => pacedRow('bare fastify POST', rawRequest(origin, 'POST', '/v1/jobs', { 'content-type': 'application/json' }, '{}'), (answer) => answer.status === 202, connections, rate, SECONDS)));
      const hit = (answer: Answer) => answer.status === 200 && /\r\ncache-status: [^\r]*; hit/i.test(answer.head);
      rows.push(await pacedRow('POST /v1/jobs, cache hits only', rawRequest(local.gatewayUrl, 'POST', '/v1/jobs', headers, body), hit, connections, rate, SECONDS, cpu));
    }
    const [hitsAfter, allAfter] = await Promise.all([scrapeMetric(gatewayPort, LOOKUPS, { status: 'hit' }), scrapeMetric(gatewayPort, LOOKUPS)]);
    hitShare.push(`${connections} connections: ${hitsAfter - hits} of ${allAfter - all} lookups were hits`);
  }
  return { rows, hitShare };
}

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  const local = await startBenchStack('bench-cache', mode, {
    env: { EXECUTOR_CONCURRENCY: '16', DATABASE_POOL_MAX: '20', RATE_LIMIT_AUTH_IP_PER_MINUTE: '10000' },
  });
  const rows = [];
  let hits: Awaited<ReturnType<typeof hitRows>> | undefined;
  try {
    const keys = await users(local);
    rows.push(await run(local, keys, 'with cache', false));
    rows.push(await run(local, keys, 'without (no-cache)', true));
    if (HIT_CONNECTIONS.length > 0) hits = await hitRows(local, keys[0]!);
  } finally {
    await local.close();
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const f = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(1));
  process.stdout.write(
    `\ncache benchmark, ${mode} mode, ${new Date().toISOString()}: ${REQUESTS} submissions, ${USERS} users, ${TARGETS} targets (Zipf s=${ZIPF_S}), ${CONNECTIONS} connections\n\n`,
  );
  process.stdout.write('| run | hit | coalesced | hit + coalesced | agent runs | runs / submissions | submissions/s | hit p50 ms | hit p99 ms | miss p50 ms | miss p99 ms | errors |\n');
  process.stdout.write('|---|---|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(
      `| ${r.label} | ${pct(r.hit)} | ${pct(r.coalesced)} | ${pct(r.hit + r.coalesced)} | ${r.runs} | ${pct(r.runs / r.requests)} | ${r.rps.toFixed(0)} | ${f(r.hitP50)} | ${f(r.hitP99)} | ${f(r.missP50)} | ${f(r.missP99)} | ${r.errors}${r.errors ? ` ${JSON.stringify(r.errorStatuses)}` : ''} |\n`,
    );
  }
  if (hits) {
    printRows(`cache hits alone (one warmed entry, maxAgeSeconds, autocannon with ${WORKERS} workers), ${mode} mode, ${SECONDS}s per row`, hits.rows);
    process.stdout.write(`\n${hits.hitShare.join('; ')}\n`);
  }
}

runBenchmark(main);
