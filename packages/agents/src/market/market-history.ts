import { isTransientRpcError, type ChainClient, type Ratio } from '@oca/chain';
import { readPoolPrice, type PricedPool } from '../dex';
import { WINDOWS, type PastPrice, type PerWindow } from './market-figures';
import type { WindowBounds } from './windows';

/** Prices at each window's start block, for every pool and for the USD anchor. */
export interface MarketHistory {
  /** Keyed by pool address (lower case). */
  pools: Map<string, PerWindow<PastPrice>>;
  /** The wrapped native token's USD price then, through the same anchor pool. */
  nativeUsd: PerWindow<PastPrice>;
  /** Set when the node could not serve past state (a pruned full node); prices then are unknown. */
  unavailable: string | null;
}

const none = (): PerWindow<PastPrice> => ({ h1: undefined, h6: undefined, h24: undefined });

/**
 * One round trip: `getReserves`/`slot0` of every pool, and of the anchor, at the three window
 * start blocks. A node without that state (geth-style full nodes keep ~128 blocks) answers with
 * an error that is neither a revert nor transient; the figures then say "unknown" instead of
 * failing the whole analysis.
 */
export async function readMarketHistory(
  client: ChainClient,
  pools: readonly PricedPool[],
  anchor: PricedPool | null,
  windows: PerWindow<WindowBounds>,
): Promise<MarketHistory> {
  const result: MarketHistory = { pools: new Map(), nativeUsd: none(), unavailable: null };
  const at = async (pool: PricedPool): Promise<PerWindow<PastPrice>> => {
    const prices = await Promise.all(
      WINDOWS.map((w) => {
        const block = windows[w].startBlock;
        return block === null ? Promise.resolve(undefined) : readPoolPrice(client, pool.ref, pool.decimals, block);
      }),
    );
    return { h1: prices[0], h6: prices[1], h24: prices[2] };
  };
  try {
    const [perPool, native] = await Promise.all([Promise.all(pools.map(at)), anchor ? at(anchor) : Promise.resolve(none())]);
    pools.forEach((pool, i) => result.pools.set(pool.ref.address.toLowerCase(), perPool[i]!));
    result.nativeUsd = native;
  } catch (err) {
    if (isTransientRpcError(err) || (err instanceof Error && err.name === 'AbortError')) throw err;
    result.unavailable = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  }
  return result;
}

/**
 * A pool's USD price at a window start: its price then times its quote's USD price then. A
 * stablecoin's peg is taken as it is now; the wrapped native token's price then comes from the
 * anchor pool's state then (in the anchor's stablecoin, at that stablecoin's price now).
 */
export function pastUsd(poolThen: PastPrice, quoteUsdThen: Ratio | null): Ratio | null {
  if (!poolThen || !quoteUsdThen) return null;
  return { num: poolThen.num * quoteUsdThen.num, den: poolThen.den * quoteUsdThen.den };
}
