import { blockTimestampReader, findBlocksByTimestamp, type ChainClient, type DexDeployment } from '@oca/chain';
import { abortable } from '../abort';
import { readMarketSnapshot, type MarketSnapshot } from '../dex';

/** The lookback window on chain, and the USD anchor at its end. */
export interface TrendWindow {
  /** The latest block: the window's end, where every figure is read. */
  blockNumber: bigint;
  timestamp: bigint;
  fromTimestamp: bigint;
  /** The first block inside the window (0 when the window reaches past genesis). */
  fromBlock: bigint;
  /** The wrapped native token's pools against the stablecoins: its USD price and the quote tokens' metadata. */
  anchor: MarketSnapshot;
}

/**
 * The latest block, then the window's start block (2–4 rounds, by block timestamps) beside the
 * USD anchor (2 rounds).
 */
export async function readTrendWindow(client: ChainClient, deployment: DexDeployment, lookbackHours: number, signal: AbortSignal): Promise<TrendWindow> {
  const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
  const fromTimestamp = latest.timestamp - BigInt(lookbackHours) * 3600n;
  const stables = deployment.usdStables.map((s) => s.address);
  const [search, anchor] = await abortable(
    Promise.all([
      findBlocksByTimestamp(blockTimestampReader(client), { number: latest.number, timestamp: latest.timestamp }, [fromTimestamp]),
      readMarketSnapshot(client, deployment, deployment.wrappedNative.address, stables, latest.number),
    ]),
    signal,
  );
  const startBlock = search.blocks[0] ?? null;
  return { blockNumber: latest.number, timestamp: latest.timestamp, fromTimestamp, fromBlock: startBlock === null ? 0n : startBlock + 1n, anchor };
}
