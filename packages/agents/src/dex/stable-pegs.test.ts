import { ratio } from '@oca/chain';
import type { Address } from 'viem';
import { orient } from './pools';
import { stablePegs, type ReadPool } from './stable-pegs';

const A: Address = '0x00000000000000000000000000000000000000a1';
const B: Address = '0x00000000000000000000000000000000000000b2';
const C: Address = '0x00000000000000000000000000000000000000c3';
const WETH: Address = '0x00000000000000000000000000000000000000e4';
const stables = [A, B, C].map((address, i) => ({ address, symbol: ['A', 'B', 'C'][i]! }));
let next = 0x100;

/** A V2 pool of `base`/`quote` (both 18 decimals) holding `baseUnits`/`quoteUnits`. */
function pool(base: Address, quote: Address, baseUnits: number, quoteUnits: number): ReadPool {
  const address = `0x${(next++).toString(16).padStart(40, '0')}` as Address;
  const e18 = 10n ** 18n;
  const baseRaw = BigInt(baseUnits) * e18;
  const quoteRaw = BigInt(quoteUnits) * e18;
  return { ref: orient(address, 'v2', 'uniswap-v2', null, base, quote), state: { baseRaw, quoteRaw, sqrtPriceX96: null, price: ratio(quoteRaw, baseRaw) }, decimals: { base: 18, quote: 18 } };
}

const pegs = (pools: ReadPool[], list = stables) => stablePegs(list, WETH, pools, () => null);

describe('stablePegs', () => {
  it('takes every stablecoin at $1, unverified, with nothing to check it against', () => {
    expect(pegs([]).map((p) => [p.symbol, p.status, p.measuredUsd])).toEqual([
      ['A', 'unverified', null],
      ['B', 'unverified', null],
      ['C', 'unverified', null],
    ]);
  });

  it('with one reference, calls a disagreement disputed (which one is off cannot be told) and keeps $1', () => {
    const [a, b] = pegs([pool(A, B, 100_000, 90_000)], stables.slice(0, 2));
    expect(a).toMatchObject({ status: 'disputed', measuredUsd: 0.9, priceUsd: { num: 1n, den: 1n } });
    expect(b!.status).toBe('disputed');
    expect(b!.measuredUsd).toBeCloseTo(1 / 0.9, 12);
    // Within 2 %: on its peg.
    expect(pegs([pool(A, B, 100_000, 99_000)], stables.slice(0, 2))[0]).toMatchObject({ status: 'pegged', measuredUsd: 0.99 });
  });

  it('with two or more, pins the depeg on the one off: the median with $1 of its prices in the others', () => {
    const [a, b, c] = pegs([pool(A, B, 100_000, 100_000), pool(C, A, 100_000, 90_000), pool(C, B, 100_000, 90_000)]);
    expect(c).toMatchObject({ status: 'depegged', measuredUsd: 0.9, priceUsd: { num: 900_000_000n, den: 1_000_000_000n } });
    expect(a).toMatchObject({ status: 'pegged', measuredUsd: 1 });
    expect(b).toMatchObject({ status: 'pegged', measuredUsd: 1 });
  });

  it('prices through the wrapped native token when no direct pool exists, and ignores dust pools', () => {
    // WETH at 2,000 A and 1,800 C: C is worth 2000/1800 A. The dust A/C pool (500 units) says 0.5.
    const [a, , c] = pegs([pool(WETH, A, 10, 20_000), pool(WETH, C, 10, 18_000), pool(C, A, 500, 250)]);
    expect(c!.references).toEqual([{ against: A, symbol: 'A', price: 2000 / 1800, pools: [expect.any(String), expect.any(String)] }]);
    expect(c!.status).toBe('disputed');
    expect(a!.references[0]!.price).toBeCloseTo(0.9, 12);
  });
});
