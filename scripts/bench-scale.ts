/**
 * `pnpm bench:scale`: how reads scale past one gateway process. The production nginx config
 * (deploy/nginx/nginx.conf, TLS ending at nginx, keep-alive to the upstreams; run by @oca/testkit's
 * startNginx as test/deploy/nginx.test.ts runs it) in front of one, then two gateway processes of
 * one isolated stack, next to the gateway read directly:
 *   1. GET /v1/jobs/:id straight to gateway 1 (plain HTTP);
 *   2. through nginx (HTTPS) to gateway 1 only;
 *   3. through nginx to gateways 1 and 2.
 * BENCH_CONNECTIONS (100) keep-alive connections, BENCH_SECONDS (10) per row, autocannon with
 * BENCH_WORKERS (2) worker threads. Each row prints the CPU of every process (both gateways,
 * nginx's workers, Redis, auth, the load generator) and the gateways' CPU per answered request:
 * on a machine with more cores, requests per second grow with the gateways as long as that CPU
 * per request stays flat and the shared parts (Redis, nginx) have cores left.
 * `--mode production` runs the production build (`pnpm build` first). Traffic goes to 127.0.0.1
 * only.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTestPki, findFreePort, Stack, startLocalStack, startNginx, waitForHttp } from '@oca/testkit';
import { benchModeFromArgs, benchNodeArgs, benchUser, cpuSampler, load, type Row, runBenchmark } from './lib/bench-kit';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const mode = benchModeFromArgs();
  const nodeArgs = benchNodeArgs(mode);
  const runFrom = mode === 'production' ? 'dist' : 'source';
  const limits = { LOG_LEVEL: 'warn', GATEWAY_TRUST_PROXY: 'loopback', RATE_LIMIT_USER_PER_MINUTE: '100000000', RATE_LIMIT_IP_PER_MINUTE: '100000000', RATE_LIMIT_PUBLIC_IP_PER_MINUTE: '100000000' };
  const local = await startLocalStack(limits, 'bench-scale', nodeArgs, { runFrom, services: ['auth', 'agent-executor', 'gateway'] });
  const [port, opsPort, httpPort, httpsPort] = await Promise.all([findFreePort(), findFreePort(), findFreePort(), findFreePort()]);
  const second = new Stack({ env: { ...local.env, GATEWAY_PORT: String(port), GATEWAY_METRICS_PORT: String(opsPort) }, nodeArgs, runFrom, onLine: () => undefined });
  second.start('gateway');
  const pki = createTestPki('bench-scale');
  const rows: (Row & { gatewaysCpuPerRequest: string })[] = [];
  try {
    await waitForHttp(`http://127.0.0.1:${opsPort}/ready`, 60_000);
    const { key, post } = await benchUser(local.gatewayUrl, 'bench-scale');
    const submitted = await post('/v1/jobs', { agent: 'address', params: { network: 'devnet', address: local.scenario.erc20 } }, { 'x-api-key': key });
    const { id } = (await submitted.json()) as { id: string };
    const job = (await (await fetch(`${local.gatewayUrl}/v1/jobs/${id}?wait=30`, { headers: { 'x-api-key': key } })).json()) as { status: string };
    if (job.status !== 'succeeded') throw new Error(`the job to read did not succeed: ${JSON.stringify(job)}`);
    const gateway1 = local.stack.services.get('gateway')?.process.pid;
    const gateway2 = second.services.get('gateway')?.process.pid;
    const first = Number(local.env.GATEWAY_PORT);

    const measure = async (target: string, url: string, nginxPids: number[]) => {
      const cpu = cpuSampler({ 'gateway 1': gateway1, 'gateway 2': gateway2, nginx: nginxPids, auth: local.stack.services.get('auth')?.process.pid });
      const started = cpu.start();
      const t0 = performance.now();
      const row = await load(target, url, CONNECTIONS, { duration: SECONDS, headers: { 'x-api-key': key }, workers: WORKERS });
      const shares = started.stop((performance.now() - t0) / 1000);
      const gatewaysCpu = (shares['gateway 1'] ?? 0) + (shares['gateway 2'] ?? 0);
      rows.push({ ...row, cpu: shares, gatewaysCpuPerRequest: row.rps > 0 ? ((gatewaysCpu / 100 / row.rps) * 1000).toFixed(3) : '' });
    };
    const throughNginx = async (target: string, upstreams: [number, number]) => {
      const nginx = await startNginx({ upstreams, httpPort, httpsPort, pki });
      try {
        const master = Number(readFileSync(path.join(nginx.dir, 'nginx.pid'), 'utf8').trim());
        await measure(target, `https://127.0.0.1:${httpsPort}/v1/jobs/${id}`, [master, ...childrenOf(master)]);
      } finally {
        await nginx.stop();
      }
    };

    await measure('gateway 1 directly (HTTP)', `${local.gatewayUrl}/v1/jobs/${id}`, []);
    await throughNginx('nginx (HTTPS) → gateway 1', [first, first]);
    await throughNginx('nginx (HTTPS) → gateways 1 and 2', [first, port]);
  } finally {
    await second.stopAll('SIGKILL');
    await local.close();
    rmSync(pki.dir, { recursive: true, force: true });
  }
  const out = process.stdout;
  out.write(`\nscale benchmark: ${mode} mode, ${CONNECTIONS} connections, ${SECONDS}s per row, ${WORKERS} load workers, ${new Date().toISOString()}\n\n`);
  out.write('| path | req/s | p50 ms | p99 ms | non-2xx | errors | gateways\' CPU ms per request | CPU % (one core = 100) |\n|---|---|---|---|---|---|---|---|\n');
  for (const r of rows) {
    const cpuText = Object.entries(r.cpu ?? {}).map(([name, pct]) => `${name} ${pct}`).join(', ');
    out.write(`| ${r.target} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${r.gatewaysCpuPerRequest} | ${cpuText} |\n`);
  }
  out.write('\n');
}

runBenchmark(main);
