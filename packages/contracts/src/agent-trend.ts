import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';
import { LogCoverage, StablecoinPeg } from './dex-common';

// ---- agent `trend`: emerging tokens, from the pools opened in a recent window ----

export const TrendParams = z.strictObject({
  network: Network,
  /** How far back to look, in hours. */
  lookbackHours: z.number().int().min(1).max(168).default(24),
  /** How far back to look, in minutes (5 for the 5-minute window); when given, `lookbackHours` is ignored. */
  lookbackMinutes: z.number().int().min(5).max(10_080).optional(),
  /** Pools whose simulated buy or sell tax is over this (percent) are left out. */
  maxTaxPercent: z.number().min(0).max(100).default(10),
  /** Pools holding less than this (USD, both sides) are left out as untradeable. */
  minLiquidityUsd: z.number().min(0).default(1000),
  /** How many ranked pools to return. */
  limit: z.number().int().min(1).max(100).default(20),
});
export type TrendParams = z.infer<typeof TrendParams>;

/** Why a new pool is not ranked. */
export const TrendExclusionReason = z.enum([
  /** Neither side is one of the network's quote tokens, so it cannot be priced. */
  'no_quote_token',
  /** Both sides are quote tokens (a new WETH/USDC pool, say): no new token to rank. */
  'quote_pair',
  /** Liquidity (USD) under `minLiquidityUsd`. */
  'below_liquidity_floor',
  /** A simulated buy succeeded and the sell of what it bought reverted. */
  'honeypot',
  /** A simulated buy reverted. */
  'cannot_buy',
  /** The simulated buy or sell lost more than `maxTaxPercent` to the token. */
  'high_tax',
]);
export type TrendExclusionReason = z.infer<typeof TrendExclusionReason>;

export const MomentumComponents = z.object({
  /** 24 h-equivalent volume over liquidity, saturating: t / (t + 1). */
  turnover: z.number(),
  /** Unique traders, saturating: n / (n + 10). */
  traders: z.number(),
  /** Swaps per hour since creation, saturating: r / (r + 5). */
  activity: z.number(),
  /** buys / (buys + sells); 0.5 when there were no swaps. */
  buyPressure: z.number(),
  /** Price change since launch, capped: max(0, min(change %, 200)) / 200. */
  priceTrend: z.number(),
});
export type MomentumComponents = z.infer<typeof MomentumComponents>;

export const TrendPool = z.object({
  rank: z.number().int(),
  /** Opened inside the window (figures since launch), or older and traded in it (figures over the window). */
  isNew: z.boolean(),
  pool: Address,
  dex: z.string(),
  /** `solidly`: a Velodrome/Aerodrome V2 pool (volatile or stable, see `stable`). */
  version: z.enum(['v2', 'v3', 'solidly']),
  /** Hundredths of a basis point: a V3 tier, or a Solidly pool's `getFee(pool, stable)`; null for V2. */
  feeTier: z.number().int().nullable(),
  /** Solidly pools: true on the stable curve x³y + xy³ = k, false on x·y = k; null for the others. */
  stable: z.boolean().nullable(),
  token: z.object({ address: Address, name: z.string().nullable(), symbol: z.string().nullable(), decimals: z.number().int() }),
  quoteToken: z.object({ address: Address, symbol: z.string().nullable() }),
  /** Creation of a new pool; null for an older one (created before the window). */
  createdBlock: z.string().nullable(),
  createdAt: z.iso.datetime().nullable(),
  ageHours: z.number().nullable(),
  /** Both sides in USD; null when the quote token has no USD price (not $0: unknown). */
  liquidityUsd: z.number().nullable(),
  /** Both sides in the quote token (whole units), what momentum's turnover uses. */
  liquidityQuote: z.number(),
  /** Current price in the quote token and in USD, decimal strings. */
  priceNative: z.string().nullable(),
  priceUsd: z.string().nullable(),
  /**
   * Percent. A new pool: since its first liquidity (V2's and Solidly's first Sync, V3's Initialize price). An
   * older one: since the window's start (its state then).
   */
  priceChange: z.number().nullable(),
  swaps: z.number().int(),
  buys: z.number().int(),
  sells: z.number().int(),
  /** Distinct swap recipients (V2 and Solidly `to`, V3 `recipient`). */
  uniqueTraders: z.number().int(),
  /** buys / sells; null when there were no sells. */
  buySellRatio: z.number().nullable(),
  /** Null when the quote token has no USD price. */
  volumeUsd: z.number().nullable(),
  /** Volume in the quote token (whole units). */
  volumeQuote: z.number(),
  /** 0–100, see `data.momentumFormula`. */
  momentum: z.number(),
  momentumComponents: MomentumComponents,
  /** Outcome of the buy-then-sell simulation. `unchecked` when it could not be run (see findings). */
  sellCheck: z.enum(['passed', 'unchecked']),
  /** Simulated taxes as fractions (0.05 = 5 %): what the token kept of what the pool promised; null when unchecked. */
  buyTax: z.number().nullable(),
  sellTax: z.number().nullable(),
});
export type TrendPool = z.infer<typeof TrendPool>;

export const TrendData = z.object({
  /**
   * The window every figure covers: the one asked for, or its newest part when a log scan ran out
   * of budget (`complete` false; `requested` says what was asked).
   */
  window: z.object({
    minutes: z.number().int(),
    /** `minutes` / 60, kept for clients of version 1. */
    hours: z.number(),
    fromBlock: z.string(),
    fromTimestamp: z.number().int(),
    toBlock: z.string(),
    toTimestamp: z.number().int(),
    complete: z.boolean(),
    requested: z.object({ minutes: z.number().int(), fromBlock: z.string(), fromTimestamp: z.number().int() }),
  }),
  /** The log scans behind the window: pool creations, every Swap, and the new pools' first prices. */
  scans: z.object({ launches: LogCoverage, swaps: LogCoverage, launchPrices: LogCoverage }),
  minLiquidityUsd: z.number(),
  maxTaxPercent: z.number(),
  nativeUsd: z.object({ token: Address, symbol: z.string(), priceUsd: z.string().nullable(), anchorPool: Address.nullable() }),
  /** The network's stablecoins, each priced against the others. */
  stablecoins: z.array(StablecoinPeg),
  /** Pools created in the window at the listed factories. */
  poolsCreated: z.number().int(),
  /** Pools with at least one swap in the window (any DEX), and how many of them were ranked. */
  poolsActive: z.number().int(),
  ranked: z.number().int(),
  /** Count of left-out pools per reason. */
  excluded: z.record(TrendExclusionReason, z.number().int()),
  /** The left-out pools with their reason (first 100). */
  excludedPools: z.array(z.object({ pool: Address, token: Address, reason: TrendExclusionReason, detail: z.string() })),
  momentumFormula: z.string(),
  /** Best first, at most `limit`. */
  pools: z.array(TrendPool),
});
export type TrendData = z.infer<typeof TrendData>;

export const TrendResult = AgentResultBase.extend({ agent: z.literal('trend'), data: TrendData });
export type TrendResult = z.infer<typeof TrendResult>;
