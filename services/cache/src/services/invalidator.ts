import { cacheKeyPattern, parseCacheKey, REDIS_KEYS, type CacheInvalidateParams } from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { z } from 'zod';

/** Keys per SCAN step and per UNLINK: small enough that no single command holds Redis for long. */
const BATCH = 500;

export type InvalidateFilter = z.output<typeof CacheInvalidateParams>;

export interface InvalidationResult {
  deleted: number;
  /** How the keys were found */
  by: 'target' | 'scan';
}

/**
 * Deletes cache entries by agent, network and/or target, never with KEYS (which blocks Redis):
 * by target through the per-target index (no scan at all), otherwise by SCAN MATCH over the key
 * pattern with UNLINK (freed in the background) in batches. Versions need nothing: an agent's
 * version bump already made its older keys unreachable.
 */
export class CacheInvalidator {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * The gateway's in-flight markers of these entries (REDIS_KEYS.cacheInflight): a marker left by a
   * job that just succeeded lets an identical miss take that job's result from PostgreSQL, so it
   * goes with the entry, or an invalidated result could still be served for a few seconds.
   */
  private markersOf(keys: readonly string[]): string[] {
    return keys.map((key) => REDIS_KEYS.cacheInflight(this.prefix, key));
  }

  async invalidate(filter: InvalidateFilter): Promise<InvalidationResult> {
    if (filter.target) return { deleted: await this.byTarget(filter.target, filter), by: 'target' };
    return { deleted: await this.byScan(filter), by: 'scan' };
  }

  private async byTarget(target: string, filter: InvalidateFilter): Promise<number> {
    const index = REDIS_KEYS.cacheTargetIndex(this.prefix, target);
    const members = await this.redis.smembers(index);
    const matching = members.filter((key) => {
      const parts = parseCacheKey(this.prefix, key);
      return parts !== undefined && (!filter.agent || parts.agent === filter.agent) && (!filter.network || parts.network === filter.network);
    });
    let deleted = 0;
    for (let i = 0; i < matching.length; i += BATCH) {
      const batch = matching.slice(i, i + BATCH);
      // Members whose entry already expired are gone from Redis: UNLINK counts only real deletions.
      const [[, unlinked]] = (await this.redis.multi().unlink(...batch).srem(index, ...batch).unlink(...this.markersOf(batch)).exec()) as [[Error | null, number]];
      deleted += unlinked;
    }
    return deleted;
  }

  private async byScan(filter: InvalidateFilter): Promise<number> {
    const stream = this.redis.scanStream({ match: cacheKeyPattern(this.prefix, filter), count: BATCH });
    let deleted = 0;
    for await (const keys of stream as AsyncIterable<string[]>) {
      // SCAN may return a key twice; the second UNLINK finds nothing and counts 0.
      if (keys.length > 0) {
        const [[, unlinked]] = (await this.redis.multi().unlink(...keys).unlink(...this.markersOf(keys)).exec()) as [[Error | null, number]];
        deleted += unlinked;
      }
    }
    return deleted;
  }
}
