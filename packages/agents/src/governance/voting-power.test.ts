import { nakamotoCoefficient, percentOf, TOP_DELEGATES, topDelegates } from './voting-power';

describe('nakamotoCoefficient', () => {
  it('counts the largest delegates until the threshold is reached (or exceeded)', () => {
    expect(nakamotoCoefficient([50n, 30n, 20n], 50n)).toBe(1);
    expect(nakamotoCoefficient([50n, 30n, 20n], 50n, true)).toBe(2);
    expect(nakamotoCoefficient([50n, 30n, 20n], 101n)).toBeNull();
    expect(nakamotoCoefficient([], 1n)).toBeNull();
  });
});

describe('percentOf and topDelegates', () => {
  it('keeps six decimals, is 0 of nothing, and lists at most TOP_DELEGATES', () => {
    expect(percentOf(1n, 3n)).toBe(33.333333);
    expect(percentOf(1n, 0n)).toBe(0);
    const many = Array.from({ length: TOP_DELEGATES + 5 }, (_, i) => ({ address: `0x${String(i).padStart(40, '0')}` as const, votes: 1n }));
    const top = topDelegates(many, BigInt(many.length));
    expect(top).toHaveLength(TOP_DELEGATES);
    expect(top[0]).toEqual({ address: many[0]!.address, votes: '1', sharePercent: 4 });
  });
});
