/**
 * What the benchmark scripts share: the mode flag, the hello-world ceiling, one autocannon run as
 * a table row, and the CPU each process spent during a row (read from /proc, Linux only).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REPO_ROOT, SERVICES, startLocalStack, useClassicQueuesV2, type LocalStack, type ServiceName } from '@oca/testkit';

export type BenchMode = 'development' | 'production';

/** `--mode development|production`; production needs `pnpm build` first. */
export function benchModeFromArgs(): BenchMode {
  const { values } = parseArgs({ options: { mode: { type: 'string', default: 'development' } }, strict: false });
  const mode = values.mode;
  if (mode !== 'development' && mode !== 'production') throw new Error(`--mode must be development or production, not ${String(mode)}`);
  if (mode === 'production') {
    const missing = SERVICES.filter((name) => !existsSync(path.join(REPO_ROOT, 'services', name, 'dist', 'main.js')));
    if (missing.length > 0) throw new Error(`no production build of ${missing.join(', ')}: run pnpm build first`);
  }
  return mode;
}

/**
 * Node flags for every service: BENCH_NODE_ARGS when set; else, in production mode, what the image
 * runs with (deploy/docker/Dockerfile's NODE_OPTIONS: a 64 MiB young generation).
 */
export function benchNodeArgs(mode: BenchMode): string[] {
  const given = process.env.BENCH_NODE_ARGS;
  if (given !== undefined) return given.split(' ').filter(Boolean);
  return mode === 'production' ? ['--max-semi-space-size=64'] : [];
}

/**
 * BENCH_AGENTS_NICE (default 0): the nice level for a stack's executor and anvil. Above 0 they
 * stand in, on this two-core box, for agents on machines of their own (KEDA scales executors on
 * other nodes); at 0 every agent run competes with the gateway for the same cores.
 */
export const AGENTS_NICE = Number(process.env.BENCH_AGENTS_NICE ?? 0);

/** Renices the executor and anvil of `local` to AGENTS_NICE (nothing at 0); call once the executor runs. */
export function niceAgents(local: LocalStack): void {
  if (AGENTS_NICE <= 0) return;
  const pids = [local.stack.services.get('agent-executor')?.process.pid, local.anvil.pid].filter((pid): pid is number => pid !== undefined);
  execFileSync('renice', ['-n', String(AGENTS_NICE), '-p', ...pids.map(String)]);
}

/** Runs a benchmark's main: a failure prints its stack and exits 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

/**
 * The isolated stack of a benchmark (@oca/testkit's startLocalStack) in `mode`: per-user, per-IP,
 * expensive-agent and active-job limits raised so they never decide a figure, and load shedding
 * off (the figures are capacity) unless `env` turns it back on; `env` overrides any of these. Its
 * classic queues use the version 2 storage, as in production.
 */
export async function startBenchStack(label: string, mode: BenchMode, options: { env?: Record<string, string>; services?: readonly ServiceName[] } = {}): Promise<LocalStack> {
  const env = {
    LOG_LEVEL: 'warn',
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_EXPENSIVE_USER_PER_MINUTE: '100000000',
    ACTIVE_JOBS_MAX_PER_USER: '100000000',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    OVERLOAD_MAX_IN_FLIGHT: '0',
    ...options.env,
  };
  const local = await startLocalStack(env, label, benchNodeArgs(mode), { runFrom: mode === 'production' ? 'dist' : 'source', ...(options.services ? { services: options.services } : {}) });
  try {
    // The broker's queue storage as production configures it (deploy/rabbitmq/10-classic-queues.conf).
    await useClassicQueuesV2(local.env.AMQP_URL ?? '', local.amqpPrefix);
  } catch (err) {
    await local.close();
    throw err;
  }
  return local;
}

export interface Row {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU share per process during the row, in percent of one core */
  cpu?: Record<string, number>;
}

