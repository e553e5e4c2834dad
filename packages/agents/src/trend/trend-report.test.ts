import type { TrendData, TrendPool } from './trend-contract';
import { trendFindings, trendSummary, windowLabel, type TrendFacts } from './trend-report';

const coverage = (complete: boolean, fromBlock = '100') => ({ fromBlock, toBlock: '200', fromTimestamp: 1_000, complete, requests: 3 });

function data(overrides: Partial<TrendData> = {}): TrendData {
  return {
    window: { minutes: 1440, hours: 24, fromBlock: '100', fromTimestamp: 1_000, toBlock: '200', toTimestamp: 87_400, complete: true, requested: { minutes: 1440, fromBlock: '100', fromTimestamp: 1_000 } },
    scans: { launches: coverage(true), swaps: coverage(true), launchPrices: coverage(true) },
    minLiquidityUsd: 1000,
    maxTaxPercent: 10,
    nativeUsd: { token: '0x00000000000000000000000000000000000000e4', symbol: 'WETH', priceUsd: null, anchorPool: null },
    stablecoins: [],
    poolsCreated: 0,
    poolsActive: 0,
    ranked: 0,
    excluded: { no_quote_token: 0, quote_pair: 0, below_liquidity_floor: 0, honeypot: 0, cannot_buy: 0, high_tax: 0 },
    excludedPools: [],
    momentumFormula: '',
    pools: [],
    ...overrides,
  };
}

const olderPool: TrendPool = {
  rank: 1,
  isNew: false,
  pool: '0x00000000000000000000000000000000000000d5',
  dex: 'uniswap-v2',
  version: 'v2',
  feeTier: null,
  stable: null,
  token: { address: '0x00000000000000000000000000000000000000d6', name: 'Old', symbol: 'OLD', decimals: 18 },
  quoteToken: { address: '0x00000000000000000000000000000000000000e4', symbol: 'WETH' },
  createdBlock: null,
  createdAt: null,
  ageHours: null,
  liquidityUsd: null,
  liquidityQuote: 12.5,
  priceNative: '0.001',
  priceUsd: null,
  priceChange: 3,
  swaps: 4,
  buys: 3,
  sells: 1,
  uniqueTraders: 2,
  buySellRatio: 3,
  volumeUsd: null,
  volumeQuote: 2,
  momentum: 40,
  momentumComponents: { turnover: 0, traders: 0, activity: 0, buyPressure: 0, priceTrend: 0 },
  sellCheck: 'unchecked',
  buyTax: null,
  sellTax: null,
};

const facts = (d: TrendData, more: Partial<TrendFacts> = {}): TrendFacts => ({ network: 'devnet', blockNumber: 200n, data: d, honeypots: [], taxed: [], unchecked: [], truncated: 0, ...more });

describe('trend report', () => {
  it('labels windows in minutes or hours', () => {
    expect([windowLabel(5), windowLabel(60), windowLabel(1440), windowLabel(90)]).toEqual(['5 min', '1 h', '24 h', '90 min']);
  });

  it('says when USD liquidity is unknown (not $0), the sell check could not run, the cap cut new pools, and the window was narrowed', () => {
    const narrowed = data({
      window: { ...data().window, minutes: 30, hours: 0.5, fromBlock: '180', complete: false },
      scans: { launches: coverage(true), swaps: coverage(false, '180'), launchPrices: coverage(true) },
      pools: [olderPool],
      ranked: 1,
      poolsActive: 1,
    });
    const f = facts(narrowed, { unchecked: [{ pool: olderPool.pool as `0x${string}`, reason: 'no balance slot' }], truncated: 2 });
    const titles = trendFindings(f).map((x) => [x.severity, x.title]);
    expect(titles).toEqual([
      ['low', 'Window narrowed to the last 30 min'],
      ['low', 'USD liquidity unknown for 1 ranked pool(s)'],
      ['low', 'Sell simulation not run for 1 ranked pool(s)'],
      ['low', 'Not every new pool was analysed'],
      ['info', 'Strongest momentum: OLD'],
    ]);
    expect(trendFindings(f).at(-1)!.evidence).toContain('older than the window');
    expect(trendFindings(f).at(-1)!.evidence).toContain('12.5000 WETH liquidity');
    expect(trendSummary(f)).toContain('narrowed from 24 h to the last 30 min');
    expect(trendSummary(f)).toContain('2 older new pools beyond the analysis cap');
  });

  it('says so when nothing qualifies', () => {
    expect(trendFindings(facts(data())).at(-1)).toMatchObject({ title: 'No pool qualifies' });
  });
});
