/** Just enough Uniswap V3 math to open full-range positions at a chosen price. */

/** Usable full-range ticks per tick spacing (TickMath.MAX_TICK = 887272, rounded down to the spacing). */
export function fullRangeTicks(tickSpacing: number): { lower: number; upper: number } {
  const max = Math.floor(887272 / tickSpacing) * tickSpacing;
  return { lower: -max, upper: max };
}

export const TICK_SPACING: Readonly<Record<number, number>> = { 500: 10, 3000: 60, 10000: 200 };

/**
 * `sqrtPriceX96` for a price of `base` in `quote` of `num/den` whole tokens: V3 stores
 * sqrt(token1 raw / token0 raw) · 2^96, so the price is inverted when the base is token1.
 */
export function sqrtPriceX96For(
  price: { num: bigint; den: bigint },
  baseIsToken0: boolean,
  baseDecimals: number,
  quoteDecimals: number,
): bigint {
  // quote raw per base raw = price · 10^qd / 10^bd
  let num = price.num * 10n ** BigInt(quoteDecimals);
  let den = price.den * 10n ** BigInt(baseDecimals);
  if (!baseIsToken0) [num, den] = [den, num];
  return sqrt((num << 192n) / den);
}

/**
 * Liquidity of a full-range position holding about `quoteAmount` raw units of the quote token:
 * amount1 ≈ L·sqrtP and amount0 ≈ L/sqrtP, with sqrtP = sqrtPriceX96 / 2^96.
 */
export function liquidityForQuote(quoteAmount: bigint, sqrtPriceX96: bigint, quoteIsToken0: boolean): bigint {
  return quoteIsToken0 ? (quoteAmount * sqrtPriceX96) >> 96n : (quoteAmount << 96n) / sqrtPriceX96;
}

/** floor(sqrt(n)) by Newton's method, from a start above the root so it descends monotonically. */
export function sqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('sqrt of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}
