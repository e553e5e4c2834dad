import { fullRangeTicks, liquidityForQuote, sqrt, sqrtPriceX96For } from './v3-math';

describe('v3 math for the scenario', () => {
  it('takes exact integer square roots', () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, 10n ** 40n, 10n ** 40n - 1n, (1n << 200n) + 12345n]) {
      const r = sqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
    }
  });

  it('encodes a price as sqrtPriceX96 in either token order', () => {
    // 2,000 dUSD (6 decimals) per WETH (18): as token0, raw token1/token0 = 2000e6/1e18.
    const asToken0 = sqrtPriceX96For({ num: 2000n, den: 1n }, true, 18, 6);
    expect((Number(asToken0) / 2 ** 96) ** 2).toBeCloseTo(2000e6 / 1e18, 20);
    const asToken1 = sqrtPriceX96For({ num: 2000n, den: 1n }, false, 18, 6);
    expect((Number(asToken1) / 2 ** 96) ** 2 * (2000e6 / 1e18)).toBeCloseTo(1, 9);
  });

  it('sizes full-range liquidity from the quote side and keeps ticks on the spacing', () => {
    expect(fullRangeTicks(60)).toEqual({ lower: -887220, upper: 887220 });
    expect(fullRangeTicks(10)).toEqual({ lower: -887270, upper: 887270 });
    const sqrtP = 1n << 96n; // price 1
    expect(liquidityForQuote(1000n, sqrtP, true)).toBe(1000n);
    expect(liquidityForQuote(1000n, sqrtP, false)).toBe(1000n);
  });
});
