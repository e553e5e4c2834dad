import { z } from 'zod';
import { AgentName } from './agents';
import { CACHE_KEY_NO_NETWORK, ChainHead } from './cache';
import { Address, Network } from './common';

/**
 * Which entries to invalidate: every filter given must match (AND). No filter at all means every
 * entry. `target` is an address (any case) that params name as `address` or `token`.
 */
export const CacheInvalidateParams = z.strictObject({
  agent: AgentName.optional(),
  /** A network, or CACHE_KEY_NO_NETWORK for agents whose params have none */
  network: z.union([Network, z.literal(CACHE_KEY_NO_NETWORK)]).optional(),
  target: Address.transform((a) => a.toLowerCase()).optional(),
});
export type CacheInvalidateParams = z.input<typeof CacheInvalidateParams>;

export const CacheInvalidateResult = z.object({ deleted: z.number().int().min(0) });
export type CacheInvalidateResult = z.infer<typeof CacheInvalidateResult>;

/** Lookup counts as the gateway recorded them; hit rate = hit / (hit + miss + coalesced), null before any lookup. */
const LookupCounts = z.object({
  hits: z.number().int().min(0),
  misses: z.number().int().min(0),
  coalesced: z.number().int().min(0),
  /** Lookups skipped on request (Cache-Control: no-cache); not in the hit rate */
  bypass: z.number().int().min(0),
  hitRate: z.number().min(0).max(1).nullable(),
});

export const AgentCacheStats = LookupCounts.extend({
  entries: z.number().int().min(0),
  /** Redis memory of the entries (MEMORY USAGE: key, value and overhead) */
  bytes: z.number().int().min(0),
  /** Refresh jobs published for this agent */
  refreshes: z.number().int().min(0),
});
export type AgentCacheStats = z.infer<typeof AgentCacheStats>;

export const CacheStats = LookupCounts.extend({
  entries: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Per catalog agent (every agent listed, zeros included) */
  byAgent: z.record(z.string(), AgentCacheStats),
  /** Refresh-ahead decisions by outcome (published, filled, failed, skipped_budget, ...) since the counters were created */
  refreshes: z.record(z.string(), z.number().int().min(0)),
  /** Chain heads currently known, by network (absent: poller off or dead, freshness by age only) */
  heads: z.record(z.string(), ChainHead),
});
export type CacheStats = z.infer<typeof CacheStats>;

/**
 * The cache service's RPC surface over `cache.rpc`: method → params and result schemas. Both
 * sides validate with these; an error answer carries a stable code from ERROR_STATUS.
 */
export const CACHE_RPC = {
  invalidate: { params: CacheInvalidateParams, result: CacheInvalidateResult },
  stats: { params: z.object({}), result: CacheStats },
} as const;
export type CacheRpcMethod = keyof typeof CACHE_RPC;
export type CacheRpcParams<M extends CacheRpcMethod> = z.input<(typeof CACHE_RPC)[M]['params']>;
export type CacheRpcResult<M extends CacheRpcMethod> = z.infer<(typeof CACHE_RPC)[M]['result']>;
