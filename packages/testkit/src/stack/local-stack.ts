/**
 * A complete, isolated stack for end-to-end tests and benchmarks: a real anvil devnet with the
 * demo scenario, a throw-away database, unique RabbitMQ and Redis prefixes, a VictoriaMetrics
 * for analytics' time series (when the binary is installed; otherwise analytics keeps only its
 * usage rollups), and the five services as separate processes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startAnvil, type AnvilInstance } from '../anvil';
import { findFreePort } from '../free-port';
import { deployMarketScenario, type MarketScenario } from '../markets';
import { deployScenario, type Scenario } from '../scenario';
import { serviceUrls } from '../service-urls';
import { createTestDatabase, type TestDatabase } from '../test-database';
import { deployTokenScenario, type TokenScenario } from '../tokens';
import { startVictoriaMetrics, victoriaMetricsBinary, type VictoriaMetricsInstance } from '../victoria-metrics';
import { removeStackLeftovers } from './leftovers';
import { ensureSigningKey } from './local-setup';
import { SERVICES, Stack, type ServiceName, type StackOptions } from './stack';
import { waitForHttp } from './wait-for-http';

export interface LocalStack {
  gatewayUrl: string;
  opsPorts: Record<ServiceName, number>;
  stack: Stack;
  anvil: AnvilInstance;
  scenario: Scenario;
  /** Uniswap V2/V3 pools traded over 30 simulated hours (market and trend agents) */
  market: MarketScenario;
  /** Risky and clean tokens with V2 pools and holders (security agent) */
  tokens: TokenScenario;
  db: TestDatabase;
  /** The InfluxDB stand-in analytics writes to; absent when victoria-metrics is not installed or analytics is not started */
  victoriaMetrics?: VictoriaMetricsInstance;
  amqpPrefix: string;
  redisPrefix: string;
  /**
   * The environment every service runs with (on top of process.env): start another instance of a
   * service against the same stack with `new Stack({ env: { ...env, <its ports> } })`.
   */
  env: Readonly<Record<string, string>>;
  logs: string[];
  restart(name: ServiceName): Promise<void>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  /**
   * Sees every output line of every service (stdout and stderr), unbounded — `logs` keeps only
   * the most recent lines. The log-redaction test greps all of them.
   */
  onLine?: (service: ServiceName, line: string) => void;
  /**
   * The services to start (each gets its ports either way). A suite that needs only part of the
   * product (the gateway, auth and the executor for jobs) starts faster without the rest.
   * @default all of SERVICES
   */
  services?: readonly ServiceName[];
  /** Sources through tsx, or the production build (`pnpm build` first); see StackOptions */
  runFrom?: StackOptions['runFrom'];
}

export async function startLocalStack(
  extraEnv: Record<string, string> = {},
  label = 'e2e',
  nodeArgs: string[] = [],
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const urls = serviceUrls();
  const services = options.services ?? SERVICES;
  const anvil = await startAnvil();
  let scenario: Scenario, market: MarketScenario, tokens: TokenScenario, db: TestDatabase;
  let victoriaMetrics: VictoriaMetricsInstance | undefined;
  try {
    scenario = await deployScenario(anvil.rpcUrl);
    market = await deployMarketScenario(anvil.rpcUrl);
    tokens = await deployTokenScenario(anvil.rpcUrl);
    const adminUrl = new URL(urls.postgresUrl);
    adminUrl.pathname = '/postgres';
    db = await createTestDatabase(adminUrl.toString(), label);
    if (victoriaMetricsBinary() && services.includes('analytics')) victoriaMetrics = await startVictoriaMetrics();
  } catch (err) {
    await anvil.stop(); // a running anvil would keep the test runner alive
    throw err;
  }
  const tag = randomBytes(4).toString('hex');
  const [gatewayPort, gatewayOps, executorOps, authOps, cacheOps, analyticsOps] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  const logs: string[] = [];
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    AMQP_URL: urls.amqpUrl,
    AMQP_PREFIX: `${label}-${tag}.`,
    REDIS_URL: urls.redisUrl,
    REDIS_PREFIX: `oca-${label}-${tag}:`,
    DATABASE_URL: db.url,
    RPC_URL_DEVNET: anvil.rpcUrl,
    GATEWAY_NETWORKS: 'devnet',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_METRICS_PORT: String(gatewayOps),
    EXECUTOR_METRICS_PORT: String(executorOps),
    AUTH_METRICS_PORT: String(authOps),
    CACHE_METRICS_PORT: String(cacheOps),
    ANALYTICS_METRICS_PORT: String(analyticsOps),
    ANALYTICS_FLUSH_INTERVAL_MS: '50',
    ...(victoriaMetrics ? { INFLUX_URL: victoriaMetrics.url } : {}),
    AUTH_SIGNING_KEY_FILE: ensureSigningKey(mkdtempSync(`${tmpdir()}/oca-${label}-key-`)),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_DELAYS_MS: '300,300,300',
    EXECUTOR_RETRY_DELAYS_MS: '300,600',
    COMPLETION_RETRY_DELAYS_MS: '300,600',
    SHUTDOWN_DEADLINE_MS: '10000',
    ...extraEnv,
  };
  // Removed on close: the broker and Redis are the machine's, shared by every stack.
  const leftovers = { amqpUrl: env.AMQP_URL!, amqpPrefix: env.AMQP_PREFIX!, redisUrl: env.REDIS_URL!, redisPrefix: env.REDIS_PREFIX! };
  const stack = new Stack({
    nodeArgs,
    runFrom: options.runFrom,
    env,
    onLine: (service, line) => {
      options.onLine?.(service, line);
      logs.push(`[${service}] ${line}`);
      if (logs.length > 20_000) logs.splice(0, 10_000); // bounded for long runs
    },
  });
  for (const name of services) stack.start(name);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const opsPorts = { gateway: gatewayOps, 'agent-executor': executorOps, auth: authOps, cache: cacheOps, analytics: analyticsOps };
  try {
    await Promise.all(services.map((name) => waitForHttp(`http://127.0.0.1:${opsPorts[name]}/ready`, 60_000)));
  } catch (err) {
    process.stderr.write(logs.slice(-60).join('\n'));
    await stack.stopAll('SIGKILL');
    await anvil.stop();
    await victoriaMetrics?.stop();
    await db.drop();
    await removeStackLeftovers(leftovers);
    throw err;
  }
  return {
    gatewayUrl,
    opsPorts,
    stack,
    anvil,
    scenario,
    market,
    tokens,
    db,
    victoriaMetrics,
    amqpPrefix: `${label}-${tag}.`,
    redisPrefix: `oca-${label}-${tag}:`,
    env,
    logs,
    restart: async (name) => {
      await stack.stop(name, 'SIGTERM');
      stack.start(name);
      await waitForHttp(`http://127.0.0.1:${opsPorts[name]}/ready`, 60_000);
    },
    close: async () => {
      await stack.stopAll('SIGTERM');
      await anvil.stop();
      await victoriaMetrics?.stop();
      await db.drop();
      await removeStackLeftovers(leftovers);
    },
  };
}

