import { blockTimestampReader, findBlocksByTimestamp, type BlockStamp, type ChainClient } from '@oca/chain';

/** The trailing window: its first block and start time. */
export interface WhaleWindow {
  /** First block inside the window (the one after the last block at or before its start; 0 before genesis). */
  fromBlock: bigint;
  fromTimestamp: bigint;
}

/** The `hours` before `latest`, anchored at the block's timestamp so an analysis is reproducible at its block. */
export async function trailingWindow(client: ChainClient, latest: BlockStamp, hours: number): Promise<WhaleWindow> {
  const fromTimestamp = latest.timestamp - BigInt(hours) * 3600n;
  const found = await findBlocksByTimestamp(blockTimestampReader(client), latest, [fromTimestamp]);
  const startBlock = found.blocks[0] ?? null;
  return { fromBlock: startBlock === null ? 0n : startBlock + 1n, fromTimestamp };
}
