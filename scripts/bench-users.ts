/**
 * `pnpm bench:users`: 10,000 concurrent users, each on its own keep-alive connection, reading a
 * finished job with a think time between reads — the roadmap's "10,000 concurrent users, > 2,000
 * RPS, p99 < 300 ms" — and then the same users offering twice the gateway's measured capacity,
 * where load shedding must answer the excess with 503 + Retry-After while the accepted reads keep
 * their latency.
 *
 * Rows, each BENCH_SECONDS (30) of measurement after a ramp that spreads the users' first reads
 * over one think time:
 * 1. capacity: autocannon, 100 connections, no think time (closed loop): the gateway's ceiling C;
 * 2. BENCH_USERS (10,000) users at BENCH_RATE (2,000) reads/s together;
 * 3. the same users at 2 × C.
 * A user reads, waits its think time (users ÷ rate, ±50 % uniform jitter), reads again; a 503
 * does not make it retry sooner (well-behaved clients wait at least as long). Latency is per
 * answer, split by status; the table also prints the gateway's open sockets and the CPU of each
 * process. Starts its own isolated stack (auth, agent-executor, gateway); traffic goes to
 * 127.0.0.1 only. `--mode production` runs the production build (`pnpm build` first).
 */
import { performance } from 'node:perf_hooks';
import { startBenchStack, benchModeFromArgs, benchUser, cpuSampler, load, runBenchmark, socketsOf } from './lib/bench-kit';
import { pacedUsers, rawRequest } from './lib/paced-users';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 2_000);
const OVERLOAD = Number(process.env.BENCH_OVERLOAD ?? 2);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

interface UsersRow {
  target: string;
  offered: number;
  answered: number;
  ok: number;
  okP50: number;
  okP99: number;
  okMax: number;
  shed: number;
  shedWithoutRetryAfter: number;
  otherStatus: number;
  errors: number;
  sockets: number;
  cpu: Record<string, number>;
}

/** Measures a row's surroundings: started when measuring starts, stopped when it ends. */
type Probe = () => { stop(): { sockets: number; cpu: Record<string, number> } };

