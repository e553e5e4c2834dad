import type { CacheEntry, CachePolicy, ChainHead } from '@oca/contracts';

export interface RefreshCheck {
  now: Date;
  /** CACHE_REFRESH_AHEAD_SECONDS */
  aheadSeconds: number;
  /** The entry's network head, when the poller knows it */
  head?: ChainHead;
  /** The network's typical block time (viem chain definition); unknown on a devnet */
  blockTimeMs?: number;
}

/**
 * Pure: is a hot entry worth refreshing now? Yes when it stops being fresh within `aheadSeconds`,
 * by age, or by blocks — but the block bound only counts once the head has moved past the entry:
 * a refresh run at the entry's own block would produce the same block again and gain nothing
 * (so `maxBlocks: 0` entries are refreshed as soon as a new block is seen, not ahead of it).
 * Entries already stale are due too: the next request would miss.
 */
export function refreshDue(entry: Pick<CacheEntry, 'storedAt' | 'blockNumber'>, policy: CachePolicy, check: RefreshCheck): boolean {
  const ageSeconds = (check.now.getTime() - Date.parse(entry.storedAt)) / 1000;
  if (policy.maxAgeSeconds - ageSeconds <= check.aheadSeconds) return true;
  const { head } = check;
  if (!head || policy.maxBlocks === undefined || head.block <= entry.blockNumber) return false;
  const blocksLeft = policy.maxBlocks - (head.block - entry.blockNumber);
  if (blocksLeft < 0) return true;
  // Unknown block time: the next block may come at any moment, but nothing says it is near.
  if (check.blockTimeMs === undefined) return false;
  // Stale once block head + blocksLeft + 1 arrives, expected (blocksLeft + 1) block times after the head was seen.
  const sinceHeadMs = Math.max(0, check.now.getTime() - Date.parse(head.at));
  return ((blocksLeft + 1) * check.blockTimeMs - sinceHeadMs) / 1000 <= check.aheadSeconds;
}
