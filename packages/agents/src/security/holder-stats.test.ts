import type { Address } from 'viem';
import { DEAD_ADDRESS, distribution, percent } from './holder-stats';

const A = '0x00000000000000000000000000000000000000aa' as Address;
const B = '0x00000000000000000000000000000000000000bb' as Address;
const C = '0x00000000000000000000000000000000000000cc' as Address;
const ZERO = '0x0000000000000000000000000000000000000000' as Address;

describe('distribution', () => {
  const sheet = { accounts: [C, A, B, DEAD_ADDRESS, ZERO], balances: [0n, 30n, 60n, 10n, 0n], codeSizes: [0, 0, 100, 0, 0] };

  it('counts non-zero balances, ranks them and tags roles', () => {
    const dist = distribution(sheet, 100n, { owner: A, pools: new Set([B]) });
    expect(dist.holderCount).toBe(3);
    expect(dist.top).toEqual([
      { address: B, balance: '60', percent: 60, isContract: true, tag: 'pool' },
      { address: A, balance: '30', percent: 30, isContract: false, tag: 'owner' },
      { address: DEAD_ADDRESS, balance: '10', percent: 10, isContract: false, tag: 'burn' },
    ]);
    expect(dist.top10Percent).toBe(100);
    expect(dist.percentOf(A)).toBe(30);
    expect(dist.balanceOf(C)).toBe(0n);
  });

  it('orders equal balances by lower-case address', () => {
    const even = distribution({ accounts: [B, A], balances: [5n, 5n], codeSizes: [0, 0] }, 10n);
    expect(even.top.map((h) => h.address)).toEqual([A, B]);
  });
});

describe('percent', () => {
  it('is exact to 6 decimals and clamped to 0–100', () => {
    expect(percent(1n, 3n)).toBe(33.333333);
    expect(percent(5n, 0n)).toBe(0);
    expect(percent(200n, 100n)).toBe(100);
  });
});
