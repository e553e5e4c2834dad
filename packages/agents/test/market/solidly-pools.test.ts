import { ChainClients } from '@oca/chain';
import {
  connectDeployer,
  deployForkScenario,
  deployMarketScenario,
  SOLIDLY_FEES_BPS,
  startAnvil,
  tradeSolidly,
  type AnvilInstance,
  type ForkScenario,
  type ForkToken,
  type MarketScenario,
} from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, getAddress, http, parseAbi, parseEther, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext } from '../../src';
import { MarketResult } from '../../src/market/market-contract';
import { marketAgent } from '../../src/market/market.agent';
import { TrendResult } from '../../src/trend/trend-contract';
import { trendAgent } from '../../src/trend/trend.agent';
import { linearWindowStarts, nativeUsd, relativeError, type Window } from '../expected-market';

// Velodrome/Aerodrome V2 pools in the market and trend agents, on one anvil: the market scenario
// (for the WETH/dUSD anchor), then the fork scenario's Solidly-style pools (a volatile 1 % pool and
// a stable 0.05 % one) two hours later, then trades through both. Every expected figure comes from
// the pools' own state, quotes and Swap logs, read and decoded here with Velodrome's ABI.
jest.setTimeout(120_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
/** Velodrome V2 `Pool.sol` and `PoolFactory.sol`, as published (not the agents' ABI). */
const VELODROME = parseAbi([
  'function getReserves() view returns (uint256, uint256, uint256)',
  'function getAmountOut(uint256 amountIn, address tokenIn) view returns (uint256)',
  'function token0() view returns (address)',
  'function getFee(address pool, bool stable) view returns (uint256)',
  'event Swap(address indexed sender, address indexed to, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out)',
  'event Sync(uint256 reserve0, uint256 reserve1)',
]);
const [, , , , SWAP, SYNC] = VELODROME;

let anvil: AnvilInstance;
let market: MarketScenario;
let forks: ForkScenario;
let rpc: PublicClient;
let chain: ChainClients;
/** The fork scenario's first block. */
let forkStart: bigint;

beforeAll(async () => {
  anvil = await startAnvil();
  market = await deployMarketScenario(anvil.rpcUrl);
  const d = await connectDeployer(anvil.rpcUrl);
  await d.increaseTime(3_600n);
  forkStart = (await d.blockNumber()) + 1n;
  forks = await deployForkScenario(anvil.rpcUrl);
  await d.increaseTime(7_200n);
  const [, alice, bob, carol] = d.accounts as [Address, Address, Address, Address];
  const { solidlyClean: volatile, solidlyStable: stable } = forks.tokens;
  await tradeSolidly(d, volatile.tradedPool, forks.weth, parseEther('1'), alice);
  await tradeSolidly(d, volatile.tradedPool, volatile.address, parseEther('3000'), bob);
  await tradeSolidly(d, volatile.tradedPool, forks.weth, parseEther('0.5'), carol);
  await tradeSolidly(d, stable.tradedPool, forks.weth, parseEther('3'), alice);
  await tradeSolidly(d, stable.tradedPool, stable.address, parseEther('0.5'), bob);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
});

afterAll(async () => {
  await anvil?.stop();
});

const ctx = (): AgentContext => ({ chain, logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW });

function expectClose(actual: number | string | null | undefined, expected: number, tolerance: number, what: string) {
  expect({ what, actual: actual === null || actual === undefined ? actual : Number(actual) }).toEqual({ what, actual: expect.any(Number) });
  const error = relativeError(Number(actual), expected);
  if (!(error <= tolerance)) throw new Error(`${what}: got ${actual}, expected ${expected} (relative error ${error})`);
}

const units = (raw: bigint) => Number(raw) / 1e18;

/** A pool's reserves oriented to the token (both sides 18 decimals), at a block. */
async function reserves(token: ForkToken, blockNumber: bigint) {
  const [[r0, r1], token0] = await Promise.all([
    rpc.readContract({ address: token.tradedPool, abi: VELODROME, functionName: 'getReserves', blockNumber }),
    rpc.readContract({ address: token.tradedPool, abi: VELODROME, functionName: 'token0', blockNumber }),
  ]);
  const tokenIs0 = getAddress(token0) === token.address;
  return { base: tokenIs0 ? r0 : r1, quote: tokenIs0 ? r1 : r0 };
}

/**
 * The pool's marginal price (WETH per token) from its own quote: a sale of 10⁻⁶ of a token at the
 * pool's `getAmountOut`, over what is left of it after the fee. Close to the curve's slope (the
 * trade moves the price by ~10⁻⁷), independent of how the agents compute it.
 */
async function quotedPrice(token: ForkToken, stable: boolean, blockNumber: bigint): Promise<number> {
  const amountIn = 10n ** 12n;
  const out = await rpc.readContract({ address: token.tradedPool, abi: VELODROME, functionName: 'getAmountOut', args: [amountIn, token.address], blockNumber });
  const fee = BigInt(stable ? SOLIDLY_FEES_BPS.stable : SOLIDLY_FEES_BPS.volatile);
  return Number(out) / Number(amountIn - (amountIn * fee) / 10_000n);
}

/** The pool's Swap logs after `afterBlock`, decoded here: buys take the token out of the pool. */
async function swaps(token: ForkToken, afterBlock: bigint) {
  const [logs, token0] = await Promise.all([
    rpc.getLogs({ address: token.tradedPool, event: SWAP, fromBlock: afterBlock + 1n, toBlock: 'latest', strict: true }),
    rpc.readContract({ address: token.tradedPool, abi: VELODROME, functionName: 'token0' }),
  ]);
  const tokenIs0 = getAddress(token0) === token.address;
  const fills = logs.map(({ args: a }) => {
    const [baseOut, quoteIn, quoteOut] = tokenIs0 ? [a.amount0Out, a.amount1In, a.amount1Out] : [a.amount1Out, a.amount0In, a.amount0Out];
    return { buy: baseOut > 0n, quote: quoteIn + quoteOut, to: a.to };
  });
  return {
    buys: fills.filter((f) => f.buy).length,
    sells: fills.filter((f) => !f.buy).length,
    volumeQuote: units(fills.reduce((sum, f) => sum + f.quote, 0n)),
    traders: new Set(fills.map((f) => f.to)).size,
  };
}

const POOLS = [
  { key: 'solidlyClean', stable: false, fee: SOLIDLY_FEES_BPS.volatile },
  { key: 'solidlyStable', stable: true, fee: SOLIDLY_FEES_BPS.stable },
] as const;

describe('market agent on Solidly (Velodrome/Aerodrome V2) pools', () => {
  it.each(POOLS)('prices the $key pool from its reserves and curve, with volume and trades from its own Swap events', async ({ key, stable, fee }) => {
    const token = forks.tokens[key];
    const result = MarketResult.parse(await marketAgent.run(marketAgent.params.parse({ network: 'devnet', address: token.address }), ctx()));
    const block = BigInt(result.blockNumber);
    const starts: Record<Window, bigint> = await linearWindowStarts(rpc, block, BigInt(result.data.blockTimestamp));
    const wethUsd = (await nativeUsd(rpc, market, block)).price;
    const { base, quote } = await reserves(token, block);
    const price = await quotedPrice(token, stable, block);
    const factoryFee = await rpc.readContract({ address: forks.dexes.solidlyFactory, abi: VELODROME, functionName: 'getFee', args: [token.tradedPool, stable] });
    expect(factoryFee).toBe(BigInt(fee));

    const [pool] = result.data.pools;
    expect(result.data.pools).toHaveLength(1);
    expect(pool).toMatchObject({
      address: token.tradedPool,
      dex: 'aerodrome',
      version: 'solidly',
      stable,
      feeTier: fee * 100,
      quoteToken: { address: forks.weth },
      reserves: { base: base.toString(), quote: quote.toString() },
    });
    expectClose(pool!.priceNative, price, 1e-6, 'priceNative');
    if (stable) {
      // The stable curve is far flatter than the reserve ratio: a price from reserve1/reserve0 would be off by over 20 %.
      expect(relativeError(units(quote) / units(base), price)).toBeGreaterThan(0.2);
    }
    expectClose(pool!.priceUsd, price * wethUsd, 1e-6, 'priceUsd');
    expectClose(pool!.liquidity.usd, (units(base) * price + units(quote)) * wethUsd, 1e-6, 'liquidity.usd');
    expectClose(result.data.priceUsd, price * wethUsd, 1e-6, 'token priceUsd');
    expect(result.data.primaryPool).toBe(token.tradedPool);

    for (const w of ['h1', 'h6', 'h24'] as const) {
      const s = await swaps(token, starts[w]);
      expect({ w, txns: pool!.txns[w] }).toEqual({ w, txns: { buys: s.buys, sells: s.sells } });
      expectClose(pool!.volumeQuote[w], s.volumeQuote, 1e-9, `volumeQuote.${w}`);
      expectClose(result.data.volume[w], s.volumeQuote * wethUsd, 1e-6, `volume.${w}`);
    }
    expect(pool!.txns.h1!.buys + pool!.txns.h1!.sells).toBeGreaterThanOrEqual(2);
    // An hour ago the pool held its opening liquidity; six hours ago it did not exist.
    const then = await reserves(token, starts.h1);
    const priceThen = stable ? 1 : units(then.quote) / units(then.base);
    if (stable) expect(then.base).toBe(then.quote);
    expectClose(pool!.priceChange.h1, (price / priceThen - 1) * 100, 1e-5, 'priceChange.h1');
    expect(pool!.priceChange).toMatchObject({ h6: null, h24: null });
    expect(result.findings.map((f) => f.title)).toContain(`Priced through aerodrome pool ${token.tradedPool}`);
  });
});

describe('trend agent on Solidly pools', () => {
  /** The trend row expected of a pool, over the swaps after `afterBlock`, with its price then. */
  async function expectRow(row: TrendResult['data']['pools'][number] | undefined, token: ForkToken, stable: boolean, fee: number, afterBlock: bigint, priceThen: number, block: bigint) {
    const wethUsd = (await nativeUsd(rpc, market, block)).price;
    const { base, quote } = await reserves(token, block);
    const price = await quotedPrice(token, stable, block);
    const s = await swaps(token, afterBlock);
    expect(row).toMatchObject({ dex: 'aerodrome', version: 'solidly', stable, feeTier: fee * 100, quoteToken: { address: forks.weth }, sellCheck: 'passed' });
    expect({ swaps: row!.swaps, buys: row!.buys, sells: row!.sells, traders: row!.uniqueTraders }).toEqual({ swaps: s.buys + s.sells, buys: s.buys, sells: s.sells, traders: s.traders });
    expectClose(row!.volumeQuote, s.volumeQuote, 1e-9, 'volumeQuote');
    expectClose(row!.priceNative, price, 1e-6, 'priceNative');
    expectClose(row!.liquidityQuote, units(base) * price + units(quote), 1e-6, 'liquidityQuote');
    expectClose(row!.liquidityUsd, (units(base) * price + units(quote)) * wethUsd, 1e-6, 'liquidityUsd');
    expectClose(row!.priceChange, (price / priceThen - 1) * 100, 1e-5, 'priceChange');
    // A plain token: the pool's own quote is met exactly, buying and selling (a 0.3 % quote would be refused by the 1 % pool's K check).
    expect({ buyTax: row!.buyTax, sellTax: row!.sellTax }).toEqual({ buyTax: 0, sellTax: 0 });
  }

  it('finds new pools by the factory’s PoolCreated, launch price from their first Sync', async () => {
    const latest = await rpc.getBlock();
    const forkStartTime = (await rpc.getBlock({ blockNumber: forkStart })).timestamp;
    // A window opening after the market scenario ended and before the forks were deployed.
    const lookbackMinutes = Math.ceil(Number(latest.timestamp - forkStartTime) / 60) + 5;
    const result = TrendResult.parse(await trendAgent.run(trendAgent.params.parse({ network: 'devnet', lookbackMinutes, limit: 100 }), ctx()));
    for (const { key, stable, fee } of POOLS) {
      const token = forks.tokens[key];
      const row = result.data.pools.find((p) => p.pool === token.tradedPool);
      expect({ key, isNew: row?.isNew }).toEqual({ key, isNew: true });
      // The launch price: the first Sync's reserves (a balanced stable pool is at exactly 1).
      const [first] = await rpc.getLogs({ address: token.tradedPool, event: SYNC, fromBlock: forkStart, toBlock: 'latest', strict: true });
      const token0 = await rpc.readContract({ address: token.tradedPool, abi: VELODROME, functionName: 'token0' });
      const [b, q] = getAddress(token0) === token.address ? [first!.args.reserve0, first!.args.reserve1] : [first!.args.reserve1, first!.args.reserve0];
      if (stable) expect(b).toBe(q);
      await expectRow(row, token, stable, fee, forkStart - 1n, stable ? 1 : units(q) / units(b), BigInt(result.blockNumber));
    }
  });

  it('ranks them as older pools traded in a window that opens after their creation', async () => {
    const result = TrendResult.parse(await trendAgent.run(trendAgent.params.parse({ network: 'devnet', lookbackMinutes: 60, limit: 100 }), ctx()));
    const windowStart = BigInt(result.data.window.fromBlock) - 1n;
    for (const { key, stable, fee } of POOLS) {
      const token = forks.tokens[key];
      const row = result.data.pools.find((p) => p.pool === token.tradedPool);
      expect({ key, isNew: row?.isNew }).toEqual({ key, isNew: false });
      const then = await reserves(token, windowStart);
      if (stable) expect(then.base).toBe(then.quote);
      await expectRow(row, token, stable, fee, windowStart, stable ? 1 : units(then.quote) / units(then.base), BigInt(result.blockNumber));
    }
  });
});
