/**
 * `pnpm bench`: job submissions per second against a running stack, next to a bare fastify
 * hello-world on the same machine as the ceiling.
 *
 * Starts its own isolated stack (anvil + the three services, @oca/testkit's startLocalStack), creates a user
 * and an API key, then runs autocannon against POST /v1/jobs at each connection count for
 * BENCH_SECONDS (default 10). Prints a table and the ratio to the ceiling. Traffic goes to
 * 127.0.0.1 only and every run is bounded in time.
 *
 * The last row is the broker's own ceiling on this machine (scripts/lib/broker-ceiling.ts: a bare
 * amqplib client's persistent, confirmed publishes into a priority queue): each submission that
 * misses is one such job.execute message plus its job.submitted event, so it bounds the rows above.
 *
 * After the closed-loop rows, BENCH_MISS_USERS (1,000) users offer BENCH_MISS_RATES (1,000 and 2,000)
 * submissions/s in an open loop beside the executor (scripts/lib/paced-users.ts: latency from when
 * each submission was due), the form of the roadmap's "2,000 RPS at p99 < 300 ms".
 *
 * BENCH_AGENTS_NICE=N runs the executor and anvil at nice N: on this two-core box they then stand
 * in for agents on machines of their own (KEDA scales executors on other nodes), as in
 * bench:longpoll; without it every agent run competes with the gateway for the same two cores.
 *
 * BENCH_ROWS=paused runs only the executor-paused rows (the gateway's own ceiling; what the
 * before/after comparisons in docs/benchmarks.md use). BENCH_NODE_ARGS passes node flags to every
 * service (default in production mode: the image's `--max-semi-space-size=64`).
 *
 * `--mode development` (default) runs the services from their TypeScript sources through tsx;
 * `--mode production` runs the production build, `node services/<name>/dist/main.js` (run
 * `pnpm build` first). docs/benchmarks.md says which mode each figure comes from.
 */
import { performance } from 'node:perf_hooks';
import { type ServiceName } from '@oca/testkit';
import { AGENTS_NICE, startBenchStack, benchModeFromArgs, cpuSampler, helloWorldCeiling, load, niceAgents, printRows, type Row, benchUser, runBenchmark, withHelloWorld } from './lib/bench-kit';
import { brokerCeiling } from './lib/broker-ceiling';
import { pacedRow, rawRequest } from './lib/paced-users';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '100,1000').split(',').map(Number);
const PAUSED_ONLY = process.env.BENCH_ROWS === 'paused';
/** Open-loop rows beside the executor: BENCH_MISS_USERS users offering each of BENCH_MISS_RATES submissions/s ('' for none). */
const MISS_RATES = (process.env.BENCH_MISS_RATES ?? '1000,2000').split(',').filter(Boolean).map(Number);
const MISS_USERS = Number(process.env.BENCH_MISS_USERS ?? 1000);
/** BENCH_SERVICES=auth,agent-executor,gateway runs without the others (default: all five) */
const SERVICES_RUN = process.env.BENCH_SERVICES?.split(',') as ServiceName[] | undefined;

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  // Limits sized for the load: the benchmark measures throughput, not the rate limiter.
  const local = await startBenchStack('bench', mode, {
    env: { EXECUTOR_CONCURRENCY: '16', DATABASE_POOL_MAX: '20' },
    ...(SERVICES_RUN ? { services: SERVICES_RUN } : {}),
  });
  const rows: Row[] = [];
  try {
    const { key } = await benchUser(local.gatewayUrl, 'bench');

    const pidOf = (name: ServiceName) => local.stack.services.get(name)?.process.pid;
    const cpu = cpuSampler({
      gateway: pidOf('gateway'),
      executor: pidOf('agent-executor'),
      anvil: local.anvil.pid,
      auth: pidOf('auth'),
      cache: pidOf('cache'),
      analytics: pidOf('analytics'),
    });
    niceAgents(local);
    let offset = 0;
    // A distinct account per submission: every one misses the result cache and has no identical
    // job to follow (identical bodies would measure coalescing instead).
    const bodyOf = (n: number) => JSON.stringify({ agent: 'address', params: { network: 'devnet', address: `0x${(0x400000 + n + offset).toString(16).padStart(40, '0')}` } });
    const headers = { 'content-type': 'application/json', 'x-api-key': key };
    const submit = async (target: string, connections: number) => {
      offset += 10_000_000;
      const started = cpu.start();
      const t0 = performance.now();
      const row = await load(target, `${local.gatewayUrl}/v1/jobs`, connections, {
        duration: SECONDS,
        method: 'POST',
        headers,
        bodyOf,
      });
      return { ...row, cpu: started.stop((performance.now() - t0) / 1000) };
    };
    for (const connections of PAUSED_ONLY ? [] : CONNECTIONS) {
      rows.push(await helloWorldCeiling('POST', connections, SECONDS));
      rows.push(await submit('POST /v1/jobs (stack)', connections));
    }
    // The roadmap's "2,000 RPS at p99 < 300 ms" as an open loop: users who submit at a steady rate,
    // latency counted from when each submission was due. (A closed loop's latency is connections ÷
    // throughput: 1,000 connections at 2,000/s would mean 500 ms whatever the service does.)
    for (const rate of PAUSED_ONLY ? [] : MISS_RATES) {
      offset += 10_000_000;
      let n = 0;
      const { port } = rawRequest(local.gatewayUrl, 'POST', '/v1/jobs', headers);
      const bytes = () => rawRequest(local.gatewayUrl, 'POST', '/v1/jobs', headers, bodyOf(n++)).bytes;
      // The same open loop against the bare fastify app first: the box's own tail at this rate.
      rows.push(await withHelloWorld((origin) => pacedRow('bare fastify POST', rawRequest(origin, 'POST', '/v1/jobs', { 'content-type': 'application/json' }, '{}'), (answer) => answer.status === 202, MISS_USERS, rate, SECONDS)));
      rows.push(await pacedRow('POST /v1/jobs (stack)', { port, bytes }, (answer) => answer.status === 202, MISS_USERS, rate, SECONDS, cpu));
    }
    // The same with the executor stopped: jobs pile up in the queue (a burst), so the figure is the
    // gateway's own ceiling on this machine rather than its share of two cores with the executor.
    await local.stack.stop('agent-executor');
    for (const connections of CONNECTIONS) rows.push(await submit('POST /v1/jobs (executor paused)', connections));
    // The broker's own ceiling: every submission that misses is one persistent, confirmed
    // job.execute (plus its job.submitted event), so this rate bounds the rows above.
    // Both storage versions: production's (v2, deploy/rabbitmq/10-classic-queues.conf) and the old default.
    rows.push(await brokerCeiling(local.env.AMQP_URL ?? '', SECONDS, 2));
    rows.push(await brokerCeiling(local.env.AMQP_URL ?? '', SECONDS, 1));
  } finally {
    await local.close();
  }

  printRows(`submissions benchmark: ${mode} mode, ${SECONDS}s per run, executor and anvil at nice ${AGENTS_NICE}`, rows);
}

runBenchmark(main);
