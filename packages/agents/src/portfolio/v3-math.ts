// Uniswap V3 position math, ported from v3-core's TickMath.getSqrtRatioAtTick, SqrtPriceMath's
// amount deltas (rounded down, as a burn pays) and Position/Tick fee accounting. Exact bigint
// arithmetic; uint256 wrap-around is reproduced where the contracts rely on it (fee growth).

const Q96 = 1n << 96n;
const Q128 = 1n << 128n;
const MAX_UINT256 = (1n << 256n) - 1n;
export const MAX_TICK = 887272;

const FACTORS: readonly [number, bigint][] = [
  [0x2, 0xfff97272373d413259a46990580e213an],
  [0x4, 0xfff2e50f5f656932ef12357cf3c7fdccn],
  [0x8, 0xffe5caca7e10e4e61c3624eaa0941cd0n],
  [0x10, 0xffcb9843d60f6159c9db58835c926644n],
  [0x20, 0xff973b41fa98c081472e6896dfb254c0n],
  [0x40, 0xff2ea16466c96a3843ec78b326b52861n],
  [0x80, 0xfe5dee046a99a2a811c461f1969c3053n],
  [0x100, 0xfcbe86c7900a88aedcffc83b479aa3a4n],
  [0x200, 0xf987a7253ac413176f2b074cf7815e54n],
  [0x400, 0xf3392b0822b70005940c7a398e4b70f3n],
  [0x800, 0xe7159475a2c29b7443b29c7fa6e889d9n],
  [0x1000, 0xd097f3bdfd2022b8845ad8f792aa5825n],
  [0x2000, 0xa9f746462d870fdf8a65dc1f90e061e5n],
  [0x4000, 0x70d869a156d2a1b890bb3df62baf32f7n],
  [0x8000, 0x31be135f97d08fd981231505542fcfa6n],
  [0x10000, 0x9aa508b5b7a84e1c677de54f3e99bc9n],
  [0x20000, 0x5d6af8dedb81196699c329225ee604n],
  [0x40000, 0x2216e584f5fa1ea926041bedfe98n],
  [0x80000, 0x48a170391f7dc42444e8fa2n],
];

/** sqrt(1.0001^tick) · 2^96, exactly as TickMath computes it. */
export function sqrtRatioAtTick(tick: number): bigint {
  const abs = Math.abs(tick);
  if (!Number.isInteger(tick) || abs > MAX_TICK) throw new RangeError(`tick ${tick} out of range`);
  let ratio = abs & 0x1 ? 0xfffcb933bd6fad37aa2d162d1a594001n : Q128;
  for (const [bit, factor] of FACTORS) if (abs & bit) ratio = (ratio * factor) >> 128n;
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

/** Token amounts a position of `liquidity` in [tickLower, tickUpper) is worth at `sqrtPriceX96` (what burning it all would pay, fees aside). */
export function amountsForLiquidity(sqrtPriceX96: bigint, tickLower: number, tickUpper: number, liquidity: bigint): { amount0: bigint; amount1: bigint } {
  const a = sqrtRatioAtTick(tickLower);
  const b = sqrtRatioAtTick(tickUpper);
  const amount0 = (lo: bigint, hi: bigint) => ((liquidity << 96n) * (hi - lo)) / hi / lo;
  const amount1 = (lo: bigint, hi: bigint) => (liquidity * (hi - lo)) / Q96;
  if (sqrtPriceX96 <= a) return { amount0: amount0(a, b), amount1: 0n };
  if (sqrtPriceX96 >= b) return { amount0: 0n, amount1: amount1(a, b) };
  return { amount0: amount0(sqrtPriceX96, b), amount1: amount1(a, sqrtPriceX96) };
}

/** Fee growth per unit of liquidity inside a range (Tick.getFeeGrowthInside), modulo 2^256 as the pool keeps it. */
export function feeGrowthInside(current: number, tickLower: number, tickUpper: number, global: bigint, outsideLower: bigint, outsideUpper: bigint): bigint {
  const below = current >= tickLower ? outsideLower : wrap(global - outsideLower);
  const above = current < tickUpper ? outsideUpper : wrap(global - outsideUpper);
  return wrap(global - below - above);
}

/** What the position could collect: tokens already owed plus fees grown since its last update (Position.update). */
export function uncollectedFees(liquidity: bigint, insideNow: bigint, insideLast: bigint, owed: bigint): bigint {
  return owed + (liquidity * wrap(insideNow - insideLast)) / Q128;
}

function wrap(n: bigint): bigint {
  return ((n % (1n << 256n)) + (1n << 256n)) % (1n << 256n);
}
