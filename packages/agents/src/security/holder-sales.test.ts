import type { Address } from 'viem';
import { holderSaleAnalysis, sampleHolders, withHolderSales, type HolderSaleOutcome } from './holder-sales';
import type { ProbePool, Simulation } from './probe/security-probe';
import { UNKNOWN_TRADING } from './trading';

// Pure functions over the probe's answers; the sales themselves run against anvil in
// packages/agents/test/security/security.agent.test.ts.
const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const POOL = { pair: A(0xaa), token0: A(1), token1: A(2), version: 2 } as ProbePool;
const simulation = (route: number, pair: Address) => ({ route, pair }) as unknown as Simulation;
const sold = { ok: true as const, sold: 100n, expected: 100n, received: 90n };
const reverted = { ok: false as const, revertData: '0x' as const };
const outcome = (n: number, whole: HolderSaleOutcome['whole'], part: HolderSaleOutcome['part']): HolderSaleOutcome => ({ address: A(n), balance: 100n, whole, part });

describe('sampleHolders', () => {
  it('keeps the largest EOAs with a balance, never the owner, a pool, 0x0 or 0x…dEaD', () => {
    const candidates = [
      { address: A(10), balance: 5n, codeSize: 0 },
      { address: A(11), balance: 50n, codeSize: 0 },
      { address: A(12), balance: 500n, codeSize: 100 }, // a contract
      { address: A(13), balance: 0n, codeSize: 0 },
      { address: A(0xaa), balance: 900n, codeSize: 0 }, // the pool
      { address: A(14), balance: 70n, codeSize: 0 }, // the owner
      { address: '0x000000000000000000000000000000000000dEaD' as Address, balance: 800n, codeSize: 0 },
      { address: A(15), balance: 40n, codeSize: 0 },
    ];
    expect(sampleHolders(candidates, { owner: A(14), pools: [A(0xaa)] }, 2).map((c) => c.address)).toEqual([A(11), A(15)]);
    expect(sampleHolders(candidates, { owner: null, pools: [A(0xaa)] }).map((c) => c.address)).toEqual([A(14), A(11), A(15), A(10)]);
  });
});

describe('holderSaleAnalysis', () => {
  const outcomes = [outcome(1, sold, sold), outcome(2, reverted, sold), outcome(3, reverted, reverted)];

  it('counts who sold all, part or nothing, with the small sale’s tax', () => {
    const analysis = holderSaleAnalysis(outcomes, POOL, simulation(1, POOL.pair))!;
    expect(analysis).toMatchObject({ sampled: 3, canSell: 2, cannotSell: 1, averageTax: 0.1, highestTax: 0.1 });
    expect(analysis.sales.map((s) => s.sold)).toEqual(['all', 'part', 'none']);
    expect(analysis.sales[2]).toMatchObject({ sellTax: null, reason: 'reverted without a reason' });
  });

  it('says nothing when the sales do not speak for the token', () => {
    expect(holderSaleAnalysis([], POOL, simulation(1, POOL.pair))).toBeNull();
    expect(holderSaleAnalysis(null, POOL, simulation(1, POOL.pair))).toBeNull();
    expect(holderSaleAnalysis(outcomes, null, simulation(1, POOL.pair))).toBeNull();
    expect(holderSaleAnalysis(outcomes, POOL, null)).toBeNull();
    // The fresh simulation traded through another pool, or the token is a wrapped native coin.
    expect(holderSaleAnalysis(outcomes, POOL, simulation(1, A(0xbb)))).toBeNull();
    expect(holderSaleAnalysis(outcomes, POOL, simulation(2, POOL.pair))).toBeNull();
  });
});

describe('withHolderSales', () => {
  const analysis = (cannotSell: number, sampled: number) => ({ sampled, canSell: sampled - cannotSell, cannotSell, averageTax: null, highestTax: null, sales: [] });

  it('half or more of the holders trapped makes a honeypot; fewer does not', () => {
    expect(withHolderSales({ ...UNKNOWN_TRADING, isHoneypot: false }, analysis(2, 4))).toMatchObject({ isHoneypot: true, honeypotReason: '2 of the 4 largest holders cannot sell their own tokens' });
    expect(withHolderSales({ ...UNKNOWN_TRADING, isHoneypot: false }, analysis(1, 4))).toMatchObject({ isHoneypot: false, honeypotReason: null });
  });

  it('keeps the fresh simulation’s reason when it already found a honeypot, and passes null through', () => {
    expect(withHolderSales({ ...UNKNOWN_TRADING, isHoneypot: true, honeypotReason: 'sell failed' }, analysis(3, 3))).toMatchObject({ honeypotReason: 'sell failed' });
    expect(withHolderSales(UNKNOWN_TRADING, null)).toBe(UNKNOWN_TRADING);
  });
});
