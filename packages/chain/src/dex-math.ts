/**
 * Exact price arithmetic for AMM pools. Prices are kept as ratios of bigints until they are
 * shown, so a price read from reserves or `sqrtPriceX96` loses nothing to floating point on the
 * way (18-decimal tokens priced at 1e-12 USD are common).
 */

/** `num / den` with `den > 0`. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

const Q192 = 1n << 192n;

export function ratio(num: bigint, den: bigint): Ratio {
  if (den === 0n) throw new RangeError('ratio: zero denominator');
  return den < 0n ? { num: -num, den: -den } : { num, den };
}

export function mulRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.num, a.den * b.den);
}

/** a / b; throws for b = 0. */
export function divRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den, a.den * b.num);
}

/** Raw token units as a ratio of whole tokens: `raw / 10^decimals`. */
export function unitsRatio(raw: bigint, decimals: number): Ratio {
  return ratio(raw, 10n ** BigInt(decimals));
}

/**
 * Price of the base token in quote tokens (whole units) from V2 reserves; null when either reserve
 * is empty (no price).
 */
export function v2Price(reserveBase: bigint, reserveQuote: bigint, baseDecimals: number, quoteDecimals: number): Ratio | null {
  if (reserveBase === 0n || reserveQuote === 0n) return null;
  return ratio(reserveQuote * 10n ** BigInt(baseDecimals), reserveBase * 10n ** BigInt(quoteDecimals));
}

/**
 * Marginal price of the base token in quote tokens (whole units) in a Solidly stable pool, whose
 * curve is x³y + xy³ = k on whole-token amounts (x base, y quote): −dy/dx = (3x²y + y³) / (x³ + 3xy²).
 * Both amounts are scaled to the same unit first (base·10^quoteDecimals, quote·10^baseDecimals);
 * the ratio is homogeneous, so the common factor cancels. Null when either reserve is empty.
 */
export function solidlyStablePrice(reserveBase: bigint, reserveQuote: bigint, baseDecimals: number, quoteDecimals: number): Ratio | null {
  if (reserveBase === 0n || reserveQuote === 0n) return null;
  const x = reserveBase * 10n ** BigInt(quoteDecimals);
  const y = reserveQuote * 10n ** BigInt(baseDecimals);
  return ratio(3n * x * x * y + y * y * y, x * x * x + 3n * x * y * y);
}

/**
 * Price of the base token in quote tokens (whole units) from a V3 `sqrtPriceX96`, which is
 * `sqrt(token1 raw / token0 raw) · 2^96`. Null for an uninitialised pool (sqrtPriceX96 = 0).
 */
export function v3Price(sqrtPriceX96: bigint, baseIsToken0: boolean, baseDecimals: number, quoteDecimals: number): Ratio | null {
  if (sqrtPriceX96 === 0n) return null;
  const square = sqrtPriceX96 * sqrtPriceX96;
  const scale = 10n ** BigInt(baseDecimals);
  const unscale = 10n ** BigInt(quoteDecimals);
  // token1-per-token0 in raw units is square / 2^192; invert when the base is token1.
  return baseIsToken0 ? ratio(square * scale, Q192 * unscale) : ratio(Q192 * scale, square * unscale);
}

/** The nearest double to the ratio (correctly rounded from a 21-digit decimal). */
export function ratioToNumber(r: Ratio): number {
  if (r.num === 0n) return 0;
  const negative = r.num < 0n;
  const num = negative ? -r.num : r.num;
  const shift = 21 - (digits(num) - digits(r.den));
  const scaled = shift >= 0 ? (num * 10n ** BigInt(shift)) / r.den : num / (r.den * 10n ** BigInt(-shift));
  const value = Number.parseFloat(`${scaled}e${-shift}`);
  return negative ? -value : value;
}

/**
 * The ratio as a plain decimal string (no exponent) rounded half-up to `significant` significant
 * digits, trailing zeros dropped: the shape DexScreener uses for `priceNative`/`priceUsd`.
 * @default significant 15
 */
export function formatRatio(r: Ratio, significant = 15): string {
  if (r.num === 0n) return '0';
  const negative = r.num < 0n;
  const num = negative ? -r.num : r.num;
  // Choose k so that q = round(num · 10^k / den) has exactly `significant` digits.
  let k = significant - (digits(num) - digits(r.den));
  let q = roundedQuotient(num, r.den, k);
  if (digits(q) > significant) {
    k -= 1;
    q = roundedQuotient(num, r.den, k);
  } else if (digits(q) < significant) {
    k += 1;
    q = roundedQuotient(num, r.den, k);
  }
  let text: string;
  if (k <= 0) {
    text = (q * 10n ** BigInt(-k)).toString();
  } else {
    const padded = q.toString().padStart(k + 1, '0');
    const whole = padded.slice(0, padded.length - k);
    const fraction = padded.slice(padded.length - k).replace(/0+$/, '');
    text = fraction === '' ? whole : `${whole}.${fraction}`;
  }
  return negative ? `-${text}` : text;
}

/** round(num · 10^k / den), half up, for num, den > 0. */
function roundedQuotient(num: bigint, den: bigint, k: number): bigint {
  const n = k >= 0 ? num * 10n ** BigInt(k) : num;
  const d = k >= 0 ? den : den * 10n ** BigInt(-k);
  return (2n * n + d) / (2n * d);
}

function digits(n: bigint): number {
  return n.toString().length;
}
