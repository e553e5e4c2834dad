import { formatRatio, mulRatio, ratio, ratioToNumber, unitsRatio, type Ratio } from '@oca/chain';
import type { MarketPool, TxnCounts } from './market-contract';
import type { PricedPool } from './market-snapshot';
import { addFills, emptyStats, type SwapFill, type WindowStats } from './swap-logs';

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
}

/** Percent change from `then` to `now`; null without both prices. */
export function percentChange(now: Ratio | null, then: Ratio | null | undefined): number | null {
  if (!now || !then || then.num === 0n) return null;
  // (now − then) / then · 100, exact until the final conversion.
  return ratioToNumber(ratio((now.num * then.den - then.num * now.den) * 100n, now.den * then.num));
}

/** `raw` whole-token units as a double. */
export function units(raw: bigint, decimals: number): number {
  return ratioToNumber(unitsRatio(raw, decimals));
}

/** `raw` units of a token worth `usd` each, in USD; null without a USD price. */
export function usdValue(raw: bigint, decimals: number, usd: Ratio | null): number | null {
  return usd === null ? null : ratioToNumber(mulRatio(unitsRatio(raw, decimals), usd));
}

/** Price of the base token in USD through this pool. */
export function poolPriceUsd(pool: PricedPool): Ratio | null {
  return pool.state.price && pool.quoteUsd ? mulRatio(pool.state.price, pool.quoteUsd) : null;
}

/** Quote-side USD value: how deep a pool is, free of its own (manipulable) base price. */
export function quoteDepthUsd(pool: PricedPool): number | null {
  return usdValue(pool.state.quoteRaw, pool.decimals.quote, pool.quoteUsd);
}

/** Both sides in USD, the base side at this pool's own price. */
export function liquidityUsd(pool: PricedPool): number | null {
  const priceUsd = poolPriceUsd(pool);
  const quote = quoteDepthUsd(pool);
  const base = usdValue(pool.state.baseRaw, pool.decimals.base, priceUsd);
  return quote === null || base === null ? null : quote + base;
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
    volume: map((w) => usdValue(stats[w].quoteRaw, pool.decimals.quote, pool.quoteUsd)),
    volumeQuote: map((w) => units(stats[w].quoteRaw, pool.decimals.quote)),
    txns: map((w): TxnCounts => ({ buys: stats[w].buys, sells: stats[w].sells })),
    priceChange: map((w) => percentChange(pool.state.price, history.pastPrices[w])),
  };
  return { figures, stats };
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