export interface LoadOptions {
  duration: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** autocannon worker threads (0: the load runs on this process's own event loop) */
  workers?: number;
  /** Requests per second over all connections (autocannon's overallRate): an offered load, not a closed loop. 0 = as fast as answered. */
  overallRate?: number;
  /** A body per request (n counts up from 0): distinct submissions. Not with workers. */
  bodyOf?: (n: number) => string;
}

/** One autocannon run as a row (keep-alive connections, no pipelining). */
export async function load(target: string, url: string, connections: number, options: LoadOptions): Promise<Row> {
  const result = await autocannon({
    url,
    connections,
    duration: options.duration,
    pipelining: 1,
    timeout: 30,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.workers ? { workers: options.workers } : {}),
    // Each worker thread applies the rate it is given: split the overall rate between them.
    ...(options.overallRate ? { overallRate: Math.max(1, Math.round(options.overallRate / Math.max(1, options.workers ?? 1))) } : {}),
    ...(options.bodyOf ? { requests: [{ setupRequest: distinctBodies(options.bodyOf) }] } : {}),
  });
  return {
    target,
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

function distinctBodies(bodyOf: (n: number) => string) {
  let n = 0;
  return (request: autocannon.Request): autocannon.Request => ({ ...request, body: bodyOf(n++) });
}

/** Runs `use` with a bare fastify app in its own process (scripts/bench-hello-world.ts) at `origin`; stops it after. */
export async function withHelloWorld<T>(use: (origin: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'bench-hello-world.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`hello-world exited with ${code}`)));
  });
  try {
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGTERM');
  }
}

/** A bare fastify app in its own process: the ceiling of this box. */
export async function helloWorldCeiling(method: 'GET' | 'POST', connections: number, duration: number, workers = 0): Promise<Row> {
  return withHelloWorld((origin) => {
    const url = `${origin}/v1/jobs${method === 'GET' ? '/00000000-0000-4000-8000-000000000000' : ''}`;
    return load(`fastify hello-world (${method})`, url, connections, {
      duration,
      method,
      workers,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
    });
  });
}

/** The p-th percentile of ascending `sorted` (nearest rank), NaN when empty. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** TCP sockets a process holds open (its /proc fd links to socket:[…]). */
export function socketsOf(pid: number | undefined): number {
  if (!pid) return NaN;
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of a process and of its children that ended (cutime + cstime), in clock ticks, or
 * 0 when it is gone. The children's share keeps a group's sum from dropping when a member exits:
 * a PostgreSQL backend that closes during a row moves its ticks into the postmaster's cutime.
 */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0;
  }
}

export function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU per process over a row, as a percentage of one core: the named service processes, Redis,
 * every PostgreSQL backend, RabbitMQ, and this process (the load generator and its workers).
 */
export function cpuSampler(services: Record<string, number | number[] | undefined>) {
  const groups = (): Record<string, number[]> => ({
    ...Object.fromEntries(Object.entries(services).flatMap(([name, pid]) => (pid === undefined ? [] : [[name, Array.isArray(pid) ? pid : [pid]]]))),
    redis: pidsOf('redis-server'),
    postgres: pidsOf('postgres'),
    rabbitmq: pidsOf('beam.smp'),
  });
  const read = (): Record<string, number> => {
    const ticks: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups())) ticks[name] = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const own = process.cpuUsage();
    ticks['load generator'] = ((own.user + own.system) / 1e6) * TICKS_PER_SECOND;
    return ticks;
  };
  return {
    start() {
      const before = read();
      return {
        stop(seconds: number): Record<string, number> {
          const after = read();
          const share: Record<string, number> = {};
          for (const name of Object.keys(after)) share[name] = Math.round((100 * ((after[name] ?? 0) - (before[name] ?? 0))) / TICKS_PER_SECOND / seconds);
          return share;
        },
      };
    },
  };
}

/** Prints the rows as a Markdown table, each row's ratio to the ceiling at its connection count, and the CPU split. */
export function printRows(title: string, rows: Row[]): void {
  const out = process.stdout;
  out.write(`\n${title}, ${new Date().toISOString()}\n\n`);
  out.write(
    '| target | connections | req/s | % of ceiling | p50 ms | p99 ms | non-2xx | errors | gateway CPU ms per request | CPU % (one core = 100) |\n|---|---|---|---|---|---|---|---|---|---|\n',
  );
  for (const r of rows) {
    const ceiling = rows.find((c) => c.target.startsWith('fastify') && c.connections === r.connections);
    // An open-loop row's rate is what was offered, not what the service could do: no ratio.
    const ratio = ceiling && r !== ceiling && !r.target.includes('open loop') ? `${((100 * r.rps) / ceiling.rps).toFixed(1)} %` : '';
    const cpu = r.cpu ? Object.entries(r.cpu).map(([name, pct]) => `${name} ${pct}`).join(', ') : '';
    // CPU time per answered request: steadier than req/s on a shared machine (it does not count the time waiting for a core)
    const perRequest = r.cpu?.gateway !== undefined && r.rps > 0 ? (r.cpu.gateway / 100 / r.rps * 1000).toFixed(3) : '';
    out.write(`| ${r.target} | ${r.connections} | ${r.rps} | ${ratio} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${perRequest} | ${cpu} |\n`);
  }
  out.write('\n');
}

export interface BenchUser {
  accessToken: string;
  key: string;
  /** POST a JSON body to the gateway (extra headers, e.g. the API key) */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** Registers a user on the gateway, logs in and creates an API key: the credentials a benchmark sends. */
export async function benchUser(gatewayUrl: string, label: string): Promise<BenchUser> {
  const email = `${label}-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await post('/v1/auth/register', { email, password });
  const { accessToken } = (await (await post('/v1/auth/login', { email, password })).json()) as { accessToken: string };
  const { key } = (await (await post('/v1/api-keys', { name: label }, { authorization: `Bearer ${accessToken}` })).json()) as { key: string };
  return { accessToken, key, post };
}
