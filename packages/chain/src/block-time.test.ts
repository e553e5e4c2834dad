import fc from 'fast-check';
import { BlockNotFoundError, createPublicClient, custom, type EIP1193RequestFn } from 'viem';
import { blockTimestampReader, findBlocksByTimestamp, type TimestampReader } from './block-time';

/** A chain as a list of timestamps (index = block number) and a reader that counts its calls. */
function chain(timestamps: bigint[]) {
  const calls: bigint[][] = [];
  const read: TimestampReader = async (blocks) => {
    calls.push([...blocks]);
    return blocks.map((b) => {
      const t = timestamps[Number(b)];
      if (t === undefined) throw new Error(`block ${b} does not exist`);
      return t;
    });
  };
  const last = BigInt(timestamps.length - 1);
  return { read, calls, latest: { number: last, timestamp: timestamps[Number(last)]! } };
}

/** The answer by definition: the last block at or before the target; null before genesis. */
function bruteForce(timestamps: bigint[], target: bigint): bigint | null {
  let found: bigint | null = null;
  timestamps.forEach((t, i) => {
    if (t <= target) found = BigInt(i);
  });
  return found;
}

const regular = (n: number, start: bigint, step: bigint) => Array.from({ length: n }, (_, i) => start + BigInt(i) * step);

describe('findBlocksByTimestamp', () => {
  it('finds window starts on a regular 12 s chain of 20 million blocks in a few rounds', async () => {
    // Timestamps are computed, not stored: a 20M-entry array would only slow the test down.
    const start = 1_600_000_000n;
    const n = 20_000_000n;
    let reads = 0;
    const read: TimestampReader = async (blocks) => {
      reads += 1;
      return blocks.map((b) => start + b * 12n);
    };
    const latest = { number: n - 1n, timestamp: start + (n - 1n) * 12n };
    const targets = [latest.timestamp - 3_600n, latest.timestamp - 21_600n, latest.timestamp - 86_400n, latest.timestamp - 86_405n];
    const result = await findBlocksByTimestamp(read, latest, targets);
    expect(result.blocks).toEqual([latest.number - 300n, latest.number - 1_800n, latest.number - 7_200n, latest.number - 7_201n]);
    // Interpolation lands on the block; the answer is confirmed by its neighbour in the next round.
    expect(result.rounds).toBeLessThanOrEqual(3);
    expect(reads).toBe(result.rounds);
  });

  it('handles time jumps (a devnet fast-forwarded by hours) and equal timestamps', async () => {
    const timestamps = [...regular(10, 1_000n, 12n), ...regular(5, 50_000n, 1n), 50_004n, 50_004n, 50_004n, ...regular(20, 140_000n, 12n)];
    const c = chain(timestamps);
    const targets = [999n, 1_000n, 1_005n, 49_999n, 50_004n, 50_005n, 139_999n, 140_000n, 200_000n];
    const result = await findBlocksByTimestamp(c.read, c.latest, targets);
    expect(result.blocks).toEqual(targets.map((t) => bruteForce(timestamps, t)));
    // Several targets share every round: one reader call per round.
    expect(c.calls).toHaveLength(result.rounds);
  });

  it('answers without reading when the target is at or after the latest block', async () => {
    const c = chain(regular(100, 0n, 2n));
    const result = await findBlocksByTimestamp(c.read, c.latest, [c.latest.timestamp, c.latest.timestamp + 50n]);
    expect(result).toEqual({ blocks: [99n, 99n], rounds: 0, probes: 0 });
  });

  it('agrees with the definition on arbitrary non-decreasing chains, within a logarithmic number of rounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 3_000 }),
        fc.array(fc.integer({ min: -10, max: 10_000_000 }), { minLength: 1, maxLength: 4 }),
        async (gaps, rawTargets) => {
          let t = 1_000n;
          const timestamps = gaps.map((g) => (t += BigInt(g)));
          const c = chain(timestamps);
          const targets = rawTargets.map((x) => BigInt(x));
          const result = await findBlocksByTimestamp(c.read, c.latest, targets);
          expect(result.blocks).toEqual(targets.map((target) => (target >= c.latest.timestamp ? c.latest.number : bruteForce(timestamps, target))));
          // Each round shrinks a bracket at least 8-fold: log8(3000) < 4, plus the final scan.
          expect(result.rounds).toBeLessThanOrEqual(6);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('blockTimestampReader', () => {
  /** A node whose history starts at block 1,000 (timestamps 10 s apart from there). */
  const node = createPublicClient({
    transport: custom({
      request: (async ({ method, params }: { method: string; params: unknown[] }) => {
        if (method !== 'eth_getBlockByNumber') throw new Error(`unexpected ${method}`);
        const n = BigInt(params[0] as string);
        if (n === 999_999n) throw new Error('node down');
        return n < 1_000n ? null : { number: `0x${n.toString(16)}`, timestamp: `0x${(1_700_000_000n + n * 10n).toString(16)}`, hash: `0x${'11'.repeat(32)}`, transactions: [] };
      }) as EIP1193RequestFn,
    }),
  });

  it('reads a block the node lacks as time 0, so a window reaching past its history starts at its first block', async () => {
    expect(await blockTimestampReader(node)([5n, 1_000n])).toEqual([0n, 1_700_010_000n]);
    const latest = { number: 2_000n, timestamp: 1_700_020_000n };
    const found = await findBlocksByTimestamp(blockTimestampReader(node), latest, [1_700_015_000n, 1_600_000_000n]);
    expect(found.blocks[0]).toBe(1_500n);
    // Before the node's history: the block before its first, so the window starts at block 1,000.
    expect(found.blocks[1]).toBe(999n);
  });

  it('passes other failures on', async () => {
    await expect(blockTimestampReader(node)([999_999n])).rejects.not.toBeInstanceOf(BlockNotFoundError);
  });
});
