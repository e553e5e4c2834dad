import type { DefiData, DefiReserve } from '@oca/contracts';
import { DEX_DEPLOYMENTS } from '@oca/chain';
import type { Address } from 'viem';
import { defiFindings, defiSummary } from './defi-report';
import { pickQuote } from './dex-pool';
import { annualisedPercent, decodeReserveConfig, impermanentLossPercent, percentOf, rayToApyPercent, SECONDS_PER_YEAR } from './rates';

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;

describe('rates', () => {
  it('compounds a ray rate per second as Aave’s UI does', () => {
    const rate = 5n * 10n ** 25n; // 5 % a year
    expect(rayToApyPercent(rate)).toBeCloseTo((Math.exp(0.05) - 1) * 100, 6);
    expect(rayToApyPercent(0n)).toBe(0);
    expect(SECONDS_PER_YEAR).toBe(365 * 24 * 3600);
  });

  it('decodes every field of a configuration bitmap packed by ReserveConfiguration.sol’s layout', () => {
    const pack = (fields: [bigint, number][]) => fields.reduce((d, [v, at]) => d | (v << BigInt(at)), 0n);
    const data = pack([
      [7500n, 0],
      [8000n, 16],
      [10500n, 32],
      [6n, 48],
      [1n, 56],
      [1n, 58],
      [1n, 60],
      [1500n, 64],
      [123_456n, 80],
      [68_719_476_735n, 116], // the largest 36-bit cap
    ]);
    expect(decodeReserveConfig(data)).toEqual({
      ltvBps: 7500,
      liquidationThresholdBps: 8000,
      liquidationBonusBps: 10500,
      decimals: 6,
      active: true,
      frozen: false,
      borrowingEnabled: true,
      stableBorrowingEnabled: false,
      paused: true,
      reserveFactorBps: 1500,
      borrowCap: 123_456n,
      supplyCap: 68_719_476_735n,
    });
  });

  it('percentages, impermanent loss and annualised growth', () => {
    expect(percentOf(1n, 3n)).toBe(33.333333);
    expect(percentOf(1n, 0n)).toBeNull();
    expect(impermanentLossPercent(1)).toBe(0);
    // The textbook figure: a 4× price move costs 20 % against holding.
    expect(impermanentLossPercent(4)).toBeCloseTo(-20, 10);
    expect(annualisedPercent(100n, 110n, SECONDS_PER_YEAR)).toBeCloseTo(10, 10);
    expect(annualisedPercent(0n, 1n, 10)).toBeNull();
    expect(annualisedPercent(1n, 1n, 0)).toBeNull();
  });
});

describe('pickQuote', () => {
  const d = DEX_DEPLOYMENTS.devnet;
  const usd = d.usdStables[0]!.address;
  const weth = d.wrappedNative.address;
  it('prefers a stablecoin, then the wrapped native token, then token1', () => {
    expect(pickQuote(d, usd, weth)).toBe(usd);
    expect(pickQuote(d, weth, usd)).toBe(usd);
    expect(pickQuote(d, weth, A(5))).toBe(weth);
    expect(pickQuote(d, A(5), weth)).toBe(weth);
    expect(pickQuote(d, A(5), A(6))).toBe(A(6));
  });
});

const reserve = (over: Partial<DefiReserve> = {}): DefiReserve => ({
  asset: A(1),
  symbol: 'TKN',
  decimals: 18,
  aToken: A(2),
  variableDebtToken: A(3),
  stableDebtToken: A(4),
  interestRateStrategy: A(5),
  supplied: '100',
  borrowed: '95',
  available: '5',
  utilizationPercent: 95,
  supplyApyPercent: 3,
  variableBorrowApyPercent: 5,
  supplyCap: '100',
  borrowCap: '0',
  supplyCapUsedPercent: 100,
  borrowCapUsedPercent: null,
  ltvBps: 8000,
  liquidationThresholdBps: 8250,
  reserveFactorBps: 1000,
  active: true,
  frozen: false,
  paused: false,
  borrowingEnabled: true,
  oracleSource: null,
  oraclePrice: null,
  priceUsd: null,
  suppliedUsd: null,
  borrowedUsd: null,
  ...over,
});

