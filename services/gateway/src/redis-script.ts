import type { Redis } from 'ioredis';

export type RedisScript = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script defined once on `redis` under `name` and run by its SHA1 (EVALSHA): per call Redis
 * gets neither the script's text nor has to hash it, as it does for EVAL. ioredis sends the text
 * once more after a NOSCRIPT (a restarted or flushed Redis). The returned function takes the
 * `numberOfKeys` keys first, then the arguments. `name` must be unique per script.
 */
export function redisScript(redis: Redis, name: string, numberOfKeys: number, lua: string): RedisScript {
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, RedisScript>)[name];
  if (!command) throw new Error(`ioredis did not define the script command ${name}`);
  return (...keysThenArgs) => command.apply(redis, keysThenArgs);
}
