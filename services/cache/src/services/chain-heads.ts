import { NETWORKS, parseChainHead, REDIS_KEYS, type ChainHead } from '@oca/contracts';
import type { Redis } from 'ioredis';

/** Every network's chain head the poller currently publishes (one MGET); absent ones are unknown. */
export async function readChainHeads(redis: Redis, prefix: string): Promise<Map<string, ChainHead>> {
  const raws = await redis.mget(NETWORKS.map((n) => REDIS_KEYS.chainHead(prefix, n)));
  const heads = new Map<string, ChainHead>();
  NETWORKS.forEach((network, i) => {
    const head = parseChainHead(raws[i]);
    if (head) heads.set(network, head);
  });
  return heads;
}