const base = (over: Partial<DefiData>): DefiData => ({
  kind: 'aave-v3-pool',
  probes: [{ call: 'asset()', answered: false }],
  tvl: null,
  window: { hours: 24, fromBlock: '1', fromTimestamp: 0, blockTimestamp: 86_400 },
  pool: null,
  lending: null,
  vault: null,
  admin: [],
  ...over,
});
const facts = (data: DefiData) => ({ network: 'devnet' as const, address: A(9), blockNumber: 10n, data });
const titles = (data: DefiData) => defiFindings(facts(data)).map((f) => `${f.severity}: ${f.title}`);

describe('findings and summary (synthetic data: the report builder alone)', () => {
  it('lending: a reached supply cap, high utilization, a missing oracle source, paused/frozen/inactive reserves', () => {
    const data = base({
      tvl: { usd: null, method: 'm', assets: [], unpriced: [A(1)] },
      lending: {
        addressesProvider: A(7),
        oracle: null,
        reserves: [reserve(), reserve({ paused: true, utilizationPercent: 10, supplyCapUsedPercent: 91, symbol: null }), reserve({ frozen: true, utilizationPercent: null, supplyCapUsedPercent: null }), reserve({ active: false, utilizationPercent: 0, supplyCapUsedPercent: null })],
        totalSuppliedUsd: null,
        totalBorrowedUsd: null,
      },
    });
    expect(titles(data)).toEqual([
      'high: Supply cap of TKN reached: 100.0 %',
      'medium: High utilization of TKN: 95.0 %',
      'high: No oracle source for TKN',
      `medium: Supply cap of ${A(1)} nearly reached: 91.0 %`,
      `high: No oracle source for ${A(1)}`,
      `medium: Reserve ${A(1)} is paused`,
      'high: No oracle source for TKN',
      'medium: Reserve TKN is frozen',
      'high: No oracle source for TKN',
      'medium: Reserve TKN is inactive',
      'info: Unpriced assets left out of TVL',
    ]);
    expect(defiSummary(facts(data))).toContain('TVL unpriced');
  });

  it('pool: impermanent loss, no LP finding under the threshold; admin: paused and upgradeable without a known admin', () => {
    const pool = {
      version: 'v2' as const,
      feeTier: 3000,
      token0: A(1),
      token1: A(2),
      base: A(1),
      quote: A(2),
      swaps: 0,
      volumeUsd: null,
      feesUsd: null,
      feeApyPercent: null,
      priceThen: '1',
      priceNow: '0.5',
      priceChangePercent: -50,
      impermanentLossPercent: -5.72,
      lp: { holders: 3, top1Percent: 40, top5Percent: 100, largest: A(3) },
      lpUnavailable: null,
    };
    const data = base({ kind: 'uniswap-v2-pool', pool, admin: [{ contract: A(4), role: 'pool', owner: null, paused: true, implementation: A(5), upgradeAdmin: null }] });
    expect(titles(data)).toEqual(['low: Impermanent loss -5.72 % over 24 h', 'medium: Upgradeable pool', 'high: Paused pool']);
    expect(defiSummary(facts(data))).toContain('price -50.00 %');
    expect(defiSummary(facts(base({ kind: 'uniswap-v3-pool', pool: { ...pool, priceChangePercent: null, lp: null } })))).toContain('price change n/a');
    expect(titles(base({ kind: 'uniswap-v2-pool', pool: { ...pool, impermanentLossPercent: null, lp: { ...pool.lp, top1Percent: 60 } } }))).toEqual(['medium: Concentrated liquidity: one LP holds 60.0 %']);
    expect(titles(base({ kind: 'uniswap-v2-pool', pool: { ...pool, impermanentLossPercent: null, lp: null, lpUnavailable: 'budget' } }))).toEqual(['info: LP holders not counted']);
  });

  it('vault and unknown summaries', () => {
    const vault = {
      asset: A(1),
      assetSymbol: null,
      assetDecimals: 6,
      shareDecimals: 6,
      totalAssets: '1',
      totalSupply: '1',
      sharePriceThen: null,
      sharePriceNow: '1',
      fromBlock: '1',
      elapsedSeconds: 1,
      apyPercent: null,
    };
    expect(defiSummary(facts(base({ kind: 'erc4626-vault', vault })))).toContain(`an ERC-4626 vault of ${A(1)}: TVL unpriced; share-price APY over 24 h n/a`);
    expect(defiSummary(facts(base({ kind: 'unknown' })))).toContain('not a recognised DeFi contract (probed asset()');
  });
});
