import { formatRatio, ratio, ratioToNumber, solidlyStablePrice, v2Price, v3Price } from './dex-math';

describe('dex math', () => {
  it('prices a V2 pool from reserves, scaling by both decimals', () => {
    // 2,000 USDC (6 decimals) against 1 WETH (18 decimals): 2,000 USDC per WETH.
    const price = v2Price(10n ** 18n, 2_000n * 10n ** 6n, 18, 6)!;
    expect(formatRatio(price)).toBe('2000');
    expect(v2Price(0n, 1n, 18, 18)).toBeNull();
  });

  it('prices a Solidly stable pool on its x³y + xy³ curve, not by the reserve ratio', () => {
    // Balanced: exactly 1, whatever the decimals (1,000 of an 18-decimal token against 1,000 of a 6-decimal one).
    expect(formatRatio(solidlyStablePrice(1_000n * 10n ** 18n, 1_000n * 10n ** 6n, 18, 6)!)).toBe('1');
    // Unbalanced 6 : 14 (whole units): the curve's slope, checked against a finite difference of k.
    const k = (x: number, y: number) => x ** 3 * y + x * y ** 3;
    const [x, y, h] = [6, 14, 1e-6];
    const slope = -(k(x + h, y) - k(x - h, y)) / (k(x, y + h) - k(x, y - h));
    const price = ratioToNumber(solidlyStablePrice(6n * 10n ** 18n, 14n * 10n ** 18n, 18, 18)!);
    expect(Math.abs(price + slope)).toBeLessThan(1e-6);
    // Far flatter than constant product near the peg: 14/6 would be 2.33.
    expect(price).toBeGreaterThan(1);
    expect(price).toBeLessThan(14 / 6);
    expect(solidlyStablePrice(0n, 1n, 18, 18)).toBeNull();
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
