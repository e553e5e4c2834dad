import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';
import { LogCoverage, StablecoinPeg } from './dex-common';

// ---- agent `market`: DexScreener-parity pair data, computed from the chain ----

export const MarketParams = z.strictObject({
  network: Network,
  /** The token to price. */
  address: Address,
  /**
   * Only pools against this quote token. It must be one of the network's quote tokens (its
   * wrapped native token or a listed USD stablecoin); by default all of them are used.
   */
  quote: Address.optional(),
});
export type MarketParams = z.infer<typeof MarketParams>;

/** The same figure over the trailing 1, 6 and 24 hours before the analysed block. */
function windows<T extends z.ZodType>(figure: T) {
  return z.object({ h1: figure, h6: figure, h24: figure });
}

export const TxnCounts = z.object({ buys: z.number().int(), sells: z.number().int() });
export type TxnCounts = z.infer<typeof TxnCounts>;

/**
 * USD volume per window; null when the quote token has no USD price, or when the window starts
 * before the Swap logs read (`swapHistory`).
 */
export const VolumeWindows = windows(z.number().nullable());
/** Null when the window starts before the Swap logs read (`swapHistory`). */
export const TxnWindows = windows(TxnCounts.nullable());
/** Percent change (+12.5 = up 12.5 %); null when there is no price at the window's start. */
export const PriceChangeWindows = windows(z.number().nullable());

export const MarketQuoteToken = z.object({
  address: Address,
  symbol: z.string().nullable(),
  decimals: z.number().int(),
  /** USD price used for this quote: a stablecoin's (see `stablecoins`), the anchor price for the wrapped native token. */
  priceUsd: z.string().nullable(),
});
export type MarketQuoteToken = z.infer<typeof MarketQuoteToken>;

export const MarketPool = z.object({
  address: Address,
  /** The factory's name in the network's DEX list, e.g. "uniswap-v2", "aerodrome". */
  dex: z.string(),
  /** `solidly`: a Velodrome/Aerodrome V2 pool (volatile or stable, see `stable`). */
  version: z.enum(['v2', 'v3', 'solidly']),
  /**
   * Fee in hundredths of a basis point (3000 = 0.3 %): a V3 tier, or a Solidly pool's
   * `getFee(pool, stable)`; null for V2 (0.3 %, or the fork's listed fee).
   */
  feeTier: z.number().int().nullable(),
  /** Solidly pools: true on the stable curve x³y + xy³ = k (priced by its slope), false on x·y = k; null for the others. */
  stable: z.boolean().nullable(),
  quoteToken: MarketQuoteToken,
  /** Price of one base token in the pool's quote token (DexScreener's `priceNative`), decimal string. */
  priceNative: z.string().nullable(),
  priceUsd: z.string().nullable(),
  /**
   * Tokens held by the pool: V2 and Solidly reserves; V3 token balances (which include uncollected fees).
   * Each side valued at this pool's own price.
   */
  liquidity: z.object({ usd: z.number().nullable(), base: z.number(), quote: z.number() }),
  /** The same, in raw token units (decimal strings). */
  reserves: z.object({ base: z.string(), quote: z.string() }),
  volume: VolumeWindows,
  /** Volume in quote-token units (whole tokens), exact from the Swap logs; null as `txns`. */
  volumeQuote: windows(z.number().nullable()),
  txns: TxnWindows,
  /** Change of this pool's price in its quote token. */
  priceChange: PriceChangeWindows,
});
export type MarketPool = z.infer<typeof MarketPool>;

export const MarketWindow = z.object({
  /** First block of the window: the one after the last block at or before its start time. */
  fromBlock: z.string(),
  /** Unix seconds: the analysed block's timestamp minus the window length. */
  fromTimestamp: z.number().int(),
  /** False when the Swap logs read start after this window does: its volume and trades are null. */
  complete: z.boolean(),
});

export const MarketData = z.object({
  token: z.object({
    address: Address,
    name: z.string().nullable(),
    symbol: z.string().nullable(),
    decimals: z.number().int(),
    /** Raw units, decimal string. */
    totalSupply: z.string(),
  }),
  /** Unix seconds of the analysed block: "now" for every window. */
  blockTimestamp: z.number().int(),
  /** The wrapped native token and its USD price, from the deepest wrapped-native/stablecoin pool. */
  nativeUsd: z.object({ token: Address, symbol: z.string(), priceUsd: z.string().nullable(), anchorPool: Address.nullable() }),
  /** The deepest pool (largest quote-side USD value); token-level prices come from it. */
  primaryPool: Address.nullable(),
  /** Price in the wrapped native token, decimal string. */
  priceNative: z.string().nullable(),
  priceUsd: z.string().nullable(),
  /** Sums over pools; the quote side is in USD because the pools' quote tokens differ. */
  liquidity: z.object({ usd: z.number().nullable(), base: z.number(), quoteUsd: z.number().nullable() }),
  volume: VolumeWindows,
  txns: TxnWindows,
  /** Change of the USD price through the primary pool (quote token's USD price read at the same block). */
  priceChange: PriceChangeWindows,
  /** totalSupply × priceUsd. */
  fdv: z.number().nullable(),
  /** circulating supply × priceUsd; see `supply`. */
  marketCap: z.number().nullable(),
  supply: z.object({
    total: z.string(),
    /** total minus the balances held by the zero address and 0x…dEaD (burned). */
    circulating: z.string(),
    excluded: z.array(z.object({ address: Address, balance: z.string() })),
  }),
  windows: z.object({ h1: MarketWindow, h6: MarketWindow, h24: MarketWindow }),
  /** The blocks whose Swap logs were read: the 24 h window, or its newest part when the budget ran out. */
  swapHistory: LogCoverage,
  /** The network's stablecoins, each priced against the others (the USD anchor of every figure). */
  stablecoins: z.array(StablecoinPeg),
  /** Every pool found, deepest first. */
  pools: z.array(MarketPool),
});
export type MarketData = z.infer<typeof MarketData>;

export const MarketResult = AgentResultBase.extend({ agent: z.literal('market'), data: MarketData });
export type MarketResult = z.infer<typeof MarketResult>;
