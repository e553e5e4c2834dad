/**
 * `pnpm bench:longpoll`: BENCH_POLLS (10,000) concurrent `GET /v1/jobs/:id?wait=30` long-polls
 * held on one gateway, then woken by their jobs completing.
 *
 * Starts its own isolated stack (@oca/testkit's startLocalStack: anvil, auth, gateway; the executor
 * is started only once every poll is held), submits BENCH_JOBS (1,000) `address` jobs, opens the
 * polls (each job watched by polls / jobs clients, one keep-alive connection each), and prints:
 * the gateway's RSS before and while the polls are held; then, after the executor starts and the
 * jobs complete, the wake-up latency of every poll — from the moment the gateway applied the
 * job's completion (`jobs.updated_at`, written by the completion's UPDATE) to the moment the client
 * had the answer — and the CPU each process spent while the polls were woken (the gateway's per
 * answer is the steadier figure on a shared machine). Traffic goes to 127.0.0.1 only; every request
 * is bounded by the 30 s wait.
 *
 * BENCH_AGENTS_NICE=N runs the executor and anvil at nice N (renice once started): on this two-core
 * box they stand in for machines of their own, as in a deployment where executors scale on other
 * nodes; without it they compete with the gateway at equal priority. The table says which.
 *
 * `--mode production` runs the production build (`pnpm build` first).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { AGENTS_NICE, startBenchStack, benchModeFromArgs, benchUser, cpuSampler, niceAgents, percentile, runBenchmark } from './lib/bench-kit';

const POLLS = Number(process.env.BENCH_POLLS ?? 10_000);
const JOBS = Number(process.env.BENCH_JOBS ?? 1_000);

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? NaN) / 1024);
}

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  const local = await startBenchStack('bench-longpoll', mode, {
    env: { LONG_POLL_MAX_PER_USER: String(POLLS), EXECUTOR_CONCURRENCY: '16' },
    services: ['auth', 'gateway'],
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const db = new pg.Pool({ connectionString: local.db.url, max: 2 });
  try {
    const { key, post } = await benchUser(local.gatewayUrl, 'bench-longpoll');

    // Distinct targets (plain accounts), so neither the result cache nor coalescing merges the jobs.
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const address = `0x${(0x200000 + i).toString(16).padStart(40, '0')}`;
      const res = await post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address } }, { 'x-api-key': key });
      const body = (await res.json()) as { id: string };
      if (res.status !== 202) throw new Error(`submission answered ${res.status}: ${JSON.stringify(body)}`);
      ids.push(body.id);
    }
    const gatewayPid = local.stack.services.get('gateway')?.process.pid;
    const rssBefore = rssMb(gatewayPid);

    const { port } = new URL(local.gatewayUrl);
    const answeredAt = new Map<number, { jobId: string; at: number; status: number }>();
    let errors = 0;
    const polls = Array.from({ length: POLLS }, (_, i) => {
      const jobId = ids[i % ids.length]!;
      return new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: `/v1/jobs/${jobId}?wait=30`, agent, headers: { 'x-api-key': key } }, (res) => {
          res.resume();
          res.once('end', () => {
            answeredAt.set(i, { jobId, at: Date.now(), status: res.statusCode ?? 0 });
            resolve();
          });
        });
        req.once('error', () => {
          errors++;
          resolve();
        });
      });
    });
    // Held: wait until the gateway reports every poll open (its own gauge).
    const heldBy = Date.now() + 60_000;
    let open = 0;
    while (Date.now() < heldBy) {
      const metrics = await (await fetch(`http://127.0.0.1:${local.opsPorts.gateway}/metrics`)).text();
      open = Number(/^oca_gateway_long_polls_open(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
      if (open >= POLLS - errors - answeredAt.size) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const rssHeld = rssMb(gatewayPid);

    const started = Date.now();
    const executor = local.stack.start('agent-executor');
    // CPU of each process while the polls are woken (executor start → last answer): the gateway's
    // per answer is steadier than the wake-up's tail on a shared machine.
    const cpu = cpuSampler({ gateway: gatewayPid, executor: executor.process.pid, anvil: local.anvil.pid }).start();
    niceAgents(local);
    await Promise.all(polls);
    const wall = (Date.now() - started) / 1000;
    const shares = cpu.stop(wall);
    const { rows } = await db.query<{ id: string; applied_ms: string; ended_ms: string }>(
      `SELECT id, (extract(epoch FROM updated_at) * 1000)::bigint AS applied_ms, (extract(epoch FROM finished_at) * 1000)::bigint AS ended_ms
         FROM jobs.jobs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const applied = new Map(rows.map((r) => [r.id, Number(r.applied_ms)]));
    const ended = new Map(rows.map((r) => [r.id, Number(r.ended_ms)]));
    const sinceEnd: number[] = [];
    const wakeups: number[] = [];
    let timedOut = 0;
    for (const { jobId, at, status } of answeredAt.values()) {
      if (status !== 200) {
        errors++;
        continue;
      }
      const appliedAt = applied.get(jobId);
      if (appliedAt === undefined || appliedAt < started) timedOut++;
      else {
        wakeups.push(Math.max(0, at - appliedAt));
        sinceEnd.push(at - (ended.get(jobId) ?? NaN));
      }
    }
    wakeups.sort((a, b) => a - b);
    sinceEnd.sort((a, b) => a - b);
    const out = process.stdout;
    out.write(`\nlong-poll benchmark: ${mode} mode, ${POLLS} polls over ${JOBS} jobs, executor and anvil at nice ${AGENTS_NICE}, ${new Date().toISOString()}\n\n`);
    out.write('| polls held | gateway RSS before (MB) | gateway RSS held (MB) | answered | errors / non-200 | wake-up p50 ms | wake-up p99 ms | wake-up max ms | executor end → answer p50 / p99 ms | all answered in s | gateway CPU ms per answer | CPU % while waking (one core = 100) |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n');
    out.write(
      `| ${open} | ${rssBefore} | ${rssHeld} | ${wakeups.length} | ${errors}${timedOut ? ` (+${timedOut} not completed in time)` : ''} | ${percentile(wakeups, 50)} | ${percentile(wakeups, 99)} | ${wakeups.at(-1) ?? NaN} | ${percentile(sinceEnd, 50)} / ${percentile(sinceEnd, 99)} | ${wall.toFixed(1)} | ${((((shares.gateway ?? NaN) / 100) * wall * 1000) / Math.max(1, answeredAt.size)).toFixed(3)} | ${Object.entries(shares).map(([name, pct]) => `${name} ${pct}`).join(', ')} |\n\n`,
    );
  } finally {
    agent.destroy();
    await db.end();
    await local.close();
  }
}

runBenchmark(main);
