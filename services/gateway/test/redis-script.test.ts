/**
 * redisScript against the real Redis: scripts travel as EVALSHA (Redis neither receives nor hashes
 * their text per call), and a script Redis does not know yet (first use, or a restarted Redis)
 * still runs. Watched with MONITOR on a second connection, filtered by this run's own key.
 */
import { randomUUID } from 'node:crypto';
import { serviceUrls } from '@oca/testkit';
import { Redis } from 'ioredis';
import { redisScript } from '../src/redis-script';

describe('redisScript', () => {
  let redis: Redis;
  let monitor: Redis;
  beforeAll(() => {
    const { redisUrl } = serviceUrls();
    redis = new Redis(redisUrl);
    monitor = new Redis(redisUrl);
  });
  afterAll(async () => {
    await Promise.all([redis.quit(), monitor.quit()]);
  });

  it('runs by SHA after the first call, and runs a script Redis has never seen', async () => {
    const key = `oca-test:redis-script:${randomUUID()}`;
    // A nonce in the text: Redis cannot have this script cached, so the first call meets NOSCRIPT.
    const lua = `-- ${randomUUID()}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
    const incr = redisScript(redis, `ocaTestIncr${Date.now()}`, 1, lua);
    const seen: string[] = [];
    const feed = await monitor.monitor();
    feed.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(key) && (args[0] ?? '').toLowerCase().startsWith('eval')) seen.push(args[0]!.toLowerCase());
    });
    await new Promise((r) => setTimeout(r, 50));

    const results: unknown[] = [];
    for (let i = 1; i <= 5; i++) results.push(await incr(key, i));
    await redis.del(key);
    await new Promise((r) => setTimeout(r, 100));
    feed.disconnect();

    expect(results).toEqual([1, 3, 6, 10, 15]);
    // The text once (an EVALSHA refused with NOSCRIPT does not reach MONITOR), then the SHA only.
    expect(seen).toEqual(['eval', 'evalsha', 'evalsha', 'evalsha', 'evalsha']);
  });
});
