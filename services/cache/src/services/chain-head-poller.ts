import type { ChainClients } from '@oca/chain';
import { REDIS_KEYS, type ChainHead, type Network } from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { Redis } from 'ioredis';
import type { CacheMetrics } from '../metrics';

export interface ChainHeadPollerOptions {
  redis: Redis;
  prefix: string;
  chain: ChainClients;
  /** CHAIN_HEAD_POLL_SECONDS (> 0) */
  intervalSeconds: number;
  metrics: CacheMetrics;
  logger: Logger;
  now?: () => Date;
}

/**
 * Reads eth_blockNumber of every network with an RPC URL and publishes it as
 * REDIS_KEYS.chainHead with a TTL of three intervals: when polling stops or fails, the head
 * disappears and freshness falls back to age alone, rather than judging by a frozen head.
 */
export class ChainHeadPoller {
  private readonly ttlSeconds: number;

  constructor(private readonly options: ChainHeadPollerOptions) {
    this.ttlSeconds = Math.max(1, Math.ceil(3 * options.intervalSeconds));
  }

  networks(): Network[] {
    return this.options.chain.configured();
  }

  /** One poll of every network, side by side; a failing network does not hold up the others. */
  async pollOnce(): Promise<void> {
    await Promise.all(this.networks().map((network) => this.poll(network)));
  }

  private async poll(network: Network): Promise<void> {
    const { redis, prefix, metrics, logger } = this.options;
    let block: number;
    try {
      // cacheTime 0: viem otherwise answers from its own block-number cache for a polling interval.
      block = Number(await this.options.chain.get(network).getBlockNumber({ cacheTime: 0 }));
    } catch (err) {
      metrics.chainHeadErrors.inc({ network });
      logger.warn({ network, err: (err as Error).message }, 'chain head poll failed');
      return;
    }
    const head: ChainHead = { block, at: (this.options.now?.() ?? new Date()).toISOString() };
    await redis.set(REDIS_KEYS.chainHead(prefix, network), JSON.stringify(head), 'EX', this.ttlSeconds);
    metrics.chainHead.set({ network }, block);
  }
}
