import { randomUUID } from 'node:crypto';
import { Broker, newEnvelope, type Consumer } from '@oca/amqp';
import {
  CompletionMessage,
  EXCHANGES,
  QUEUES,
  ROUTING_KEYS,
  type JobCompleted,
  type JobExecute,
  type JobStarted,
} from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { findFreePort, scrapeMetric, serviceUrls, sleep, until } from '@oca/testkit';
import { Redis } from 'ioredis';
import { createExecutorApp, type ExecutorApp } from '../src/app';
import { loadEnv } from '../src/env';

const URLS = serviceUrls();
/** The executor's back-off in these tests; its length (2) makes 3 attempts in all. */
export const RETRY_DELAYS_MS = [200, 400];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** One pino line of the executor, as JSON. */
export type LogLine = Record<string, unknown> & { msg?: string; jobId?: string };

export interface Harness {
  /** The executor's ops port (/metrics). */
  opsPort: number;
  redis: Redis;
  redisPrefix: string;
  /** The test's own broker on the same AMQP prefix: publishes jobs, inspects queues. */
  broker: Broker;
  /** Every message that reached the test's agent-completion queue, in arrival order. */
  completions: CompletionMessage[];
  /** Every line the executor logged. */
  logs: LogLine[];
  /** A job.execute with a fresh jobId, not yet published. */
  newJob(agent: string, params: unknown): JobExecute;
  /** Publishes `job` as is; publishing one twice is what a redelivery looks like to the executor. */
  publish(job: JobExecute): Promise<void>;
  /** newJob + publish. */
  submit(agent: string, params: unknown): Promise<JobExecute>;
  startedOf(jobId: string): JobStarted[];
  completedOf(jobId: string): JobCompleted[];
  /** Sum of a sample of the executor's /metrics over every series matching `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Stops the executor only (consumer cancelled, in-flight awaited, channel closed). Idempotent. */
  stopExecutor(): Promise<void>;
  /** Stops everything, deletes the AMQP topology and the Redis keys of this harness. */
  close(): Promise<void>;
}

/**
 * A real executor in-process (createExecutorApp) against the real RabbitMQ and Redis, isolated by a
 * fresh AMQP prefix and Redis prefix, with a consumer on agent-completion collecting what it says.
 */
export async function startHarness(rpcUrl: string, env: Record<string, string> = {}): Promise<Harness> {
  const id = randomUUID().slice(0, 8);
  const prefix = `t-exec-${id}-`;
  const redisPrefix = `t-exec-${id}:`;
  const silent = createLogger({ service: 'executor-test', level: 'silent' });
  const logs: LogLine[] = [];
  const logger = createLogger({
    service: 'agent-executor',
    level: 'info',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });

  const redis = new Redis(URLS.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  // Same retry steps as the executor, so deleteTopology() removes the retry queues it declared.
  const broker = await Broker.connect({
    url: URLS.amqpUrl,
    connectionName: `executor-test-${id}`,
    logger: silent,
    prefix,
    retryDelaysMs: { [QUEUES.agentExecution]: RETRY_DELAYS_MS },
  });
  const completions: CompletionMessage[] = [];
  let collector: Consumer | undefined;
  let app: ExecutorApp | undefined;
  let stopping: Promise<void> | undefined;
  const stopExecutor = () => (stopping ??= app?.stop('test') ?? Promise.resolve());

  const close = async () => {
    await stopExecutor();
    await collector?.cancel();
    await broker.deleteTopology().catch(() => undefined);
    await broker.close();
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  };

  try {
    collector = await broker.consume(QUEUES.agentCompletion, CompletionMessage, async (message) => {
      completions.push(message);
    });
    const executorEnv = loadEnv({
      NODE_ENV: 'test',
      AMQP_URL: URLS.amqpUrl,
      AMQP_PREFIX: prefix,
      REDIS_URL: URLS.redisUrl,
      REDIS_PREFIX: redisPrefix,
      EXECUTOR_METRICS_PORT: String(await findFreePort()),
      EXECUTOR_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
      RPC_URL_DEVNET: rpcUrl,
      RPC_TIMEOUT_MS: '5000',
      ...env,
    });
    app = createExecutorApp({ env: executorEnv, logger });
    await app.start();
  } catch (err) {
    await close();
    throw err;
  }
  const opsPort = app.opsPort;

  const publish = (job: JobExecute) => broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, job, { priority: job.payload.priority });
  const newJob = (agent: string, params: unknown): JobExecute =>
    newEnvelope(
      'job.execute',
      { agent, params, priority: 4, userId: randomUUID() },
      { jobId: randomUUID(), correlationId: `corr-${randomUUID()}` },
    );
  const ofJob = (jobId: string) => completions.filter((m) => m.jobId === jobId);

  return {
    opsPort,
    redis,
    redisPrefix,
    broker,
    completions,
    logs,
    newJob,
    publish,
    async submit(agent, params) {
      const job = newJob(agent, params);
      await publish(job);
      return job;
    },
    startedOf: (jobId) => ofJob(jobId).filter((m): m is JobStarted => m.type === 'job.started'),
    completedOf: (jobId) => ofJob(jobId).filter((m): m is JobCompleted => m.type === 'job.completed'),
    metric: (name, labels = {}) => scrapeMetric(opsPort, name, labels),
    stopExecutor,
    close,
  };
}

export { sleep, until };

