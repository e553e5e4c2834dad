/**
 * `pnpm bench:overhead`: the platform's own time per job, the agent's run excluded, from the
 * timestamps the services record on each job row:
 *   - submit → executor start: `started_at` (the executor, when its handler began) − `created_at`
 *     (the gateway's INSERT);
 *   - executor end → result visible: `updated_at` (the gateway's completion UPDATE; from then a
 *     poll sees the result and long-polls are woken) − `finished_at` (the executor, when the agent
 *     returned).
 * Starts its own isolated stack (anvil, auth, agent-executor, gateway), submits BENCH_JOBS (200)
 * `address` jobs over distinct accounts at BENCH_RATE (10) per second — a steady load well under
 * capacity, so the figures are overhead and not queueing — waits for all of them, and prints
 * p50/p99/max of both, with the agent's own run time beside them. Traffic goes to 127.0.0.1 only.
 *
 * `--mode production` runs the production build (`pnpm build` first).
 */
import pg from 'pg';
import { startBenchStack, benchModeFromArgs, benchUser, runBenchmark } from './lib/bench-kit';

const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 10);

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  const local = await startBenchStack('bench-overhead', mode, {
    // Enough parallel runs that a job never waits for a free slot: the figure is overhead, not queueing.
    env: { EXECUTOR_CONCURRENCY: '32' },
    services: ['auth', 'agent-executor', 'gateway'],
  });
  const db = new pg.Pool({ connectionString: local.db.url, max: 2 });
  try {
    const { key, post } = await benchUser(local.gatewayUrl, 'bench-overhead');

    const ids: string[] = [];
    const started = Date.now();
    const submissions: Promise<void>[] = [];
    for (let i = 0; i < JOBS; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const address = `0x${(0x300000 + i).toString(16).padStart(40, '0')}`;
      submissions.push(
        post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address } }, { 'x-api-key': key }).then(async (res) => {
          const body = (await res.json()) as { id: string };
          if (res.status !== 202) throw new Error(`submission answered ${res.status}: ${JSON.stringify(body)}`);
          ids.push(body.id);
        }),
      );
    }
    await Promise.all(submissions);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM jobs.jobs WHERE id = ANY($1::uuid[]) AND status IN ('succeeded', 'failed')`, [ids]);
      if (Number(rows[0]?.n) === ids.length) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0]?.n} of ${ids.length} jobs finished in 120 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const { rows } = await db.query<Record<string, string>>(
      `WITH t AS (
         SELECT extract(epoch FROM started_at - created_at) * 1000 AS to_start,
                extract(epoch FROM updated_at - finished_at) * 1000 AS to_visible,
                extract(epoch FROM finished_at - started_at) * 1000 AS agent
           FROM jobs.jobs WHERE id = ANY($1::uuid[]))
       SELECT ${['to_start', 'to_visible', 'agent']
         .map((c) => `round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${c})::numeric, 1) AS ${c}_p50, round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ${c})::numeric, 1) AS ${c}_p99, round(max(${c})::numeric, 1) AS ${c}_max`)
         .join(', ')}
         FROM t`,
      [ids],
    );
    const r = rows[0]!;
    const out = process.stdout;
    out.write(`\nplatform overhead per job: ${mode} mode, ${JOBS} jobs at ${RATE}/s, ${new Date().toISOString()}\n\n`);
    out.write('| span | p50 ms | p99 ms | max ms |\n|---|---|---|---|\n');
    out.write(`| submit → executor start | ${r.to_start_p50} | ${r.to_start_p99} | ${r.to_start_max} |\n`);
    out.write(`| executor end → result visible | ${r.to_visible_p50} | ${r.to_visible_p99} | ${r.to_visible_max} |\n`);
    out.write(`| (the agent's own run, for scale) | ${r.agent_p50} | ${r.agent_p99} | ${r.agent_max} |\n\n`);
  } finally {
    await db.end();
    await local.close();
  }
}

runBenchmark(main);
