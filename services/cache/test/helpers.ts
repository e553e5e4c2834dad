import { randomUUID } from 'node:crypto';
import { Broker, newEnvelope } from '@oca/amqp';
import { AGENT_CATALOG, EXCHANGES, isAgentName, parseCacheEntry, ROUTING_KEYS, type CacheEntry, type JobCompleted } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { scrapeMetric, serviceUrls, sleep, until } from '@oca/testkit';
import { Redis } from 'ioredis';
import { createCacheApp, type CacheApp } from '../src/app';
import { loadEnv, type CacheEnv } from '../src/env';

export const URLS = serviceUrls();
export const silentLogger = createLogger({ service: 'cache-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
export const ADDRESS_A = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const ADDRESS_B = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

/** One pino line of the cache app, as JSON. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface CacheHarness {
  app: CacheApp;
  env: CacheEnv;
  redisPrefix: string;
  /** The test's own broker on the app's AMQP prefix: publishes completions, calls RPC. */
  client: Broker;
  redis: Redis;
  logs: LogLine[];
  /** Publishes a job.completed to oca.completions as an executor would. */
  complete(message: JobCompleted): Promise<void>;
  rpc<T>(method: string, params: unknown): Promise<T>;
  entry(key: string): Promise<CacheEntry | undefined>;
  /** Every cache entry key under the harness's prefix. */
  entryKeys(): Promise<string[]>;
  /** Sum of a sample of the app's /metrics over every series matching `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Stops the app and starts a new one on the same prefixes (what a restart looks like). */
  restart(): Promise<void>;
  /** Stops the app, deletes the AMQP topology and every Redis key of the harness. */
  close(): Promise<void>;
}

/**
 * The cache app in-process (createCacheApp) against the real RabbitMQ and Redis, isolated by a
 * fresh AMQP prefix and Redis prefix. `env` overrides the app's variables (intervals, budgets).
 */
export async function startCacheHarness(env: Record<string, string> = {}): Promise<CacheHarness> {
  const id = randomUUID().slice(0, 8);
  const amqpPrefix = `t-cache-${id}-`;
  // A test that seeds Redis before the app starts passes its own REDIS_PREFIX.
  const redisPrefix = env.REDIS_PREFIX ?? `t-cache-${id}:`;
  const logs: LogLine[] = [];
  const logger = createLogger({
    service: 'cache',
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const appEnv = loadEnv({
    NODE_ENV: 'test',
    AMQP_URL: URLS.amqpUrl,
    AMQP_PREFIX: amqpPrefix,
    REDIS_URL: URLS.redisUrl,
    REDIS_PREFIX: redisPrefix,
    CACHE_METRICS_PORT: '0',
    SHUTDOWN_DEADLINE_MS: '10000',
    CHAIN_HEAD_POLL_SECONDS: '0',
    CACHE_REFRESHES_PER_MINUTE: '0',
    CACHE_STATS_INTERVAL_SECONDS: '0',
    ...env,
  });
  const redis = new Redis(URLS.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const client = await Broker.connect({ url: URLS.amqpUrl, connectionName: `cache-test-${id}`, logger: silentLogger, prefix: amqpPrefix });
  let app = createCacheApp({ env: appEnv, logger });

  const scan = async (match: string): Promise<string[]> => {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch);
    return [...new Set(keys)];
  };
  const close = async () => {
    await app.stop('test done');
    await client.deleteTopology().catch(() => undefined);
    await client.close();
    const keys = await scan(`${redisPrefix}*`);
    if (keys.length > 0) await redis.unlink(...keys);
    await redis.quit();
  };
  try {
    await app.start();
  } catch (err) {
    await close();
    throw err;
  }

  return {
    get app() {
      return app;
    },
    env: appEnv,
    redisPrefix,
    client,
    redis,
    logs,
    complete: (message) => client.publish(EXCHANGES.completions, '', message),
    rpc: (method, params) => client.rpc(EXCHANGES.rpc, ROUTING_KEYS.cacheRpc, method, params, { timeoutMs: 10_000 }),
    entry: async (key) => parseCacheEntry(await redis.get(key)),
    entryKeys: () => scan(`${redisPrefix}cache:*`),
    metric: async (name, labels = {}) => scrapeMetric(app.opsPort, name, labels),
    async restart() {
      await app.stop('restart');
      app = createCacheApp({ env: appEnv, logger });
      await app.start();
    },
    close,
  };
}

/** A succeeded job.completed as this release's executor publishes it (params and agentVersion included). */
export function completion(
  params: Record<string, unknown>,
  options: { agent?: string; blockNumber?: number; finishedAt?: Date; agentVersion?: number; jobId?: string; correlationId?: string } = {},
): JobCompleted {
  const finishedAt = options.finishedAt ?? new Date();
  const agent = options.agent ?? 'address';
  return newEnvelope(
    'job.completed',
    {
      agent,
      status: 'succeeded',
      result: { agent, network: params.network, blockNumber: String(options.blockNumber ?? 100), summary: `${agent} result` },
      startedAt: new Date(finishedAt.getTime() - 50).toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: 50,
      params,
      agentVersion: options.agentVersion ?? (isAgentName(agent) ? AGENT_CATALOG[agent].version : 1),
    },
    { jobId: options.jobId ?? randomUUID(), correlationId: options.correlationId ?? `corr-${randomUUID()}` },
  ) as JobCompleted;
}

export { sleep, until };

