import { formatRatio, ratio, ratioToNumber, v2Price, v3Price } from './dex-math';

describe('dex math', () => {
  it('prices a V2 pool from reserves, scaling by both decimals', () => {
    // 2,000 USDC (6 decimals) against 1 WETH (18 decimals): 2,000 USDC per WETH.
    const price = v2Price(10n ** 18n, 2_000n * 10n ** 6n, 18, 6)!;
    expect(formatRatio(price)).toBe('2000');
    expect(v2Price(0n, 1n, 18, 18)).toBeNull();
  });

  it('prices a V3 pool from sqrtPriceX96 in both orientations', () => {
    // The USDC/WETH 0.05 % pool on mainnet: token0 USDC (6), token1 WETH (18).
    const sqrtPriceX96 = 1_771_595_571_142_957_166_518_320_255_467_520n; // ≈ 2,000 USDC per WETH
    const wethPerUsdc = v3Price(sqrtPriceX96, true, 6, 18)!;
    const usdcPerWeth = v3Price(sqrtPriceX96, false, 18, 6)!;
    expect(ratioToNumber(wethPerUsdc) * ratioToNumber(usdcPerWeth)).toBeCloseTo(1, 12);
    expect(ratioToNumber(usdcPerWeth)).toBeCloseTo(2000, 3);
    expect(v3Price(0n, true, 18, 18)).toBeNull();
  });

  it('formats to significant digits without exponents, rounding half up', () => {
    expect(formatRatio(ratio(1n, 3n))).toBe('0.333333333333333');
    expect(formatRatio(ratio(2n, 3n), 4)).toBe('0.6667');
    expect(formatRatio(ratio(1n, 10n ** 20n))).toBe('0.00000000000000000001');
    expect(formatRatio(ratio(123_456_789n * 10n ** 20n, 1n), 3)).toBe('12300000000000000000000000000');
    expect(formatRatio(ratio(9_999_999n, 10_000_000n), 3)).toBe('1');
    expect(formatRatio(ratio(-5n, 2n))).toBe('-2.5');
    expect(formatRatio(ratio(0n, 7n))).toBe('0');
  });

  it('converts ratios to the nearest double', () => {
    expect(ratioToNumber(ratio(1n, 3n))).toBe(1 / 3);
    expect(ratioToNumber(ratio(10n ** 30n, 7n))).toBe(1e30 / 7);
    expect(ratioToNumber(ratio(-1n, 10n ** 25n))).toBe(-1e-25);
  });
});
