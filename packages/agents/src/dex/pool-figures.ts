import { mulRatio, ratio, ratioToNumber, unitsRatio, type Ratio } from '@oca/chain';
import type { PricedPool } from './market-snapshot';

// Figures of one priced pool, shared by the market agent (per-pool figures) and the trend agent
// (liquidity floor, price change since launch).

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
