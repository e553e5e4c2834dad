import { Counter, Gauge, type Registry } from 'prom-client';

export type CacheMetrics = ReturnType<typeof createCacheMetrics>;

/**
 * The cache service's own metrics. Lookups (hit/miss/coalesced/bypass) are counted by the gateway,
 * which makes them: `gateway`'s cache_lookups_total, and REDIS_KEYS.cacheLookups for the stats RPC.
 */
export function createCacheMetrics(registry: Registry) {
  return {
    fills: new Counter({
      name: 'oca_cache_fills_total',
      help: 'Entries written from successful completions, by agent (a redelivered completion counts again)',
      labelNames: ['agent'],
      registers: [registry],
    }),
    fillSkipped: new Counter({
      name: 'oca_cache_fill_skipped_total',
      help: 'Completions not cached, by reason (started, failed, no_params, no_job_id, unknown_agent, outdated_version, no_block_number, too_large, older_block)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'oca_cache_refreshes_total',
      help: 'Refresh-ahead decisions and results, by agent and outcome (published, skipped_budget, skipped_in_flight, publish_failed, filled, failed)',
      labelNames: ['agent', 'outcome'],
      registers: [registry],
    }),
    entries: new Gauge({
      name: 'oca_cache_entries',
      help: 'Cache entries in Redis at the last count (SCAN of every entry)',
      registers: [registry],
    }),
    bytes: new Gauge({
      name: 'oca_cache_bytes',
      help: 'Redis memory held by cache entries at the last count (MEMORY USAGE of each)',
      registers: [registry],
    }),
    invalidations: new Counter({
      name: 'oca_cache_invalidations_total',
      help: 'Invalidate requests, by how entries were found (target: the per-target index; scan: SCAN over the key pattern)',
      labelNames: ['by'],
      registers: [registry],
    }),
    invalidatedEntries: new Counter({
      name: 'oca_cache_invalidated_entries_total',
      help: 'Entries deleted by invalidate requests',
      registers: [registry],
    }),
    rpcRequests: new Counter({
      name: 'oca_cache_rpc_requests_total',
      help: 'RPC requests answered, by method and outcome (ok or the error code)',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
    chainHead: new Gauge({
      name: 'oca_cache_chain_head_block',
      help: 'Last chain head read by the poller, by network',
      labelNames: ['network'],
      registers: [registry],
    }),
    chainHeadErrors: new Counter({
      name: 'oca_cache_chain_head_errors_total',
      help: 'Failed eth_blockNumber polls, by network (the head key then expires: freshness by age only)',
      labelNames: ['network'],
      registers: [registry],
    }),
  };
}
