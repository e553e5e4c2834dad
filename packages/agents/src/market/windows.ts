import { blockTimestampReader, findBlocksByTimestamp, type BlockStamp, type ChainClient } from '@oca/chain';
import { WINDOW_SECONDS, WINDOWS, type PerWindow } from './market-figures';

/** Where a trailing window starts on chain. */
export interface WindowBounds {
  /** The last block at or before the window's start time: its state is the price "then". Null before genesis. */
  startBlock: bigint | null;
  /** The first block inside the window (startBlock + 1, or 0). */
  fromBlock: bigint;
  fromTimestamp: bigint;
}

/**
 * The 1 h / 6 h / 24 h windows ending at `latest`, anchored at the block's own timestamp rather
 * than the wall clock, so an analysis is reproducible at its block. Searched together in a few
 * batched rounds (see `findBlocksByTimestamp`).
 */
export async function trailingWindows(client: ChainClient, latest: BlockStamp): Promise<{ windows: PerWindow<WindowBounds>; rounds: number }> {
  const targets = WINDOWS.map((w) => latest.timestamp - WINDOW_SECONDS[w]);
  const found = await findBlocksByTimestamp(blockTimestampReader(client), latest, targets);
  const bounds = (i: number): WindowBounds => {
    const startBlock = found.blocks[i] ?? null;
    return { startBlock, fromBlock: startBlock === null ? 0n : startBlock + 1n, fromTimestamp: targets[i]! };
  };
  return { windows: { h1: bounds(0), h6: bounds(1), h24: bounds(2) }, rounds: found.rounds };
}
