/**
 * `pnpm bench:read`: reads of a finished job, next to a bare fastify GET in the same run as the
 * ceiling, with an API key and with a bearer token alike; then BENCH_WIDE_CONNECTIONS (10,000)
 * concurrent keep-alive connections reading the same job.
 *
 * Starts its own isolated stack (@oca/testkit's startLocalStack: anvil, auth, agent-executor,
 * gateway), creates a user, an access token and an API key, runs one `address` job to the end,
 * then runs autocannon (worker threads, so the load generator does not starve on one core) against
 * `GET /v1/jobs/:id` for BENCH_SECONDS (10) per row. Each row also prints the CPU seconds each
 * process used during it (gateway, auth, Redis, PostgreSQL, the load generator), so a figure can
 * be read against where the two cores went. Traffic goes to 127.0.0.1 only; every run is bounded.
 *
 * `--mode production` runs the production build (`pnpm build` first), as in `pnpm bench`.
 */
import { performance } from 'node:perf_hooks';
import { startBenchStack, benchModeFromArgs, cpuSampler, helloWorldCeiling, load, printRows, type Row, benchUser, runBenchmark } from './lib/bench-kit';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const WIDE = Number(process.env.BENCH_WIDE_CONNECTIONS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
/** BENCH_ROWS=apikey,bearer runs only those rows (ceiling, health, apikey, bearer, wide) */
const ROWS = new Set((process.env.BENCH_ROWS ?? 'ceiling,health,apikey,bearer,wide').split(','));

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  const local = await startBenchStack('bench-read', mode, { services: ['auth', 'agent-executor', 'gateway'] });
  const rows: Row[] = [];
  try {
    const { accessToken, key, post } = await benchUser(local.gatewayUrl, 'bench-read');
    const submitted = await post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address: local.scenario.erc20 } }, { 'x-api-key': key });
    const { id } = (await submitted.json()) as { id: string };
    const job = (await (await fetch(`${local.gatewayUrl}/v1/jobs/${id}?wait=30`, { headers: { 'x-api-key': key } })).json()) as { id: string; status: string };
    if (job.status !== 'succeeded') throw new Error(`the job to read did not succeed: ${JSON.stringify(job)}`);
    const jobUrl = `${local.gatewayUrl}/v1/jobs/${job.id}`;

    const cpu = cpuSampler({ gateway: local.stack.services.get('gateway')?.process.pid, auth: local.stack.services.get('auth')?.process.pid });
    const measured = async (target: string, connections: number, url: string, headers: Record<string, string> = {}) => {
      const started = cpu.start();
      const t0 = performance.now();
      const row = await load(target, url, connections, { duration: SECONDS, headers, workers: WORKERS });
      rows.push({ ...row, cpu: started.stop((performance.now() - t0) / 1000) });
    };

    if (ROWS.has('ceiling')) rows.push(await helloWorldCeiling('GET', CONNECTIONS, SECONDS, WORKERS));
    if (ROWS.has('health')) await measured('GET /health', CONNECTIONS, `http://127.0.0.1:${local.opsPorts.gateway}/health`);
    if (ROWS.has('apikey')) await measured('GET /v1/jobs/:id (API key)', CONNECTIONS, jobUrl, { 'x-api-key': key });
    if (ROWS.has('bearer')) await measured('GET /v1/jobs/:id (bearer token)', CONNECTIONS, jobUrl, { authorization: `Bearer ${accessToken}` });
    if (WIDE > 0 && ROWS.has('wide')) {
      if (ROWS.has('ceiling')) rows.push(await helloWorldCeiling('GET', WIDE, SECONDS, WORKERS));
      await measured('GET /v1/jobs/:id (API key)', WIDE, jobUrl, { 'x-api-key': key });
    }
  } finally {
    await local.close();
  }
  printRows(`reads benchmark: ${mode} mode, ${SECONDS}s per run, ${WORKERS} load workers`, rows);
}

runBenchmark(main);
