import type { Address } from 'viem';
import { orient, type MarketSnapshot } from '../dex';
import { priceLaunches, scaleStartPrice, type LaunchReads, type RankableLaunch } from './launch-pools';

const WETH: Address = '0x00000000000000000000000000000000000000e4';
const TOKEN: Address = '0x00000000000000000000000000000000000000d6';
const POOL: Address = '0x00000000000000000000000000000000000000d5';
const E18 = 10n ** 18n;

const launch: RankableLaunch = { pool: POOL, token0: TOKEN, token1: WETH, createdBlock: null, txHash: null, ref: orient(POOL, 'v2', 'uniswap-v2', null, TOKEN, WETH), skip: null };
const reads = (raw: LaunchReads['raws'][number]): LaunchReads => ({
  metaOf: new Map([[TOKEN.toLowerCase(), { address: TOKEN, name: 'T', symbol: 'T', decimals: 18, totalSupply: 1n }]]),
  raws: [raw],
  timeOf: new Map(),
  launchLogsOf: new Map(),
  launchPrices: { requests: 0, coveredFrom: 0n },
  startPrices: [undefined],
  feeTiers: [null],
  slots: new Map(),
  order: new Map([[POOL.toLowerCase(), 0]]),
});
/** No WETH/stablecoin pool: WETH has no USD price. */
const noAnchor = {
  quoteMeta: new Map([[WETH.toLowerCase(), { address: WETH, name: 'WETH', symbol: 'WETH', decimals: 18, totalSupply: 1n }]]),
  nativeUsd: { token: { address: WETH, symbol: 'WETH' }, price: null, anchor: null },
  stables: [],
} as unknown as MarketSnapshot;

describe('priceLaunches', () => {
  it('keeps a pool whose quote has no USD price with unknown (null) USD liquidity, not $0 under the floor', () => {
    const { priced, belowFloor } = priceLaunches([launch], reads({ baseRaw: 1_000n * E18, quoteRaw: 2n * E18, sqrtPriceX96: null }), noAnchor, 1_000);
    expect(belowFloor).toEqual([]);
    expect(priced).toHaveLength(1);
    expect(priced[0]).toMatchObject({ liquidityUsd: null, liquidityQuote: 4 });
  });

  it('leaves out a pool it cannot read', () => {
    const { priced, belowFloor } = priceLaunches([launch], reads(null), noAnchor, 1_000);
    expect(priced).toEqual([]);
    expect(belowFloor[0]).toMatchObject({ reason: 'below_liquidity_floor' });
  });

  it('scales a raw start price by the decimals, and passes unknowns through', () => {
    expect(scaleStartPrice({ num: 2n, den: 1n }, { base: 18, quote: 6 })).toEqual({ num: 2n * E18, den: 1_000_000n });
    expect(scaleStartPrice(null, { base: 18, quote: 6 })).toBeNull();
    expect(scaleStartPrice(undefined, { base: 18, quote: 6 })).toBeUndefined();
  });
});
