import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { QUEUES, type JobExecute } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import amqplib, { type GetMessage } from 'amqplib';
import { Registry } from 'prom-client';
import { Broker, newEnvelope, type BrokerOptions } from '../src';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const run = promisify(execFile);

/** Unique per test: every queue and exchange the test declares carries it. */
export function uniquePrefix(): string {
  return `t-amqp-${randomUUID().slice(0, 8)}-`;
}

export interface TestBroker {
  broker: Broker;
  registry: Registry;
  prefix: string;
  connectionName: string;
}

export async function startBroker(prefix: string, overrides: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const registry = new Registry();
  const connectionName = `test-${prefix}${randomUUID().slice(0, 4)}`;
  const broker = await Broker.connect({
    url: AMQP_URL,
    connectionName,
    logger: createLogger({ service: 'amqp-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    registry,
    prefix,
    retryDelaysMs: { [QUEUES.agentExecution]: [100, 200], [QUEUES.webhookDelivery]: [100] },
    reconnectDelayMs: 300,
    ...overrides,
  });
  return { broker, registry, prefix, connectionName };
}

/**
 * Deletes what the broker declared, then closes it. Tolerant so a failed test still cleans up: a
 * broker the test already closed is replaced by a fresh one with the same prefix for the deletion.
 */
export async function stopBroker(t: TestBroker | undefined): Promise<void> {
  if (!t) return;
  const cleaner = t.broker.isConnected() ? t.broker : (await startBroker(t.prefix)).broker;
  await cleaner.deleteTopology().catch(() => undefined);
  await Promise.all([t.broker.close({ deadlineMs: 2_000 }), cleaner.close()]);
}

export function jobExecute(overrides: Partial<JobExecute['payload']> = {}): JobExecute {
  return newEnvelope(
    'job.execute',
    { agent: 'market', params: { symbol: 'ETH' }, priority: 1, userId: randomUUID(), ...overrides },
    { jobId: randomUUID(), correlationId: `corr-${randomUUID()}` },
  );
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads messages off a queue without a Broker (dead letters are inspected as raw AMQP messages). */
export async function getMessages(queue: string, count: number, timeoutMs = 10_000): Promise<GetMessage[]> {
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const got: GetMessage[] = [];
    await waitFor(
      async () => {
        const msg = await channel.get(queue, { noAck: true });
        if (msg) got.push(msg);
        return got.length >= count;
      },
      timeoutMs,
      `${count} message(s) on ${queue}`,
    );
    return got;
  } finally {
    await connection.close();
  }
}

/** Publishes raw bytes (bypassing the Broker's validation) to exercise the consumer's guards. */
export async function publishRaw(queue: string, content: Buffer, headers: Record<string, unknown> = {}): Promise<void> {
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(queue, content, { persistent: true, messageId: randomUUID(), headers });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

export { metricValue } from '@oca/testkit';

/** Makes the broker drop one client connection, found by its connection_name. */
export async function forceCloseConnection(connectionName: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', '-q', '--no-table-headers', 'pid', 'client_properties']);
  const line = stdout.split('\n').find((l) => l.includes(`{"connection_name","${connectionName}"}`));
  const pid = line?.split('\t')[0];
  if (!pid) throw new Error(`no connection named ${connectionName} in:\n${stdout}`);
  await run('rabbitmqctl', ['close_connection', pid, 'test: simulated broker drop']);
}
