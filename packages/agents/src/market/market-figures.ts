import { formatRatio, type Ratio } from '@oca/chain';
import { liquidityUsd, percentChange, poolPriceUsd, units, usdValue, type PricedPool, type SwapFill } from '../dex';
import type { MarketPool, TxnCounts } from './market-contract';

export const WINDOWS = ['h1', 'h6', 'h24'] as const;
export type WindowName = (typeof WINDOWS)[number];
export const WINDOW_SECONDS: Readonly<Record<WindowName, bigint>> = { h1: 3_600n, h6: 21_600n, h24: 86_400n };

/** Per window: value. */
export type PerWindow<T> = Record<WindowName, T>;

/** A price at a window's start: undefined = pool did not exist yet, null = no price. */
export type PastPrice = Ratio | null | undefined;

/** Everything `poolFigures` needs besides the snapshot. */
export interface PoolHistory {
  /** First block of each window. */
  fromBlocks: PerWindow<bigint>;
  /** This pool's price in its quote token at each window's start block. */
  pastPrices: PerWindow<PastPrice>;
  /** False for a window that starts before the Swap logs read: its volume and trades are unknown. */
  complete: PerWindow<boolean>;
}

/** Swap count and volume over one window of one pool. */
export interface WindowStats {
  buys: number;
  sells: number;
  baseRaw: bigint;
  quoteRaw: bigint;
}

function emptyStats(): WindowStats {
  return { buys: 0, sells: 0, baseRaw: 0n, quoteRaw: 0n };
}

/** Adds every fill at or after `fromBlock` to a window's stats. */
function addFills(stats: WindowStats, fills: readonly SwapFill[], fromBlock: bigint): WindowStats {
  for (const fill of fills) {
    if (fill.blockNumber < fromBlock) continue;
    if (fill.side === 'buy') stats.buys += 1;
    else stats.sells += 1;
    stats.baseRaw += fill.baseRaw;
    stats.quoteRaw += fill.quoteRaw;
  }
  return stats;
}

/** Per-window swap stats of one pool's fills. */
export function windowStats(fills: readonly SwapFill[], fromBlocks: PerWindow<bigint>): PerWindow<WindowStats> {
  return {
    h1: addFills(emptyStats(), fills, fromBlocks.h1),
    h6: addFills(emptyStats(), fills, fromBlocks.h6),
    h24: addFills(emptyStats(), fills, fromBlocks.h24),
  };
}

/** One pool's DexScreener-style figures. */
export function poolFigures(pool: PricedPool, fills: readonly SwapFill[], history: PoolHistory): { figures: MarketPool; stats: PerWindow<WindowStats> } {
  const stats = windowStats(fills, history.fromBlocks);
  const priceUsd = poolPriceUsd(pool);
  const map = <T>(f: (w: WindowName) => T): PerWindow<T> => ({ h1: f('h1'), h6: f('h6'), h24: f('h24') });
  const figures: MarketPool = {
    address: pool.ref.address,
    dex: pool.ref.dex,
    version: pool.ref.version,
    feeTier: pool.ref.feeTier,
    stable: pool.ref.version === 'solidly' ? (pool.ref.stable ?? false) : null,
    quoteToken: {
      address: pool.ref.quote,
      symbol: pool.quoteSymbol,
      decimals: pool.decimals.quote,
      priceUsd: pool.quoteUsd ? formatRatio(pool.quoteUsd) : null,
    },
    priceNative: pool.state.price ? formatRatio(pool.state.price) : null,
    priceUsd: priceUsd ? formatRatio(priceUsd) : null,
    liquidity: {
      usd: liquidityUsd(pool),
      base: units(pool.state.baseRaw, pool.decimals.base),
      quote: units(pool.state.quoteRaw, pool.decimals.quote),
    },
    reserves: { base: pool.state.baseRaw.toString(), quote: pool.state.quoteRaw.toString() },
    volume: map((w) => (history.complete[w] ? usdValue(stats[w].quoteRaw, pool.decimals.quote, pool.quoteUsd) : null)),
    volumeQuote: map((w) => (history.complete[w] ? units(stats[w].quoteRaw, pool.decimals.quote) : null)),
    txns: map((w): TxnCounts | null => (history.complete[w] ? { buys: stats[w].buys, sells: stats[w].sells } : null)),
    priceChange: map((w) => percentChange(pool.state.price, history.pastPrices[w])),
  };
  return { figures, stats };
}

/** Buys and sells summed over pools; null when any pool's are unknown. */
export function sumTxns(values: readonly (TxnCounts | null)[]): TxnCounts | null {
  let buys = 0;
  let sells = 0;
  for (const v of values) {
    if (v === null) return null;
    buys += v.buys;
    sells += v.sells;
  }
  return { buys, sells };
}

/** Sum of nullable numbers; null as soon as one is null (a partial USD total would mislead). */
export function sumOrNull(values: readonly (number | null)[]): number | null {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}
