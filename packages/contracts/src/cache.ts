import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/**
 * The result cache's contract: how entries are keyed, what an entry holds and when it is fresh.
 * The cache service writes entries (from successful completions); the gateway reads them on the
 * hot path straight from Redis. Both sides use these functions, so a key or a freshness rule can
 * never differ between writer and reader.
 */

/**
 * How long an agent's result may be served from the cache, declared per agent in AGENT_CATALOG.
 * An entry is fresh while BOTH bounds hold: its age is at most `maxAgeSeconds`, and — when the
 * chain head of its network is known — it was computed at most `maxBlocks` blocks before the head.
 */
export const CachePolicy = z.object({
  /** Age bound in seconds (0: only an entry stored this very second is fresh) */
  maxAgeSeconds: z.number().int().min(0),
  /** Block bound: head − entry block ≤ this (0: same block only); absent: no block bound */
  maxBlocks: z.number().int().min(0).optional(),
});
export type CachePolicy = z.infer<typeof CachePolicy>;

/** The principal refresh jobs run under: not a user, so no quota or rate limit applies to it. */
export const SYSTEM_USER_ID = '00000000-0000-4000-8000-000000000000';

/** Network segment of the key of an agent whose params have no network. */
export const CACHE_KEY_NO_NETWORK = '-';

/**
 * One cached result, stored as JSON at its cacheKey. `storedAt` is when the result was produced
 * (the job's finishedAt), so an entry filled late — after the cache service was down — is as old
 * as its result, not as its write.
 */
export const CacheEntry = z.object({
  v: z.literal(1),
  key: z.string(),
  agent: z.string(),
  agentVersion: z.number().int().min(1),
  /** params.network, or CACHE_KEY_NO_NETWORK */
  network: z.string(),
  /** The canonical parsed params the result was computed for (refresh jobs re-run them) */
  params: z.unknown(),
  /** params.address ?? params.token ?? params.governor, lower-cased: what invalidation by target matches */
  target: z.string().nullable(),
  /** The block every figure of the result was read at */
  blockNumber: z.number().int().min(0),
  /** The job whose result this is */
  jobId: z.uuid(),
  storedAt: z.iso.datetime(),
  result: z.unknown(),
});
export type CacheEntry = z.infer<typeof CacheEntry>;

/** A network's chain head as the cache service last saw it; the key expires when the poller stops. */
export const ChainHead = z.object({ block: z.number().int().min(0), at: z.iso.datetime() });
export type ChainHead = z.infer<typeof ChainHead>;

/** What a cache lookup found; the gateway counts each per agent in REDIS_KEYS.cacheLookups. */
export const CACHE_LOOKUP_STATUSES = ['hit', 'miss', 'coalesced', 'bypass'] as const;
export const CacheLookupStatus = z.enum(CACHE_LOOKUP_STATUSES);
export type CacheLookupStatus = z.infer<typeof CacheLookupStatus>;

/** Field of REDIS_KEYS.cacheLookups counting `status` lookups of `agent`. */
export function cacheLookupField(agent: string, status: CacheLookupStatus): string {
  return `${agent}:${status}`;
}

const fieldOf = (params: unknown, name: string): unknown =>
  params && typeof params === 'object' ? (params as Record<string, unknown>)[name] : undefined;

/** The key's network segment: params.network, or CACHE_KEY_NO_NETWORK when params have none. */
export function cacheNetworkOf(params: unknown): string {
  const network = fieldOf(params, 'network');
  return typeof network === 'string' ? network : CACHE_KEY_NO_NETWORK;
}

/** What invalidation by target matches: params.address ?? params.token ?? params.governor, lower-cased, else null. */
export function cacheTargetOf(params: unknown): string | null {
  const target = fieldOf(params, 'address') ?? fieldOf(params, 'token') ?? fieldOf(params, 'governor');
  return typeof target === 'string' ? target.toLowerCase() : null;
}

/**
 * `<prefix>cache:<agent>:v<agentVersion>:<network>:<sha256(canonicalJson(params)) hex>`. `params`
 * must be the agent schema's parsed output (defaults applied), as the executor reports them, so
 * `{}` and `{limit: 20}` (the default) share a key. Any difference in any field gives another
 * key: a cached result is never served for other params. Bumping the agent's version makes every
 * older entry unreachable without deleting anything.
 */
