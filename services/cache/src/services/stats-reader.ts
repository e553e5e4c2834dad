import {
  AGENT_NAMES,
  CACHE_LOOKUP_STATUSES,
  cacheKeyPattern,
  cacheLookupField,
  parseCacheKey,
  REDIS_KEYS,
  type AgentCacheStats,
  type CacheStats,
} from '@oca/contracts';
import type { Redis } from 'ioredis';
import type { CacheMetrics } from '../metrics';
import { readChainHeads } from './chain-heads';
import { SERVICE_KEYS } from './service-keys';

const SCAN_COUNT = 1_000;

interface Lookups {
  hits: number;
  misses: number;
  coalesced: number;
  bypass: number;
}

/** hit / (hit + miss + coalesced): bypassed lookups did not ask the cache. Null before any lookup. */
function hitRate(l: Lookups): number | null {
  const asked = l.hits + l.misses + l.coalesced;
  return asked === 0 ? null : l.hits / asked;
}

/**
 * Reads the cache's numbers: entries and bytes by a SCAN of every entry with MEMORY USAGE per key
 * (exact, never blocking: one SCAN step and one pipelined batch at a time, O(entries) in all),
 * lookups from the gateway's counters, refresh outcomes from the ledger, and the known chain heads.
 * Counting at fill time instead would drift: Redis expires and evicts entries without telling anyone.
 */
export class StatsReader {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly metrics: CacheMetrics,
  ) {}

  async read(): Promise<CacheStats> {
    const [sizes, lookups, refreshes, heads] = await Promise.all([this.sizes(), this.hash(REDIS_KEYS.cacheLookups(this.prefix)), this.hash(SERVICE_KEYS.refreshOutcomes(this.prefix)), readChainHeads(this.redis, this.prefix)]);
    const byAgent: Record<string, AgentCacheStats> = {};
    const total: Lookups = { hits: 0, misses: 0, coalesced: 0, bypass: 0 };
    const refreshTotals: Record<string, number> = {};
    for (const [field, count] of Object.entries(refreshes)) {
      const outcome = field.slice(field.lastIndexOf(':') + 1);
      refreshTotals[outcome] = (refreshTotals[outcome] ?? 0) + count;
    }
    for (const agent of AGENT_NAMES) {
      const [hits, misses, coalesced, bypass] = CACHE_LOOKUP_STATUSES.map((status) => lookups[cacheLookupField(agent, status)] ?? 0) as [number, number, number, number];
      const counts = { hits, misses, coalesced, bypass };
      for (const k of Object.keys(total) as (keyof Lookups)[]) total[k] += counts[k];
      const size = sizes.get(agent) ?? { entries: 0, bytes: 0 };
      byAgent[agent] = { ...size, ...counts, hitRate: hitRate(counts), refreshes: refreshes[`${agent}:published`] ?? 0 };
    }
    const entries = [...sizes.values()].reduce((n, s) => n + s.entries, 0);
    const bytes = [...sizes.values()].reduce((n, s) => n + s.bytes, 0);
    this.metrics.entries.set(entries);
    this.metrics.bytes.set(bytes);
    return { entries, bytes, ...total, hitRate: hitRate(total), byAgent, refreshes: refreshTotals, heads: Object.fromEntries(heads) };
  }

  /** Entries and bytes per agent segment of the key (any version, so a bump's leftovers show until they expire). */
  private async sizes(): Promise<Map<string, { entries: number; bytes: number }>> {
    const sizes = new Map<string, { entries: number; bytes: number }>();
    const stream = this.redis.scanStream({ match: cacheKeyPattern(this.prefix), count: SCAN_COUNT });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length === 0) continue;
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key);
      const usages = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const [err, bytes] = usages[i] ?? [];
        const agent = parseCacheKey(this.prefix, key)?.agent;
        // null: expired between SCAN and MEMORY USAGE.
        if (err || typeof bytes !== 'number' || !agent) return;
        const size = sizes.get(agent) ?? { entries: 0, bytes: 0 };
        size.entries += 1;
        size.bytes += bytes;
        sizes.set(agent, size);
      });
    }
    return sizes;
  }

  private async hash(key: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(key);
    return Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, Number(value) || 0]));
  }
}
