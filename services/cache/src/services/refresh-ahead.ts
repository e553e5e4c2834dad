import { randomUUID } from 'node:crypto';
import { newEnvelope, type Broker } from '@oca/amqp';
import { CHAINS } from '@oca/chain';
import {
  AGENT_CATALOG,
  EXCHANGES,
  isAgentName,
  NETWORKS,
  parseCacheEntry,
  REDIS_KEYS,
  ROUTING_KEYS,
  SYSTEM_USER_ID,
  type CacheEntry,
} from '@oca/contracts';
import type { Logger } from '@oca/observability';
import type { Redis } from 'ioredis';
import { readChainHeads } from './chain-heads';
import { refreshDue } from './refresh-planner';
import type { RefreshLedger, RefreshOutcome } from './refresh-ledger';
import { refreshCorrelationId, SERVICE_KEYS } from './service-keys';

export interface RefreshAheadOptions {
  redis: Redis;
  broker: Broker;
  ledger: RefreshLedger;
  prefix: string;
  /** CACHE_REFRESH_INTERVAL_SECONDS: also how long this instance holds the round */
  intervalSeconds: number;
  /** CACHE_REFRESH_AHEAD_SECONDS */
  aheadSeconds: number;
  /** CACHE_REFRESH_TOP_N */
  topN: number;
  /** CACHE_REFRESH_MIN_HITS */
  minHits: number;
  /** CACHE_HOT_KEYS_MAX */
  hotKeysMax: number;
  /** CACHE_HOT_HALF_LIFE_SECONDS */
  halfLifeSeconds: number;
  logger: Logger;
  now?: () => Date;
}

/** What one round did (logged, and read by tests). */
export interface RoundReport {
  /** False when another instance holds this interval's round */
  ran: boolean;
  considered: number;
  published: string[];
}

/** Refresh jobs run below every user's job: the lowest priority. */
const REFRESH_PRIORITY = 0;

/**
 * Refresh-ahead: every round, the hottest keys (REDIS_KEYS.cacheHits, counted by the gateway on
 * each hit) whose entry will stop being fresh soon get a `job.execute` under SYSTEM_USER_ID at
 * priority 0, within the shared per-minute budget and at most one in flight per key. The job's
 * completion comes back through cache.completions like any other and refills the entry; the
 * gateway knows no such job and ignores its completion. Each round also decays the hit counts,
 * so the ZSET tracks current popularity and stays bounded.
 */
export class RefreshAhead {
  constructor(private readonly options: RefreshAheadOptions) {}

  async round(): Promise<RoundReport> {
    if (!(await this.holdRound())) return { ran: false, considered: 0, published: [] };
    const hot = await this.hotKeys();
    const published: string[] = [];
    if (hot.length > 0) {
      const now = this.options.now?.() ?? new Date();
      const [entries, heads] = await Promise.all([this.entries(hot), readChainHeads(this.options.redis, this.options.prefix)]);
      let budgetLeft = true;
      // Hottest first, so a spent budget leaves out the least popular keys.
      for (const entry of entries) {
        if (!isAgentName(entry.agent) || entry.agentVersion !== AGENT_CATALOG[entry.agent].version) continue;
        const due = refreshDue(entry, AGENT_CATALOG[entry.agent].cache, {
          now,
          aheadSeconds: this.options.aheadSeconds,
          head: heads.get(entry.network),
          blockTimeMs: blockTimeOf(entry.network),
        });
        if (!due) continue;
        if (!budgetLeft) {
          await this.options.ledger.record(entry.agent, 'skipped_budget');
          continue;
        }
        const outcome = await this.refresh(entry);
        if (outcome === 'published') published.push(entry.key);
        if (outcome === 'skipped_budget') budgetLeft = false;
      }
    }
    await this.decay();
    if (published.length > 0) this.options.logger.info({ considered: hot.length, published: published.length }, 'refresh-ahead round');
    return { ran: true, considered: hot.length, published };
  }

  /** One instance per interval: the others skip, so the budget is not raced and decay is applied once. */
  private async holdRound(): Promise<boolean> {
    const ms = Math.max(50, Math.floor(this.options.intervalSeconds * 900));
    return (await this.options.redis.set(SERVICE_KEYS.refreshRound(this.options.prefix), '1', 'PX', ms, 'NX')) === 'OK';
  }

  private async hotKeys(): Promise<string[]> {
    const { redis, prefix, minHits, topN } = this.options;
    return redis.zrevrangebyscore(REDIS_KEYS.cacheHits(prefix), '+inf', minHits, 'LIMIT', 0, topN);
  }

  private async entries(keys: string[]): Promise<CacheEntry[]> {
    const raws = await this.options.redis.mget(keys);
    return raws.map((raw) => parseCacheEntry(raw)).filter((e): e is CacheEntry => e !== undefined);
  }


  /** Claim → budget → publish; whichever step says no, the outcome is recorded and returned. */
  private async refresh(entry: CacheEntry): Promise<RefreshOutcome> {
    const outcome = await this.publish(entry, randomUUID());
    await this.options.ledger.record(entry.agent, outcome);
    return outcome;
  }

  private async publish(entry: CacheEntry, jobId: string): Promise<RefreshOutcome> {
    const { ledger, broker, prefix } = this.options;
    if (!(await ledger.claim(entry.key, jobId))) return 'skipped_in_flight';
    if (!(await ledger.takeBudget())) {
      await ledger.release(entry.key, jobId);
      return 'skipped_budget';
    }
    try {
      const message = newEnvelope(
        'job.execute',
        { agent: entry.agent, params: entry.params, priority: REFRESH_PRIORITY, userId: SYSTEM_USER_ID },
        { jobId, correlationId: refreshCorrelationId(prefix, entry.key) },
      );
      await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, message, { priority: REFRESH_PRIORITY });
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message, agent: entry.agent }, 'refresh publish failed');
      await ledger.release(entry.key, jobId);
      return 'publish_failed';
    }
    return 'published';
  }

  /**
   * Keeps the hottest `hotKeysMax` keys and scales every score by 0.5^(interval / half-life),
   * so a key that stops being hit sinks below CACHE_REFRESH_MIN_HITS within a few half-lives.
   * ZUNIONSTORE onto itself with a weight is Redis's atomic "multiply every score".
   */
  private async decay(): Promise<void> {
    const { redis, prefix, hotKeysMax, intervalSeconds, halfLifeSeconds } = this.options;
    const key = REDIS_KEYS.cacheHits(prefix);
    const weight = 0.5 ** (intervalSeconds / halfLifeSeconds);
    await redis.multi().zremrangebyrank(key, 0, -(hotKeysMax + 1)).zunionstore(key, 1, key, 'WEIGHTS', weight).exec();
  }
}

/** Typical block time of a network (viem's chain definition); undefined for a devnet or no network. */
function blockTimeOf(network: string): number | undefined {
  return (NETWORKS as readonly string[]).includes(network) ? CHAINS[network as keyof typeof CHAINS].blockTime : undefined;
}
