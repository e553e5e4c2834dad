import { dexQuoteTokens, ratio, type ChainClient, type DexDeployment, type DexQuoteToken, type Ratio } from '@oca/chain';
import type { Address } from 'viem';
import { readTokenMeta, type TokenMeta } from './contract-reads';
import { discoverPools, readPoolState, type PoolDecimals, type PoolRef, type PoolState } from './pools';

/** A pool with its state and the USD price of its quote token, all at the pinned block. */
export interface PricedPool {
  ref: PoolRef;
  state: PoolState;
  decimals: PoolDecimals;
  /** 1 for a stablecoin; the anchor price for the wrapped native token; null without an anchor. */
  quoteUsd: Ratio | null;
  quoteSymbol: string | null;
}

/** The wrapped native token's USD price and where it came from. */
export interface NativeUsd {
  token: DexQuoteToken;
  price: Ratio | null;
  /** The deepest wrapped-native/stablecoin pool; null when there is none with a price. */
  anchor: PricedPool | null;
}

/** Everything read at the pinned block before logs and history. */
export interface MarketSnapshot {
  token: TokenMeta;
  pools: PricedPool[];
  nativeUsd: NativeUsd;
  quoteMeta: ReadonlyMap<string, TokenMeta>;
}

const ONE: Ratio = ratio(1n, 1n);

/**
 * Two round trips: (1) token metadata, the quote tokens' decimals and every factory lookup — for
 * the token against `quotes`, and for the wrapped native against each stablecoin (the USD anchor);
 * (2) the state of every pool found. All at `blockNumber`.
 */
export async function readMarketSnapshot(
  client: ChainClient,
  deployment: DexDeployment,
  target: Address,
  quotes: readonly Address[],
  blockNumber: bigint,
): Promise<MarketSnapshot> {
  const native = deployment.wrappedNative;
  const stables = deployment.usdStables.map((s) => s.address);
  const allQuotes = dexQuoteTokens(deployment);
  const [token, quoteMetas, targetPools, anchorPools] = await Promise.all([
    readTokenMeta(client, target, blockNumber),
    Promise.all(allQuotes.map((q) => readTokenMeta(client, q.address, blockNumber))),
    discoverPools(client, deployment, target, quotes, blockNumber),
    discoverPools(client, deployment, native.address, stables, blockNumber),
  ]);
  const quoteMeta = new Map(quoteMetas.map((m) => [m.address.toLowerCase(), m]));
  const decimalsOf = (address: Address): number | null =>
    address.toLowerCase() === target.toLowerCase() ? token.decimals : (quoteMeta.get(address.toLowerCase())?.decimals ?? null);

  const unique = new Map<string, PoolRef>();
  for (const pool of [...targetPools, ...anchorPools]) unique.set(`${pool.address.toLowerCase()}:${pool.base.toLowerCase()}`, pool);
  const states = await Promise.all(
    [...unique.values()].map(async (ref) => {
      const base = decimalsOf(ref.base);
      const quote = decimalsOf(ref.quote);
      if (base === null || quote === null) return null;
      const decimals = { base, quote };
      const state = await readPoolState(client, ref, decimals, blockNumber);
      return state ? { ref, state, decimals } : null;
    }),
  );
  const read = states.filter((s): s is NonNullable<typeof s> => s !== null);
  const isStable = (a: Address) => stables.some((s) => s.toLowerCase() === a.toLowerCase());
  const symbolOf = (a: Address) => quoteMeta.get(a.toLowerCase())?.symbol ?? null;

  // The anchor: the wrapped-native/stable pool holding the most stablecoin (stables count as $1).
  let anchor: PricedPool | null = null;
  for (const s of read) {
    if (s.ref.base !== native.address || !isStable(s.ref.quote) || s.state.price === null) continue;
    const depth = s.state.quoteRaw * 10n ** BigInt(18 - Math.min(18, s.decimals.quote));
    const best = anchor ? anchor.state.quoteRaw * 10n ** BigInt(18 - Math.min(18, anchor.decimals.quote)) : -1n;
    if (depth > best) anchor = { ...s, quoteUsd: ONE, quoteSymbol: symbolOf(s.ref.quote) };
  }
  const nativePrice = anchor?.state.price ?? null;

  const pools = read
    .filter((s) => s.ref.base.toLowerCase() === target.toLowerCase())
    .map((s) => ({ ...s, quoteUsd: quoteUsd(deployment, nativePrice, s.ref.quote), quoteSymbol: symbolOf(s.ref.quote) }));
  return { token, pools, nativeUsd: { token: native, price: nativePrice, anchor }, quoteMeta };
}

/** A quote token's USD price: 1 for a stablecoin, `nativePrice` for the wrapped native token, else null. */
export function quoteUsd(deployment: DexDeployment, nativePrice: Ratio | null, quote: Address): Ratio | null {
  if (deployment.usdStables.some((s) => s.address.toLowerCase() === quote.toLowerCase())) return ONE;
  return quote === deployment.wrappedNative.address ? nativePrice : null;
}
