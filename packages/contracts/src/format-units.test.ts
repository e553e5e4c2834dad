import { formatUnits } from './format-units';

// Expected strings are viem's `formatUnits` answers for the same inputs (the function it replaces).
describe('formatUnits', () => {
  it.each([
    [0n, 18, '0'],
    [1n, 18, '0.000000000000000001'],
    [10n ** 18n, 18, '1'],
    [1_500_000n, 6, '1.5'],
    [1_000_000_000_000_000_000_000_000n, 18, '1000000'],
    [2236067977499789696409n, 18, '2236.067977499789696409'],
    [5n, 3, '0.005'],
    [1230n, 3, '1.23'],
    [42n, 0, '42'],
    [-1_500_000n, 6, '-1.5'],
  ])('%s with %s decimals is %s', (raw, decimals, expected) => {
    expect(formatUnits(raw, decimals)).toBe(expected);
  });

  it('refuses decimals that are not a non-negative integer', () => {
    expect(() => formatUnits(1n, -1)).toThrow(RangeError);
    expect(() => formatUnits(1n, 1.5)).toThrow(RangeError);
  });
});
