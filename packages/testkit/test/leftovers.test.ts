/**
 * removeStackLeftovers against the machine's real RabbitMQ (management API) and Redis: a stack's
 * prefixed queues, exchanges, policy and keys go, a neighbour's stay.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { removeStackLeftovers, serviceUrls, useClassicQueuesV2 } from '../src';

const api = 'http://127.0.0.1:15672';

describe('removeStackLeftovers', () => {
  const { amqpUrl, redisUrl } = serviceUrls();
  const amqp = new URL(amqpUrl);
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(amqp.username)}:${decodeURIComponent(amqp.password)}`).toString('base64')}`;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${api}${path}`, { method, headers: { authorization, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const names = async (kind: 'queues' | 'exchanges' | 'policies', prefix: string) =>
    ((await (await call('GET', `/api/${kind}/%2F?columns=name`)).json()) as { name: string }[]).map((q) => q.name).filter((n) => n.startsWith(prefix)).sort();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  // Whatever a failed assertion left: removed once more at the end (deleting is idempotent).
  const created: string[] = [];
  afterAll(async () => {
    for (const prefix of created) await removeStackLeftovers({ amqpUrl, amqpPrefix: prefix, redisUrl, redisPrefix: `oca-${prefix}` });
    await redis.quit();
  });

  it("deletes the stack's queues, exchanges and keys, and nobody else's", async () => {
    const run = randomBytes(4).toString('hex');
    const mine = `leftovers-${run}.`;
    const neighbour = `leftovers-${run}x.`;
    created.push(mine, neighbour);
    for (const prefix of [mine, neighbour]) {
      for (const queue of ['agent-execution', 'agent-execution.retry.1']) expect((await call('PUT', `/api/queues/%2F/${prefix}${queue}`, { durable: true })).ok).toBe(true);
      expect((await call('PUT', `/api/exchanges/%2F/${prefix}jobs`, { type: 'direct', durable: true })).ok).toBe(true);
      await redis.set(`oca-${prefix}quota:u1`, '1');
      await redis.set(`oca-${prefix}cache:k`, 'v');
    }
    // A benchmark's policy (version 2 storage for its own queues only), and a message left in a
    // queue, as a benchmark's unrun jobs are.
    await useClassicQueuesV2(amqpUrl, mine);
    // Which policy applies to each queue, from the broker itself (the management API's queue view
    // only follows its statistics, every few seconds).
    const policies = execFileSync('rabbitmqctl', ['-q', 'list_queues', 'name', 'policy'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => {
        const [name = '', policy = ''] = line.trim().split(/\s+/);
        return [name, policy];
      })
      .filter(([name]) => name?.startsWith(`leftovers-${run}`));
    expect(Object.fromEntries(policies)).toEqual({
      [`${mine}agent-execution`]: `${mine}cqv2`,
      [`${mine}agent-execution.retry.1`]: `${mine}cqv2`,
      [`${neighbour}agent-execution`]: '',
      [`${neighbour}agent-execution.retry.1`]: '',
    });
    await call('POST', `/api/exchanges/%2F/amq.default/publish`, { properties: { delivery_mode: 2 }, routing_key: `${mine}agent-execution`, payload: '{}', payload_encoding: 'string' });

    await removeStackLeftovers({ amqpUrl, amqpPrefix: mine, redisUrl, redisPrefix: `oca-${mine}` });

    expect(await names('queues', mine)).toEqual([]);
    expect(await names('policies', mine)).toEqual([]);
    expect(await names('exchanges', mine)).toEqual([]);
    expect(await redis.keys(`oca-${mine}*`)).toEqual([]);
    expect(await names('queues', neighbour)).toEqual([`${neighbour}agent-execution`, `${neighbour}agent-execution.retry.1`]);
    expect(await names('exchanges', neighbour)).toEqual([`${neighbour}jobs`]);
    expect((await redis.keys(`oca-${neighbour}*`)).sort()).toEqual([`oca-${neighbour}cache:k`, `oca-${neighbour}quota:u1`]);

    await removeStackLeftovers({ amqpUrl, amqpPrefix: neighbour, redisUrl, redisPrefix: `oca-${neighbour}` });
    expect(await names('queues', neighbour)).toEqual([]);
  });

  it('refuses an empty prefix instead of deleting everything', async () => {
    const marker = `leftovers-keep-${randomBytes(4).toString('hex')}`;
    await redis.set(marker, '1');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await removeStackLeftovers({ amqpUrl, amqpPrefix: '', redisUrl, redisPrefix: '' });
    expect(String(stderr.mock.calls[0]?.[0])).toContain('refusing to delete with an empty prefix');
    stderr.mockRestore();
    expect(await redis.get(marker)).toBe('1');
    await redis.del(marker);
  });
});
