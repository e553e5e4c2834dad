import type { Address } from 'viem';
import { orient, type PricedPool } from '../dex';
import type { LaunchReads, PricedLaunch } from './launch-pools';
import { rankLaunches } from './ranking';
import { taxOf, type SellCheck } from './sell-check';

const WETH: Address = '0x00000000000000000000000000000000000000e4';
const E18 = 10n ** 18n;

function entry(n: number, createdBlock: bigint | null): PricedLaunch {
  const pool = `0x${(0xd00 + n).toString(16).padStart(40, '0')}` as Address;
  const token = `0x${(0xa00 + n).toString(16).padStart(40, '0')}` as Address;
  const ref = orient(pool, 'v2', 'uniswap-v2', null, token, WETH);
  const priced: PricedPool = { ref, state: { baseRaw: 1_000n * E18, quoteRaw: E18, sqrtPriceX96: null, price: { num: 1n, den: 1000n } }, decimals: { base: 18, quote: 18 }, quoteUsd: null, quoteSymbol: 'WETH' };
  return {
    launch: { pool, token0: token, token1: WETH, createdBlock, txHash: null, ref, skip: null },
    pool: priced,
    meta: { address: token, name: `T${n}`, symbol: `T${n}`, decimals: 18, totalSupply: 1n },
    liquidityUsd: null,
    liquidityQuote: 2,
  };
}

const reads = (entries: PricedLaunch[]): LaunchReads => ({
  metaOf: new Map(),
  raws: [],
  timeOf: new Map([[10n, 0n]]),
  launchLogsOf: new Map(),
  // The launch-price scan did not reach block 10: the new pool's first price is unknown.
  launchPrices: { requests: 1, coveredFrom: 50n },
  startPrices: entries.map(() => undefined),
  feeTiers: entries.map(() => null),
  slots: new Map(),
  order: new Map(entries.map((e, i) => [e.launch.pool.toLowerCase(), i])),
});

describe('rankLaunches', () => {
  it('sorts every outcome of the sell check into ranked, unchecked, honeypot, cannot-buy and taxed', () => {
    const entries = [entry(1, 10n), entry(2, null), entry(3, null), entry(4, null), entry(5, null)];
    const checks: SellCheck[] = [
      { status: 'passed', baseReceived: 1n, quoteReturned: 1n, quoteIn: 1n, buyTax: 0, sellTax: 0.05 },
      { status: 'unchecked', reason: 'no slot' },
      { status: 'honeypot', reason: 'reverted', baseReceived: 5n, quoteIn: 1n, buyTax: 0 },
      { status: 'cannot_buy', reason: 'reverted', baseReceived: 0n, quoteIn: 1n },
      { status: 'passed', baseReceived: 1n, quoteReturned: 1n, quoteIn: 1n, buyTax: 0.2, sellTax: 0 },
    ];
    const out = rankLaunches(entries, checks, reads(entries), new Map(), { now: 3600n * 24n, fromTimestamp: 0n, maxTax: 0.1 });
    expect(out.ranked.map((r) => [r.token.symbol, r.isNew, r.sellCheck, r.sellTax, r.priceChange, r.volumeUsd])).toEqual([
      ['T1', true, 'passed', 0.05, null, null],
      ['T2', false, 'unchecked', null, null, null],
    ]);
    expect(out.unchecked).toEqual([{ pool: entries[1]!.launch.pool, reason: 'no slot' }]);
    expect(out.failedSell.map((f) => [f.reason, f.detail])).toEqual([
      ['honeypot', 'simulated buy with 1 raw WETH received 5 raw tokens; selling them reverted'],
      ['cannot_buy', 'simulated buy with 1 raw WETH reverted'],
      ['high_tax', 'simulated buy tax 20.0 %, sell tax 0.0 % (over 10.0 %)'],
    ]);
    expect(out.taxed).toEqual([expect.objectContaining({ symbol: 'T5', buyTax: 0.2, sellTax: 0 })]);
  });
});

describe('taxOf', () => {
  it('is what the token kept of what the pool promised, clamped at 0', () => {
    expect(taxOf(1n, 100n)).toBe(0.99);
    expect(taxOf(100n, 100n)).toBe(0);
    expect(taxOf(101n, 100n)).toBe(0);
    expect(taxOf(0n, 0n)).toBe(0);
  });
});
