/**
 * What an isolated stack leaves on the machine's shared RabbitMQ and Redis: its services declare
 * durable queues and exchanges under the stack's AMQP prefix (jobs a test or benchmark never ran
 * stay in them, persistent) and write keys under its Redis prefix. Left there, every end-to-end
 * suite and benchmark run adds ~20 queues and their messages to the broker for good, and the
 * broker's memory and work grow run after run. Traffic goes to 127.0.0.1 only.
 */
import { Redis } from 'ioredis';

export interface StackLeftovers {
  amqpUrl: string;
  amqpPrefix: string;
  /** Without them, Redis is left alone (a stack whose Redis was its own and is gone). */
  redisUrl?: string;
  redisPrefix?: string;
  /** RabbitMQ's management API (lists the prefix's queues and exchanges); default http://127.0.0.1:15672 */
  managementUrl?: string;
}

/**
 * Deletes the stack's queues and exchanges (through the management API, with the AMQP URL's
 * credentials) and its Redis keys. Never throws: housekeeping must not fail a test; what it could
 * not remove is said on stderr.
 */
export async function removeStackLeftovers(leftovers: StackLeftovers): Promise<void> {
  const problems: string[] = [];
  await removeBrokerObjects(leftovers).catch((err: unknown) => problems.push(`RabbitMQ: ${String(err)}`));
  if (leftovers.redisUrl !== undefined) await removeRedisKeys(leftovers).catch((err: unknown) => problems.push(`Redis: ${String(err)}`));
  if (problems.length > 0) process.stderr.write(`stack clean-up left things behind (${problems.join('; ')})\n`);
}

/** RabbitMQ's management API with the AMQP URL's credentials, on the URL's vhost. */
function brokerApi(amqpUrl: string, managementUrl = 'http://127.0.0.1:15672') {
  const amqp = new URL(amqpUrl);
  const api = new URL(managementUrl);
  const vhost = encodeURIComponent(decodeURIComponent(amqp.pathname.slice(1)) || '/');
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(amqp.username)}:${decodeURIComponent(amqp.password)}`).toString('base64')}`;
  const call = async (method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(new URL(path, api), {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // Deleting a queue that still holds tens of thousands of persistent messages (a benchmark's
      // unrun jobs) takes the broker a while right after a load.
      signal: AbortSignal.timeout(method === 'DELETE' ? 120_000 : 30_000),
    });
    // 404 on DELETE: already gone (deleted by the test itself, or with something else).
    if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`${method} ${path} answered ${res.status}`);
    return method === 'GET' ? res.json() : undefined;
  };
  return { vhost, call };
}

/**
 * Puts the stack's classic queues on the version 2 storage, as the production configuration does
 * for every queue (deploy/rabbitmq/10-classic-queues.conf), with a policy on the stack's prefix
 * (converted at once; removed with the stack's leftovers). The machine's broker keeps its own
 * default for everybody else.
 */
export async function useClassicQueuesV2(amqpUrl: string, amqpPrefix: string, managementUrl?: string): Promise<void> {
  if (!amqpPrefix) throw new Error('a policy needs the stack\'s own prefix');
  const { vhost, call } = brokerApi(amqpUrl, managementUrl);
  const pattern = `^${amqpPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  await call('PUT', `/api/policies/${vhost}/${encodeURIComponent(`${amqpPrefix}cqv2`)}`, { pattern, definition: { 'queue-version': 2 }, 'apply-to': 'queues', priority: 0 });
}

async function removeBrokerObjects({ amqpUrl, amqpPrefix, managementUrl }: StackLeftovers): Promise<void> {
  if (!amqpPrefix) throw new Error('refusing to delete with an empty prefix');
  const { vhost, call } = brokerApi(amqpUrl, managementUrl);
  const failed: string[] = [];
  for (const kind of ['policies', 'queues', 'exchanges'] as const) {
    const listed = (await call('GET', `/api/${kind}/${vhost}?columns=name`)) as { name: string }[];
    const names = listed.map((item) => item.name).filter((name) => name.startsWith(amqpPrefix));
    // One that cannot go does not keep the others.
    for (const name of names) await call('DELETE', `/api/${kind}/${vhost}/${encodeURIComponent(name)}`).catch((err: unknown) => failed.push(`${name}: ${String(err)}`));
  }
  if (failed.length > 0) throw new Error(`${failed.length} not deleted (${failed.slice(0, 3).join('; ')})`);
}

async function removeRedisKeys({ redisUrl, redisPrefix }: StackLeftovers): Promise<void> {
  if (!redisUrl || !redisPrefix) throw new Error('refusing to delete with an empty prefix');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pattern = `${redisPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
