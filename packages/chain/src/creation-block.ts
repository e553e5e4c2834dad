import type { Address, Chain, PublicClient, Transport } from 'viem';
import { isHistoryUnavailable } from './rpc-errors';

/** Where a contract's history starts, and how sure that is. */
export interface CreationBlock {
  /** First block at which the contract has code (as far as the node can tell, see `proven`). */
  block: bigint;
  /**
   * True when the node answered "no code" at `block - 1` (or `block` is 0): nothing of the
   * contract's history lies before `block`. False when the block before could not be read (a
   * pruned node, a chain whose history starts later): history before `block` is unknown.
   */
  proven: boolean;
  /** `eth_getCode` requests made. */
  requests: number;
  /** Sequential rounds (HTTP round trips when the probes of a round share one batch). */
  rounds: number;
}

/** Options for `findCreationBlock`. */
export interface CreationSearchOptions {
  /**
   * Blocks probed per round, in one JSON-RPC batch: 16 narrows 18 M blocks in 6 rounds and stays
   * well under providers' batch caps.
   * @default 16
   */
  probesPerRound?: number;
  signal?: AbortSignal;
}

type Probe = 'code' | 'none' | 'unreadable';

/**
 * The block at which `address` got its code, by a k-ary search on `eth_getCode` (no archive-only
 * method, no explorer): each round probes `probesPerRound` evenly spaced blocks between the last
 * block known without code and the first known with it, all in one batch. Log scans start here
 * rather than at block 0, which on a real chain spans millions of blocks and thousands of pages.
 *
 * A block the node cannot read state at (pruned history, a block before the node's first) counts
 * as "no code" for the search but is remembered: the answer is then not `proven`.
 *
 * @returns undefined when `address` has no code at `atBlock` (an EOA, or not deployed yet).
 */
export async function findCreationBlock<C extends Chain | undefined>(
  client: PublicClient<Transport, C>,
  address: Address,
  atBlock: bigint,
  options: CreationSearchOptions = {},
): Promise<CreationBlock | undefined> {
  const probes = BigInt(Math.max(1, options.probesPerRound ?? 16));
  let requests = 0;
  let rounds = 0;
  const hasCode = async (blockNumber: bigint): Promise<boolean> => {
    options.signal?.throwIfAborted();
    requests++;
    const code = await client.getCode({ address, blockNumber });
    return code !== undefined && code !== '0x';
  };
  const probe = async (blockNumber: bigint): Promise<Probe> => {
    try {
      return (await hasCode(blockNumber)) ? 'code' : 'none';
    } catch (err) {
      // Any other failure (a timeout, a 429) must not pass for "no state here": it would move the
      // start later and silently drop history. Only a refusal to serve that block's state counts.
      if (!isHistoryUnavailable(err)) throw err;
      return 'unreadable';
    }
  };

  /** Highest block known without code (or unreadable); -1 before the chain. */
  let low = -1n;
  let lowReadable = true;
  /** Lowest block known with code. */
  let high = atBlock;
  while (high - low > 1n) {
    const gap = high - low;
    const step = gap / (probes + 1n) > 0n ? gap / (probes + 1n) : 1n;
    const points: bigint[] = [];
    for (let p = low + step; p < high && BigInt(points.length) < probes; p += step) points.push(p);
    rounds++;
    // The first round also checks `atBlock` itself, in the same batch.
    const [present, answers] = await Promise.all([rounds === 1 ? hasCode(atBlock) : true, Promise.all(points.map(probe))]);
    if (!present) return undefined;
    for (let i = 0; i < points.length; i++) {
      const point = points[i]!;
      if (answers[i] === 'code') {
        if (point < high) high = point;
      } else if (point > low && point < high) {
        low = point;
        lowReadable = answers[i] === 'none';
      }
    }
  }
  return { block: high, proven: low < 0n || lowReadable, requests, rounds };
}
