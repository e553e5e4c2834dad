import { dexQuoteTokens, mulRatio, type ChainClient, type DexDeployment, type DexQuoteToken, type Ratio } from '@oca/chain';
import type { Address } from 'viem';
import { readTokenMeta, type TokenMeta } from './contract-reads';
import { discoverPools, discoverSolidlyRefs, readPoolState, readSolidlyFee, type PoolDecimals, type PoolRef, type PoolState } from './pools';
import { stablePegs, type ReadPool, type StablePeg } from './stable-pegs';

/** A pool with its state and the USD price of its quote token, all at the pinned block. */
export interface PricedPool {
  ref: PoolRef;
  state: PoolState;
  decimals: PoolDecimals;
  /** A stablecoin's checked price (see `StablePeg`); the anchor price for the wrapped native token; null without an anchor. */
  quoteUsd: Ratio | null;
  quoteSymbol: string | null;
}

/** The wrapped native token's USD price and where it came from. */
export interface NativeUsd {
  token: DexQuoteToken;
  price: Ratio | null;
  /**
   * The deepest wrapped-native/stablecoin pool, through a stablecoin whose price is known (not
   * `disputed` when another will do); null when there is none with a price.
   */
  anchor: PricedPool | null;
}

/** Everything read at the pinned block before logs and history. */
export interface MarketSnapshot {
  token: TokenMeta;
  pools: PricedPool[];
  nativeUsd: NativeUsd;
  quoteMeta: ReadonlyMap<string, TokenMeta>;
  /** Every listed stablecoin, checked against the others. */
  stables: StablePeg[];
}

/**
 * Two round trips: (1) token metadata, the quote tokens' decimals and every factory lookup — for
 * the token against `quotes`, for the wrapped native against each stablecoin (the USD anchor) and
 * for each pair of stablecoins (their pegs); (2) the state of every pool found, and the fee of
 * every Solidly pool found (`getFee`). All at `blockNumber`.
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
  const [token, quoteMetas, targetPools, anchorPools, stablePools] = await Promise.all([
    readTokenMeta(client, target, blockNumber),
    Promise.all(allQuotes.map((q) => readTokenMeta(client, q.address, blockNumber))),
    allPools(client, deployment, target, quotes, blockNumber),
    allPools(client, deployment, native.address, stables, blockNumber),
    // Each pair once: stable i against the stables after it.
    Promise.all(stables.map((stable, i) => allPools(client, deployment, stable, stables.slice(i + 1), blockNumber))),
  ]);
  const quoteMeta = new Map(quoteMetas.map((m) => [m.address.toLowerCase(), m]));
  const decimalsOf = (address: Address): number | null =>
    address.toLowerCase() === target.toLowerCase() ? token.decimals : (quoteMeta.get(address.toLowerCase())?.decimals ?? null);

  const unique = new Map<string, PoolRef>();
  for (const pool of [...targetPools, ...anchorPools, ...stablePools.flat()]) unique.set(`${pool.address.toLowerCase()}:${pool.base.toLowerCase()}`, pool);
  const states = await Promise.all(
    [...unique.values()].map(async (ref) => {
      const base = decimalsOf(ref.base);
      const quote = decimalsOf(ref.quote);
      if (base === null || quote === null) return null;
      const decimals = { base, quote };
      const [state, feeTier] = await Promise.all([
        readPoolState(client, ref, decimals, blockNumber),
        ref.version === 'solidly' ? readSolidlyFee(client, deployment, ref, blockNumber) : Promise.resolve(ref.feeTier),
      ]);
      return state ? { ref: { ...ref, feeTier }, state, decimals } : null;
    }),
  );
  const read: ReadPool[] = states.filter((s): s is NonNullable<typeof s> => s !== null);
  const symbolOf = (a: Address) => quoteMeta.get(a.toLowerCase())?.symbol ?? null;
  const pegs = stablePegs(deployment.usdStables, native.address, read, symbolOf);
  const pegOf = (a: Address) => pegs.find((p) => p.address.toLowerCase() === a.toLowerCase());

  const anchor = nativeAnchor(read, native.address, pegs, symbolOf);
  const nativePrice = anchor ? mulRatio(anchor.state.price!, anchor.quoteUsd!) : null;

  const pools = read
    .filter((s) => s.ref.base.toLowerCase() === target.toLowerCase())
    .map((s) => ({ ...s, quoteUsd: pegOf(s.ref.quote)?.priceUsd ?? (s.ref.quote === native.address ? nativePrice : null), quoteSymbol: symbolOf(s.ref.quote) }));
  return { token, pools, nativeUsd: { token: native, price: nativePrice, anchor }, quoteMeta, stables: pegs };
}

/** Uniswap V2/V3 (and listed forks) and Solidly pools of `base` against `quotes`. */
async function allPools(client: ChainClient, deployment: DexDeployment, base: Address, quotes: readonly Address[], blockNumber: bigint): Promise<PoolRef[]> {
  const [uniswap, solidly] = await Promise.all([discoverPools(client, deployment, base, quotes, blockNumber), discoverSolidlyRefs(client, deployment, base, quotes, blockNumber)]);
  return [...uniswap, ...solidly];
}

/**
 * The wrapped-native/stable pool holding the most stablecoin (raw amounts scaled to 18 decimals),
 * preferring stablecoins whose peg is not disputed: a disputed one may be the one off its peg.
 */
function nativeAnchor(read: readonly ReadPool[], native: Address, pegs: readonly StablePeg[], symbolOf: (a: Address) => string | null): PricedPool | null {
  let anchor: { pool: ReadPool; peg: StablePeg; depth: bigint } | null = null;
  for (const s of read) {
    const peg = pegs.find((p) => p.address.toLowerCase() === s.ref.quote.toLowerCase());
    if (s.ref.base !== native || !peg || s.state.price === null) continue;
    const depth = s.state.quoteRaw * 10n ** BigInt(18 - Math.min(18, s.decimals.quote));
    const better = !anchor || (anchor.peg.status === 'disputed' && peg.status !== 'disputed') || ((anchor.peg.status === 'disputed') === (peg.status === 'disputed') && depth > anchor.depth);
    if (better) anchor = { pool: s, peg, depth };
  }
  return anchor ? { ...anchor.pool, quoteUsd: anchor.peg.priceUsd, quoteSymbol: symbolOf(anchor.pool.ref.quote) } : null;
}

/** A quote token's USD price: a stablecoin's checked price, the native price for the wrapped native token, else null. */
export function quoteUsd(snapshot: Pick<MarketSnapshot, 'stables' | 'nativeUsd'>, quote: Address): Ratio | null {
  const peg = snapshot.stables.find((p) => p.address.toLowerCase() === quote.toLowerCase());
  if (peg) return peg.priceUsd;
  return quote.toLowerCase() === snapshot.nativeUsd.token.address.toLowerCase() ? snapshot.nativeUsd.price : null;
}
