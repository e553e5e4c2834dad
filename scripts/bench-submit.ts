/**
 * `pnpm bench`: job submissions per second against a running stack, next to a bare fastify
 * hello-world on the same machine as the ceiling.
 *
 * Starts its own isolated stack (anvil + the three services, @oca/testkit's startLocalStack), creates a user
 * and an API key, then runs autocannon against POST /v1/jobs at each connection count for
 * BENCH_SECONDS (default 10). Prints a table and the ratio to the ceiling. Traffic goes to
 * 127.0.0.1 only and every run is bounded in time.
 *
 * BENCH_ROWS=paused runs only the executor-paused rows (the gateway's own ceiling; what the
 * before/after comparisons in docs/benchmarks.md use). BENCH_NODE_ARGS passes node flags to every
 * service, e.g. `--max-semi-space-size=64`.
 *
 * `--mode development` (default) runs the services from their TypeScript sources through tsx;
 * `--mode production` runs the production build, `node services/<name>/dist/main.js` (run
 * `pnpm build` first). docs/benchmarks.md says which mode each figure comes from.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REPO_ROOT, SERVICES, startLocalStack } from '@oca/testkit';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '100,1000').split(',').map(Number);
const PAUSED_ONLY = process.env.BENCH_ROWS === 'paused';
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

type Mode = 'development' | 'production';

function modeFromArgs(): Mode {
  const { values } = parseArgs({ options: { mode: { type: 'string', default: 'development' } } });
  if (values.mode !== 'development' && values.mode !== 'production') throw new Error(`--mode must be development or production, not ${values.mode}`);
  if (values.mode === 'production') {
    const missing = SERVICES.filter((name) => !existsSync(path.join(REPO_ROOT, 'services', name, 'dist', 'main.js')));
    if (missing.length > 0) throw new Error(`no production build of ${missing.join(', ')}: run pnpm build first`);
  }
  return values.mode;
}

interface Row {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function run(target: string, url: string, connections: number, init: Partial<autocannon.Options> = {}): Promise<Row> {
  const result = await autocannon({ url, connections, duration: SECONDS, pipelining: 1, timeout: 30, ...init });
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

async function helloWorldCeiling(connections: number): Promise<Row> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bench-hello-world.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`hello-world exited with ${code}`)));
  });
  try {
    return await run('fastify hello-world', `http://127.0.0.1:${port}/v1/jobs`, connections, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const mode = modeFromArgs();
  // Limits sized for the load: the benchmark measures throughput, not the rate limiter.
  const local = await startLocalStack(
    {
      LOG_LEVEL: 'warn',
      EXECUTOR_CONCURRENCY: '16',
      DATABASE_POOL_MAX: '20',
      RATE_LIMIT_USER_PER_MINUTE: '10000000',
      RATE_LIMIT_IP_PER_MINUTE: '10000000',
      ACTIVE_JOBS_MAX_PER_USER: '10000000',
      OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
    },
    'bench',
    NODE_ARGS,
    { runFrom: mode === 'production' ? 'dist' : 'source' },
  );
  const rows: Row[] = [];
  try {
    const email = `bench-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${local.gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await post('/v1/auth/register', { email, password });
    const { accessToken } = (await (await post('/v1/auth/login', { email, password })).json()) as { accessToken: string };
    const { key } = (await (await post('/v1/api-keys', { name: 'bench' }, { authorization: `Bearer ${accessToken}` })).json()) as { key: string };
    const body = JSON.stringify({ agent: 'address', params: { network: 'devnet', address: local.scenario.erc20 } });

    const submit = (target: string, connections: number) =>
      run(target, `${local.gatewayUrl}/v1/jobs`, connections, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body,
      });
    for (const connections of PAUSED_ONLY ? [] : CONNECTIONS) {
      rows.push(await helloWorldCeiling(connections));
      rows.push(await submit('POST /v1/jobs (stack)', connections));
    }
    // The same with the executor stopped: jobs pile up in the queue (a burst), so the figure is the
    // gateway's own ceiling on this machine rather than its share of two cores with the executor.
    await local.stack.stop('agent-executor');
    for (const connections of CONNECTIONS) rows.push(await submit('POST /v1/jobs (executor paused)', connections));
  } finally {
    await local.close();
  }

  process.stdout.write(`\nsubmissions benchmark: ${mode} mode, ${SECONDS}s per run, ${new Date().toISOString()}\n\n`);
  process.stdout.write('| target | connections | req/s | p50 ms | p99 ms | non-2xx | errors |\n|---|---|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.target} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |\n`);
  for (const connections of CONNECTIONS) {
    const ceiling = rows.find((r) => r.connections === connections && r.target.startsWith('fastify'));
    for (const stack of rows.filter((r) => r.connections === connections && r.target.startsWith('POST'))) {
      if (!ceiling) continue;
      process.stdout.write(`\n${connections} connections, ${stack.target}: ${stack.rps}/s = ${((100 * stack.rps) / ceiling.rps).toFixed(1)}% of the hello-world ceiling (${ceiling.rps}/s)`);
    }
  }
  process.stdout.write('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
