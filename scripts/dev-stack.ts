/**
 * `pnpm start`: the whole product on this machine's local defaults.
 *
 * Creates the database, keeps auth's signing key in .oca/, starts an anvil devnet with the demo
 * contracts when no RPC_URL_<NETWORK> is set, a VictoriaMetrics (InfluxDB stand-in, throw-away
 * data) when no INFLUX_URL is set and the binary is installed, then runs auth, agent-executor,
 * cache, analytics and gateway as separate processes. Ctrl-C stops everything in order.
 */
import path from 'node:path';
import { NETWORKS } from '@oca/contracts';
import {
  deployMarketScenario,
  deployScenario,
  deployTokenScenario,
  ensureDatabase,
  ensureSigningKey,
  REPO_ROOT,
  Stack,
  startAnvil,
  startVictoriaMetrics,
  victoriaMetricsBinary,
  waitForHttp,
  type AnvilInstance,
  type VictoriaMetricsInstance,
} from '@oca/testkit';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/oca';
  const gatewayPort = process.env.GATEWAY_PORT ?? '3000';
  await ensureDatabase(databaseUrl);
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    // Local receivers (http://127.0.0.1:…) are the point of a local stack; production keeps this off.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? 'true',
  };
  if (!process.env.AUTH_SIGNING_KEY && !process.env.AUTH_SIGNING_KEY_FILE) {
    env.AUTH_SIGNING_KEY_FILE = ensureSigningKey(path.join(REPO_ROOT, '.oca'));
  }

  let anvil: AnvilInstance | undefined;
  let demo: Record<string, unknown> | undefined;
  const configured = NETWORKS.filter((n) => process.env[`RPC_URL_${n.toUpperCase()}`]);
  if (configured.length === 0) {
    anvil = await startAnvil();
    const scenario = await deployScenario(anvil.rpcUrl);
    // Uniswap V2/V3 pools traded over 30 simulated hours (market, trend) and risky tokens (security).
    const market = await deployMarketScenario(anvil.rpcUrl);
    const tokens = await deployTokenScenario(anvil.rpcUrl);
    env.RPC_URL_DEVNET = anvil.rpcUrl;
    configured.push('devnet');
    demo = {
      ...scenario,
      marketTokens: Object.fromEntries(Object.entries(market.tokens).map(([name, t]) => [name, t.address])),
      securityTokens: Object.fromEntries(Object.entries(tokens.tokens).map(([name, t]) => [name, t.address])),
    };
  }
  env.GATEWAY_NETWORKS = process.env.GATEWAY_NETWORKS ?? configured.join(',');

  // Without INFLUX_URL and without the binary, analytics keeps only its usage rollups (it says so).
  let victoriaMetrics: VictoriaMetricsInstance | undefined;
  if (!process.env.INFLUX_URL && victoriaMetricsBinary()) {
    victoriaMetrics = await startVictoriaMetrics({ port: Number(process.env.VICTORIA_METRICS_PORT ?? 8428) });
    env.INFLUX_URL = victoriaMetrics.url;
  }

  const stack = new Stack({ env });
  stack.startAll();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping…\n');
    await stack.stopAll('SIGTERM');
    await anvil?.stop();
    await victoriaMetrics?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const service of stack.services.values()) {
    void service.exited.then((code) => {
      if (!stopping) {
        process.stderr.write(`${service.name} exited with code ${code}; stopping the stack\n`);
        void stopAll(1);
      }
    });
  }

  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  await waitForHttp(`${gatewayUrl}/ready`, 90_000);
  process.stdout.write(`\nOnChainAgents is up.\n  gateway:  ${gatewayUrl}\n  networks: ${env.GATEWAY_NETWORKS}\n`);
  process.stdout.write(`  time series: ${env.INFLUX_URL ?? process.env.INFLUX_URL ?? 'off (no INFLUX_URL, victoria-metrics not installed)'}\n`);
  if (demo) process.stdout.write(`  devnet demo contracts:\n${JSON.stringify(demo, null, 2)}\n`);
  process.stdout.write('Press Ctrl-C to stop.\n\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`dev stack failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