async function users(
  target: string,
  origin: string,
  path: string,
  headers: Record<string, string>,
  rate: number,
  probe: Probe,
  /** after a 503, wait its Retry-After instead of the think time (a well-behaved client) */
  honorRetryAfter = false,
): Promise<UsersRow> {
  const { port, bytes } = rawRequest(origin, 'GET', path, headers);
  const row = await pacedUsers({ port, request: bytes, users: USERS, rate, seconds: SECONDS, pacing: 'think', honorRetryAfter, probe });
  if (row.errors > 0) process.stderr.write(`${target}: errors ${JSON.stringify(row.errorKinds)}\n`);
  const { sockets, cpu } = row.probed as ReturnType<ReturnType<Probe>['stop']>;
  const shed = row.byStatus[503] ?? 0;
  return {
    target,
    offered: row.offered,
    answered: row.answered,
    ok: row.good,
    okP50: Math.round(row.goodP50),
    okP99: Math.round(row.goodP99),
    okMax: row.goodMax,
    shed,
    shedWithoutRetryAfter: row.shedWithoutRetryAfter,
    otherStatus: Object.values(row.byStatus).reduce((a, b) => a + b, 0) - shed,
    errors: row.errors,
    sockets,
    cpu,
  };
}

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  // Load shedding as the gateway ships it (OVERLOAD_MAX_IN_FLIGHT may be given to compare).
  const local = await startBenchStack('bench-users', mode, {
    env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '1000', OVERLOAD_MAX_IN_FLIGHT: process.env.OVERLOAD_MAX_IN_FLIGHT ?? '1000' },
    services: ['auth', 'agent-executor', 'gateway'],
  });
  const rows: UsersRow[] = [];
  let capacity = 0;
  try {
    const { key, post } = await benchUser(local.gatewayUrl, 'bench-users');
    const submitted = await post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address: local.scenario.erc20 } }, { 'x-api-key': key });
    const { id } = (await submitted.json()) as { id: string };
    const job = (await (await fetch(`${local.gatewayUrl}/v1/jobs/${id}?wait=30`, { headers: { 'x-api-key': key } })).json()) as { status: string };
    if (job.status !== 'succeeded') throw new Error(`the job to read did not succeed: ${JSON.stringify(job)}`);
    const path = `/v1/jobs/${id}`;
    const headers = { 'x-api-key': key };
    const gatewayPid = local.stack.services.get('gateway')?.process.pid;
    const cpu = cpuSampler({ gateway: gatewayPid, auth: local.stack.services.get('auth')?.process.pid });
    const probe: Probe = () => {
      const started = cpu.start();
      const t0 = performance.now();
      let sockets = NaN;
      const mid = setTimeout(() => (sockets = socketsOf(gatewayPid)), (SECONDS * 1000) / 2); // mid-row
      return {
        stop() {
          clearTimeout(mid);
          return { sockets, cpu: started.stop((performance.now() - t0) / 1000) };
        },
      };
    };

    const started = cpu.start();
    const t0 = performance.now();
    const closed = await load('capacity: GET /v1/jobs/:id, 100 connections, no think time', `${local.gatewayUrl}${path}`, 100, { duration: Math.min(SECONDS, 15), headers, workers: WORKERS });
    capacity = closed.rps;
    rows.push({
      target: closed.target,
      offered: NaN,
      answered: closed.rps,
      ok: closed.rps - Math.round(closed.non2xx / Math.min(SECONDS, 15)),
      okP50: closed.p50,
      okP99: closed.p99,
      okMax: NaN,
      shed: closed.non2xx,
      shedWithoutRetryAfter: NaN,
      otherStatus: NaN,
      errors: closed.errors,
      sockets: NaN,
      cpu: started.stop((performance.now() - t0) / 1000),
    });
    // What the gateway itself reports after each row: requests shed by reason, requests still in flight.
    const shedding = async () => {
      const text = await (await fetch(`http://127.0.0.1:${local.opsPorts.gateway}/metrics`)).text();
      return text.split('\n').filter((line) => /^oca_gateway_requests_(shed_total|in_flight)/.test(line)).join(', ');
    };
    rows.push(await users(`${USERS} users at ${RATE} reads/s`, local.gatewayUrl, path, headers, RATE, probe));
    process.stderr.write(`after the row: ${await shedding()}\n`);
    rows.push(await users(`${USERS} users at ${OVERLOAD} × capacity, ignoring Retry-After`, local.gatewayUrl, path, headers, OVERLOAD * capacity, probe));
    process.stderr.write(`after the row: ${await shedding()}\n`);
    rows.push(await users(`${USERS} users at ${OVERLOAD} × capacity, honouring Retry-After`, local.gatewayUrl, path, headers, OVERLOAD * capacity, probe, true));
    process.stderr.write(`after the row: ${await shedding()}\n`);
  } finally {
    await local.close();
  }
  const out = process.stdout;
  out.write(`\nusers benchmark: ${mode} mode, ${SECONDS}s per row, capacity ${capacity} reads/s, ${new Date().toISOString()}\n\n`);
  out.write('| row | offered reads/s | answered/s | 200/s | 200 p50 ms | 200 p99 ms | 200 max ms | 503 | 503 without Retry-After | other status | errors | gateway sockets | CPU % (one core = 100) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    const cpuText = Object.entries(r.cpu).map(([name, pct]) => `${name} ${pct}`).join(', ');
    const cell = (n: number) => (Number.isNaN(n) ? '' : String(n));
    out.write(`| ${r.target} | ${cell(r.offered)} | ${r.answered} | ${r.ok} | ${r.okP50} | ${r.okP99} | ${cell(r.okMax)} | ${r.shed} | ${cell(r.shedWithoutRetryAfter)} | ${cell(r.otherStatus)} | ${r.errors} | ${cell(r.sockets)} | ${cpuText} |\n`);
  }
  out.write('\n');
}

runBenchmark(main);
