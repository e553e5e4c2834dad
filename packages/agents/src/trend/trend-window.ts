import { blockTimestampReader, findBlocksByTimestamp, type ChainClient, type DexDeployment } from '@oca/chain';
import { abortable } from '../abort';
import { readMarketSnapshot, type MarketSnapshot } from '../dex';

/** The lookback window on chain, and the USD anchor at its end. */
export interface TrendWindow {
  /** The latest block: the window's end, where every figure is read. */
  blockNumber: bigint;
  timestamp: bigint;
  /** The window's length asked for. */
  minutes: number;
  fromTimestamp: bigint;
  /** The last block at or before `fromTimestamp` (its state is "the window's start"); null before genesis. */
  startBlock: bigint | null;
  /** The first block inside the window (0 when the window reaches past genesis). */
  fromBlock: bigint;
  /** The wrapped native token's pools against the stablecoins: its USD price, the pegs and the quote tokens' metadata. */
  anchor: MarketSnapshot;
}

/**
 * The latest block, then the window's start block (2–4 rounds, by block timestamps) beside the
 * USD anchor and the stablecoin pegs (2 rounds).
 */
export async function readTrendWindow(client: ChainClient, deployment: DexDeployment, minutes: number, signal: AbortSignal): Promise<TrendWindow> {
  const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
  const fromTimestamp = latest.timestamp - BigInt(minutes) * 60n;
  const stables = deployment.usdStables.map((s) => s.address);
  const [search, anchor] = await abortable(
    Promise.all([
      findBlocksByTimestamp(blockTimestampReader(client), { number: latest.number, timestamp: latest.timestamp }, [fromTimestamp]),
      readMarketSnapshot(client, deployment, deployment.wrappedNative.address, stables, latest.number),
    ]),
    signal,
  );
  const startBlock = search.blocks[0] ?? null;
  return { blockNumber: latest.number, timestamp: latest.timestamp, minutes, fromTimestamp, startBlock, fromBlock: startBlock === null ? 0n : startBlock + 1n, anchor };
}