export function cacheKey(prefix: string, agent: string, agentVersion: number, network: string | null | undefined, params: unknown): string {
  const hash = createHash('sha256').update(canonicalJson(params)).digest('hex');
  return `${prefix}cache:${agent}:v${agentVersion}:${network ?? CACHE_KEY_NO_NETWORK}:${hash}`;
}

export interface ParsedCacheKey {
  agent: string;
  agentVersion: number;
  network: string;
  hash: string;
}

/** The parts of a cacheKey, or undefined when `key` is not one under `prefix`. */
export function parseCacheKey(prefix: string, key: string): ParsedCacheKey | undefined {
  if (!key.startsWith(`${prefix}cache:`)) return undefined;
  const match = /^([^:]+):v(\d+):([^:]+):([0-9a-f]{64})$/.exec(key.slice(prefix.length + 'cache:'.length));
  if (!match) return undefined;
  return { agent: match[1]!, agentVersion: Number(match[2]), network: match[3]!, hash: match[4]! };
}

/** Escapes Redis glob metacharacters, so a prefix such as `t[1]:` matches only itself. */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** SCAN MATCH pattern of every cache entry, or of one agent's and/or one network's (any version). */
export function cacheKeyPattern(prefix: string, filter: { agent?: string; network?: string } = {}): string {
  const agent = filter.agent === undefined ? '*' : escapeRedisGlob(filter.agent);
  const network = filter.network === undefined ? '*' : escapeRedisGlob(filter.network);
  return `${escapeRedisGlob(prefix)}cache:${agent}:v*:${network}:*`;
}

export interface FreshnessOptions {
  now: Date;
  /** The network's chain head (REDIS_KEYS.chainHead); unknown → age alone decides */
  headBlock?: number;
  /**
   * The caller accepts entries up to this old (request body `maxAgeSeconds`). Larger than the
   * policy's age bound, it replaces the policy: age alone decides, since a result that old was
   * necessarily read some blocks ago. Smaller, it changes nothing.
   */
  maxAgeSeconds?: number;
}

export interface Freshness {
  fresh: boolean;
  /** Whole seconds since the result was produced (never negative, whatever the clocks say) */
  ageSeconds: number;
  /** Whole seconds left before the entry is stale by age (0 once stale); Cache-Status `ttl` */
  ttlSeconds: number;
}

/**
 * Pure freshness rule (see CachePolicy). A caller's larger `maxAgeSeconds` replaces the policy
 * (see FreshnessOptions.maxAgeSeconds).
 */
export function cacheFreshness(entry: Pick<CacheEntry, 'storedAt' | 'blockNumber'>, policy: CachePolicy, options: FreshnessOptions): Freshness {
  const ageMs = Math.max(0, options.now.getTime() - Date.parse(entry.storedAt));
  const widened = options.maxAgeSeconds !== undefined && options.maxAgeSeconds > policy.maxAgeSeconds;
  const maxAgeMs = (widened ? options.maxAgeSeconds! : policy.maxAgeSeconds) * 1000;
  const withinAge = ageMs <= maxAgeMs;
  const withinBlocks =
    widened || options.headBlock === undefined || policy.maxBlocks === undefined || options.headBlock - entry.blockNumber <= policy.maxBlocks;
  const fresh = withinAge && withinBlocks;
  return { fresh, ageSeconds: Math.floor(ageMs / 1000), ttlSeconds: fresh ? Math.floor((maxAgeMs - ageMs) / 1000) : 0 };
}

/** An entry read from Redis, or undefined when absent or not a valid entry (treat it as a miss). */
export function parseCacheEntry(raw: string | null | undefined): CacheEntry | undefined {
  return parseStored(CacheEntry, raw);
}

/** A chain head read from Redis, or undefined when absent (poller off or dead) or malformed. */
export function parseChainHead(raw: string | null | undefined): ChainHead | undefined {
  return parseStored(ChainHead, raw);
}

function parseStored<S extends z.ZodType>(schema: S, raw: string | null | undefined): z.infer<S> | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
