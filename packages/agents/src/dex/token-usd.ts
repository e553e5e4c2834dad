import { dexQuoteTokens, ratio, type ChainClient, type DexDeployment, type Ratio } from '@oca/chain';
import { getAddress, type Address } from 'viem';
import { readMarketSnapshot } from './market-snapshot';
import { tokenPrice } from './token-price';

/** A USD price and where it came from; both null when no pool prices the token. */
export interface UsdPrice {
  priceUsd: Ratio | null;
  /** "stablecoin", "native anchor <pool>" or the pricing pool's address. */
  source: string | null;
}

const UNPRICED: UsdPrice = { priceUsd: null, source: null };

/**
 * USD prices the way the market agent makes them, for holdings (a treasury, a portfolio): the
 * network's stablecoins at $1, the wrapped native token through its deepest stablecoin pool, and
 * any other token through its deepest V2/V3 pool against a quote token with a USD price. Every
 * token's pools are looked up at once: two round trips whatever the number of tokens.
 *
 * @returns the native coin's price (that of its wrapped token) and one entry per token (lower-case keys).
 */
export async function readUsdPrices(
  client: ChainClient,
  deployment: DexDeployment,
  tokens: readonly Address[],
  blockNumber: bigint,
): Promise<{ native: UsdPrice; tokens: Map<string, UsdPrice> }> {
  const native = deployment.wrappedNative.address;
  const quotes = dexQuoteTokens(deployment).map((q) => q.address);
  const isQuote = (t: Address) => quotes.some((q) => q.toLowerCase() === t.toLowerCase());
  const others = [...new Set(tokens.filter((t) => !isQuote(t)).map((t) => getAddress(t)))];
  const stables = deployment.usdStables.map((s) => s.address);
  const [anchorSnapshot, ...snapshots] = await Promise.all([
    readMarketSnapshot(client, deployment, native, stables, blockNumber),
    ...others.map((t) => readMarketSnapshot(client, deployment, t, quotes, blockNumber)),
  ]);
  const anchor = anchorSnapshot!.nativeUsd;
  const nativePrice: UsdPrice = anchor.price && anchor.anchor ? { priceUsd: anchor.price, source: `native anchor ${anchor.anchor.ref.address}` } : UNPRICED;

  const prices = new Map<string, UsdPrice>();
  for (const token of tokens) {
    const key = token.toLowerCase();
    if (deployment.usdStables.some((s) => s.address.toLowerCase() === key)) prices.set(key, { priceUsd: ratio(1n, 1n), source: 'stablecoin' });
    else if (key === native.toLowerCase()) prices.set(key, nativePrice);
  }
  others.forEach((token, i) => {
    // The market agent's primary pool (`tokenPrice`), as every agent prices a token.
    const { pool, usd } = tokenPrice(snapshots[i]!, deployment);
    prices.set(token.toLowerCase(), pool && usd ? { priceUsd: usd, source: pool.ref.address } : UNPRICED);
  });
  return { native: nativePrice, tokens: prices };
}
