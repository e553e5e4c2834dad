import type { DexDeployment, Ratio } from '@oca/chain';
import type { MarketSnapshot, PricedPool } from './market-snapshot';
import { poolPriceUsd, quoteDepthUsd } from './pool-figures';

/** A token's USD price and the pool it comes from. */
export interface TokenPrice {
  /** The deepest pool with a price (quote-side USD value; the market agent's primary pool). */
  pool: PricedPool | null;
  /** Null when no pool has a price, or its quote token has no USD price. */
  usd: Ratio | null;
}

/**
 * The market agent's pricing: the deepest of the token's pools by quote-side USD value, among
 * those with a price whose quote has a USD price or is the wrapped native token; USD through it.
 */
export function tokenPrice(snapshot: MarketSnapshot, deployment: DexDeployment): TokenPrice {
  const ranked = [...snapshot.pools].sort((a, b) => (quoteDepthUsd(b) ?? -1) - (quoteDepthUsd(a) ?? -1));
  const pool = ranked.find((p) => p.state.price !== null && (p.quoteUsd !== null || p.ref.quote === deployment.wrappedNative.address)) ?? null;
  return { pool, usd: pool ? poolPriceUsd(pool) : null };
}
