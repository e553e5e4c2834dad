import { BlockNotFoundError, type Chain, type PublicClient, type Transport } from 'viem';

/** A block number with its header timestamp (seconds). */
export interface BlockStamp {
  number: bigint;
  timestamp: bigint;
}

/** Reads the timestamps of the given blocks, in order. One call should be one round trip. */
export type TimestampReader = (blocks: readonly bigint[]) => Promise<bigint[]>;

/** Options for `findBlocksByTimestamp`. */
export interface BlockTimeSearchOptions {
  /**
   * Blocks sampled evenly across a target's bracket each round, besides the probes around the
   * interpolated guess. They bound the worst case: every round shrinks the bracket by at least
   * `evenProbes + 1`.
   * @default 7
   */
  evenProbes?: number;
}

/** What `findBlocksByTimestamp` found, and what it cost. */
export interface BlockTimeSearchResult {
  /**
   * Per target, in order: the last block whose timestamp is at or before it — the block whose
   * post-state is "the chain as of that time". Null when the target precedes block 0.
   */
  blocks: (bigint | null)[];
  /** Round trips spent (each round is one `TimestampReader` call). */
  rounds: number;
  /** Headers read in total. */
  probes: number;
}

/** Offsets around the interpolated guess: regular block times land within a block or two. */
const GUESS_OFFSETS = [0n, 1n, -1n, 2n, -2n, 8n, -8n, 32n, -32n];
const DEFAULT_EVEN_PROBES = 7;

interface Bracket {
  target: bigint;
  /** Highest block known at or before the target; -1 while none is known. */
  lo: bigint;
  loTime: bigint;
  /** Lowest block known after the target. */
  hi: bigint;
  hiTime: bigint;
}

/**
 * Block ↔ time by the chain's own timestamps: for each target time, the last block at or before
 * it. All targets are searched together and every round's probes go out in one reader call, so
 * the cost is a handful of round trips whatever the number of targets.
 *
 * Each round probes the interpolated guess (timestamps are nearly linear in block number on most
 * chains, so this usually lands within a block) with a few neighbours, plus blocks spread evenly
 * over the bracket, which guarantees the bracket shrinks geometrically even when the chain's
 * block times are irregular (devnets with time jumps, L2s with bursts). Timestamps must be
 * non-decreasing in block number, as consensus rules require.
 */
export async function findBlocksByTimestamp(
  read: TimestampReader,
  latest: BlockStamp,
  targets: readonly bigint[],
  options: BlockTimeSearchOptions = {},
): Promise<BlockTimeSearchResult> {
  const evenProbes = options.evenProbes ?? DEFAULT_EVEN_PROBES;
  const answers = new Map<number, bigint | null>();
  const open: { index: number; bracket: Bracket }[] = [];
  targets.forEach((target, index) => {
    if (target >= latest.timestamp) answers.set(index, latest.number);
    else open.push({ index, bracket: { target, lo: -1n, loTime: 0n, hi: latest.number, hiTime: latest.timestamp } });
  });

  let rounds = 0;
  let probes = 0;
  const known = new Map<bigint, bigint>([[latest.number, latest.timestamp]]);
  for (;;) {
    for (let i = open.length - 1; i >= 0; i--) {
      const { index, bracket } = open[i]!;
      if (bracket.hi - bracket.lo === 1n) {
        answers.set(index, bracket.lo >= 0n ? bracket.lo : null);
        open.splice(i, 1);
      }
    }
    if (open.length === 0) break;

    const wanted = new Set<bigint>();
    for (const { bracket } of open) for (const block of probesFor(bracket, evenProbes)) if (!known.has(block)) wanted.add(block);
    const blocks = [...wanted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const times = await read(blocks);
    rounds += 1;
    probes += blocks.length;
    blocks.forEach((block, i) => known.set(block, times[i]!));
    for (const { bracket } of open) narrow(bracket, known);
  }
  return { blocks: targets.map((_, i) => answers.get(i) ?? null), rounds, probes };
}

/** Blocks strictly inside the bracket worth reading next. */
function probesFor(b: Bracket, evenProbes: number): bigint[] {
  const first = b.lo + 1n;
  const last = b.hi - 1n;
  const span = last - first + 1n;
  if (span <= BigInt(GUESS_OFFSETS.length + evenProbes)) return range(first, last);
  const out: bigint[] = [];
  const steps = BigInt(evenProbes + 1);
  for (let i = 1n; i < steps; i++) out.push(first + (span * i) / steps);
  if (b.lo < 0n) {
    // No lower timestamp yet: nothing to interpolate from; block 0 anchors the next round.
    out.push(0n);
    return out;
  }
  const guess = b.lo + ((b.target - b.loTime) * (b.hi - b.lo)) / (b.hiTime - b.loTime);
  for (const offset of GUESS_OFFSETS) {
    const block = guess + offset;
    if (block >= first && block <= last) out.push(block);
  }
  return out;
}

/** Tightens the bracket with every timestamp known so far. */
function narrow(b: Bracket, known: ReadonlyMap<bigint, bigint>): void {
  for (const [block, time] of known) {
    if (time <= b.target && block > b.lo) {
      b.lo = block;
      b.loTime = time;
    } else if (time > b.target && block < b.hi) {
      b.hi = block;
      b.hiTime = time;
    }
  }
}

function range(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/**
 * A `TimestampReader` over a viem client: one `eth_getBlockByNumber` per block, issued together so
 * the client's JSON-RPC batching sends them as one request.
 *
 * A block the node does not have (below the first block of a node synced from a snapshot, or of
 * one that expired old history) reads as timestamp 0: before every target, so a window reaching
 * past the node's history starts at its first block instead of failing the search. Probes are
 * always below the latest block, so "not found" never means "not mined yet".
 */
export function blockTimestampReader<T extends Transport, C extends Chain | undefined>(client: PublicClient<T, C>): TimestampReader {
  return (blocks) =>
    Promise.all(
      blocks.map(async (blockNumber) => {
        try {
          return (await client.getBlock({ blockNumber })).timestamp;
        } catch (err) {
          if (err instanceof BlockNotFoundError) return 0n;
          throw err;
        }
      }),
    );
}
