import { divRatio, formatRatio, ratio, ratioToNumber, unitsRatio, type DexQuoteToken, type Ratio } from '@oca/chain';
import type { StablecoinPeg } from '@oca/contracts';
import type { Address } from 'viem';
import type { PoolDecimals, PoolRef, PoolState } from './pools';

/** A stablecoin further than this from $1 (as a fraction) is off its peg. */
export const DEPEG_THRESHOLD = 0.02;
/**
 * Pools holding less than this many whole units of the reference stablecoin do not count as a
 * reference: a dust pool's price says nothing about the peg and is cheap to move.
 */
export const PEG_MIN_DEPTH_UNITS = 1_000;

export const ONE: Ratio = ratio(1n, 1n);

/** A pool read at the pinned block, oriented. */
export interface ReadPool {
  ref: PoolRef;
  state: PoolState;
  decimals: PoolDecimals;
}

/** A stablecoin's peg check, with its USD price as an exact ratio for the figures. */
export interface StablePeg extends Omit<StablecoinPeg, 'priceUsd'> {
  priceUsd: Ratio;
}

/** A peg as the market and trend results report it. */
export function stablecoinView(peg: StablePeg): StablecoinPeg {
  return { ...peg, priceUsd: formatRatio(peg.priceUsd) };
}

const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();

/** Price of `token` in `against` through `pool` (either orientation), and how many whole `against` it holds. */
function priceIn(pool: ReadPool, token: Address, against: Address): { price: Ratio; depth: number } | null {
  const { ref, state, decimals } = pool;
  if (state.price === null || state.price.num === 0n) return null;
  if (same(ref.base, token) && same(ref.quote, against)) return { price: state.price, depth: ratioToNumber(unitsRatio(state.quoteRaw, decimals.quote)) };
  if (same(ref.base, against) && same(ref.quote, token)) return { price: divRatio(ONE, state.price), depth: ratioToNumber(unitsRatio(state.baseRaw, decimals.base)) };
  return null;
}

/** The deepest pool pricing `token` in `against` at least `PEG_MIN_DEPTH_UNITS` deep. */
function deepest(pools: readonly ReadPool[], token: Address, against: Address): { price: Ratio; pool: ReadPool } | null {
  let best: { price: Ratio; pool: ReadPool; depth: number } | null = null;
  for (const pool of pools) {
    const p = priceIn(pool, token, against);
    if (p && p.depth >= PEG_MIN_DEPTH_UNITS && (!best || p.depth > best.depth)) best = { ...p, pool };
  }
  return best;
}

/**
 * `stable`'s price in `other`: through their deepest direct pool, else through the wrapped native
 * token (its price in `other` over its price in `stable`, each from the deepest pool).
 */
function reference(pools: readonly ReadPool[], native: Address, stable: Address, other: Address): { price: Ratio; pools: Address[] } | null {
  const direct = deepest(pools, stable, other);
  if (direct) return { price: direct.price, pools: [direct.pool.ref.address] };
  const nativeInOther = deepest(pools, native, other);
  const nativeInStable = deepest(pools, native, stable);
  if (!nativeInOther || !nativeInStable) return null;
  return { price: divRatio(nativeInOther.price, nativeInStable.price), pools: [nativeInStable.pool.ref.address, nativeInOther.pool.ref.address] };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A double as an exact ratio to nine decimals (prices of stablecoins need no more). */
function toRatio(n: number): Ratio {
  return ratio(BigInt(Math.round(n * 1e9)), 1_000_000_000n);
}

/**
 * Every listed stablecoin checked against the others, from pools already read (stable/stable
 * pools and wrapped-native/stable pools). With two or more references the measured price is the
 * median of $1.00 and the prices in each, so a single stablecoin off its peg is the one flagged,
 * not its neighbours. With one reference a disagreement cannot be pinned on either side.
 */
export function stablePegs(stables: readonly DexQuoteToken[], native: Address, pools: readonly ReadPool[], symbolOf: (a: Address) => string | null): StablePeg[] {
  return stables.map((stable): StablePeg => {
    const references = stables
      .filter((other) => !same(other.address, stable.address))
      .flatMap((other) => {
        const found = reference(pools, native, stable.address, other.address);
        return found ? [{ against: other.address, symbol: symbolOf(other.address) ?? other.symbol, price: ratioToNumber(found.price), pools: found.pools }] : [];
      });
    const symbol = symbolOf(stable.address) ?? stable.symbol;
    if (references.length === 0) return { address: stable.address, symbol, status: 'unverified', priceUsd: ONE, measuredUsd: null, references };
    if (references.length === 1) {
      const measured = references[0]!.price;
      const status = Math.abs(measured - 1) > DEPEG_THRESHOLD ? 'disputed' : 'pegged';
      return { address: stable.address, symbol, status, priceUsd: ONE, measuredUsd: measured, references };
    }
    const measured = median([1, ...references.map((r) => r.price)]);
    const depegged = Math.abs(measured - 1) > DEPEG_THRESHOLD;
    return { address: stable.address, symbol, status: depegged ? 'depegged' : 'pegged', priceUsd: depegged ? toRatio(measured) : ONE, measuredUsd: measured, references };
  });
}
