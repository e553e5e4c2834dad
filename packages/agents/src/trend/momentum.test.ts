import { momentum, MOMENTUM_WEIGHTS, type MomentumInput } from './momentum';

const base: MomentumInput = { volume: 0, liquidity: 10_000, ageHours: 2, uniqueTraders: 0, swaps: 0, buys: 0, sells: 0, priceChange: null };

describe('momentum', () => {
  it('is 7.5 for a pool nobody traded: only the neutral buy pressure counts', () => {
    expect(momentum(base)).toEqual({
      score: 7.5,
      components: { turnover: 0, traders: 0, activity: 0, buyPressure: 0.5, priceTrend: 0 },
    });
  });

  it('follows the published formula', () => {
    const input = { ...base, volume: 5_000, ageHours: 4, uniqueTraders: 10, swaps: 20, buys: 15, sells: 5, priceChange: 50 };
    const { score, components } = momentum(input);
    // d = 0.5 × 24 / 4 = 3 → 0.75; traders 10/20; activity 5/10; buys 0.75; trend 50/200.
    expect(components).toEqual({ turnover: 0.75, traders: 0.5, activity: 0.5, buyPressure: 0.75, priceTrend: 0.25 });
    expect(score).toBe(Math.round(100 * (0.3 * 0.75 + 0.25 * 0.5 + 0.2 * 0.5 + 0.15 * 0.75 + 0.1 * 0.25) * 100) / 100);
    expect(Object.values(MOMENTUM_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('stays within 100 and rewards breadth over one large trade', () => {
    const whale = momentum({ ...base, volume: 1_000_000, swaps: 1, buys: 1, uniqueTraders: 1 });
    const crowd = momentum({ ...base, volume: 20_000, swaps: 40, buys: 30, sells: 10, uniqueTraders: 25 });
    expect(crowd.score).toBeGreaterThan(whale.score);
    expect(momentum({ ...base, volume: 1e12, swaps: 1e6, buys: 1e6, uniqueTraders: 1e6, priceChange: 1e6 }).score).toBeLessThanOrEqual(100);
  });

  it('treats young pools fairly: rates are per hour of age, at least one hour', () => {
    const young = momentum({ ...base, ageHours: 0.1, swaps: 5, buys: 5, uniqueTraders: 5, volume: 1_000 });
    const hourOld = momentum({ ...base, ageHours: 1, swaps: 5, buys: 5, uniqueTraders: 5, volume: 1_000 });
    expect(young).toEqual(hourOld);
  });
});
