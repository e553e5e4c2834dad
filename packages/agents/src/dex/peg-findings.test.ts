import type { StablecoinPeg } from '@oca/contracts';
import { pegFindings } from './peg-findings';

const peg = (symbol: string, status: StablecoinPeg['status'], measuredUsd: number | null, refs: [string, number][] = []): StablecoinPeg => ({
  address: '0x00000000000000000000000000000000000000a1',
  symbol,
  status,
  priceUsd: status === 'depegged' ? String(measuredUsd) : '1',
  measuredUsd,
  references: refs.map(([s, price]) => ({ against: '0x00000000000000000000000000000000000000b2', symbol: s, price, pools: ['0x00000000000000000000000000000000000000c3'] })),
});

describe('pegFindings', () => {
  it('says high for a depeg, medium for a two-way disagreement, info for the unchecked and the pegged', () => {
    const findings = pegFindings([
      peg('DAI', 'depegged', 0.95, [['USDC', 0.95], ['USDT', 0.95]]),
      peg('USDC', 'disputed', 0.9, [['USDT', 0.9]]),
      peg('FRAX', 'unverified', null),
      peg('USDT', 'pegged', 1, [['USDC', 1.001]]),
    ]);
    expect(findings.map((f) => [f.severity, f.title])).toEqual([
      ['high', 'DAI off its peg: $0.9500'],
      ['medium', 'USDC and USDT disagree: one is off its peg'],
      ['info', 'FRAX taken at $1.00 unchecked'],
      ['info', 'Stablecoins on peg: USDT'],
    ]);
    expect(findings[0]!.evidence).toContain('0.9500 USDC');
  });

  it('says nothing without stablecoins', () => {
    expect(pegFindings([])).toEqual([]);
  });
});
