import { REDIS_KEYS, type CacheEntry } from '@oca/contracts';
import type { Redis } from 'ioredis';
import { encodeCacheEntry } from './completion-entry';

/**
 * Writes the entry unless the stored one is newer: a higher block, or the same block produced
 * later. Entries are written by encodeCacheEntry, so the stored block and time sit in the first
 * bytes; an entry that does not start that way is overwritten. Adds the key to its target's
 * index with the same TTL, so the index outlives every key it lists.
 *
 * KEYS[1] entry, KEYS[2] target index (absent for target-less params)
 * ARGV[1] entry JSON, ARGV[2] block number, ARGV[3] storedAt (ISO, fixed width), ARGV[4] TTL seconds
 * Returns 1 when written, 0 when the stored entry is newer.
 */
const FILL_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local head = string.sub(current, 1, 128)
  local block = tonumber(string.match(head, '^{"v":1,"blockNumber":(%d+),'))
  local storedAt = string.match(head, '"storedAt":"([^"]+)"')
  local newBlock = tonumber(ARGV[2])
  if block and (block > newBlock or (block == newBlock and storedAt and storedAt > ARGV[3])) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
if KEYS[2] then
  redis.call('SADD', KEYS[2], KEYS[1])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
return 1
`;

type WithFill = Redis & { ocaCacheFill(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number> };

export interface CacheWriterOptions {
  redis: Redis;
  prefix: string;
  /** Redis TTL of every entry (CACHE_TTL_SECONDS) */
  ttlSeconds: number;
}

export type WriteOutcome = 'written' | 'older_block';

/** The only writer of cache entries. Atomic per key; the same completion written twice changes nothing. */
export class CacheWriter {
  private readonly redis: WithFill;

  constructor(private readonly options: CacheWriterOptions) {
    options.redis.defineCommand('ocaCacheFill', { lua: FILL_SCRIPT });
    this.redis = options.redis as WithFill;
  }

  /** Bytes the entry takes stored (what CACHE_MAX_ENTRY_BYTES bounds) and its stored form. */
  encode(entry: CacheEntry): { json: string; bytes: number } {
    const json = encodeCacheEntry(entry);
    return { json, bytes: Buffer.byteLength(json) };
  }

  async write(entry: CacheEntry, json: string): Promise<WriteOutcome> {
    const { prefix, ttlSeconds } = this.options;
    const keys = entry.target ? [entry.key, REDIS_KEYS.cacheTargetIndex(prefix, entry.target)] : [entry.key];
    const written = await this.redis.ocaCacheFill(keys.length, ...keys, json, entry.blockNumber, entry.storedAt, ttlSeconds);
    return written === 1 ? 'written' : 'older_block';
  }
}
