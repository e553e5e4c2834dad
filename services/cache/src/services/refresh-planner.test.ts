import type { CachePolicy } from '@oca/contracts';
import { refreshDue } from './refresh-planner';

const storedAt = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(storedAt) + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();
const entry = { storedAt, blockNumber: 100 };
const security: CachePolicy = { maxBlocks: 25, maxAgeSeconds: 300 };

describe('refreshDue', () => {
  it('by age: due once fewer than aheadSeconds are left, and when already stale', () => {
    expect(refreshDue(entry, security, { now: at(289), aheadSeconds: 10 })).toBe(false);
    expect(refreshDue(entry, security, { now: at(290), aheadSeconds: 10 })).toBe(true);
    expect(refreshDue(entry, security, { now: at(900), aheadSeconds: 10 })).toBe(true);
  });

  it('by blocks: due when the expected time of the first stale block is within aheadSeconds', () => {
    const head = (block: number, seenAt = 0) => ({ block, at: iso(seenAt) });
    // 12 s blocks, 25 allowed: at head 124 (1 left) the entry dies with block 126, ~24 s after 124 was seen.
    expect(refreshDue(entry, security, { now: at(30), aheadSeconds: 10, head: head(124, 30), blockTimeMs: 12_000 })).toBe(false);
    expect(refreshDue(entry, security, { now: at(45), aheadSeconds: 10, head: head(124, 30), blockTimeMs: 12_000 })).toBe(true);
    expect(refreshDue(entry, security, { now: at(30), aheadSeconds: 10, head: head(126), blockTimeMs: 12_000 })).toBe(true);
  });

  it('never by blocks while the head is still at the entry block (a refresh would read the same block)', () => {
    const address: CachePolicy = { maxBlocks: 0, maxAgeSeconds: 12 };
    expect(refreshDue(entry, address, { now: at(1), aheadSeconds: 10, head: { block: 100, at: iso(0) }, blockTimeMs: 12_000 })).toBe(false);
    expect(refreshDue(entry, address, { now: at(1), aheadSeconds: 10, head: { block: 101, at: iso(1) }, blockTimeMs: 12_000 })).toBe(true);
  });

  it('unknown block time (devnet): only an entry already stale by blocks is due by blocks', () => {
    expect(refreshDue(entry, security, { now: at(1), aheadSeconds: 10, head: { block: 125, at: iso(0) } })).toBe(false);
    expect(refreshDue(entry, security, { now: at(1), aheadSeconds: 10, head: { block: 126, at: iso(0) } })).toBe(true);
  });

  it('no block bound in the policy: age alone', () => {
    const trend: CachePolicy = { maxAgeSeconds: 300 };
    expect(refreshDue(entry, trend, { now: at(1), aheadSeconds: 10, head: { block: 10_000, at: iso(0) }, blockTimeMs: 1 })).toBe(false);
  });
});
