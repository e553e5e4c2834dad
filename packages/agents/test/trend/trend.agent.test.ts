import { ChainClients } from '@oca/chain';
import { deployMarketScenario, startAnvil, startRpcProxy, TAXED_SELL_TAX_BPS, type AnvilInstance, type MarketScenario, type ScenarioPool } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext } from '../../src';
import { createTrendAgent, trendAgent } from '../../src/trend/trend.agent';
import { TrendResult, type TrendParams, type TrendPool } from '../../src/trend/trend-contract';
import { linearWindowStarts, nativeUsd, readPool, relativeError, type Window } from '../expected-market';

jest.setTimeout(60_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');

let anvil: AnvilInstance;
let scenario: MarketScenario;
let chain: ChainClients;
let rpc: PublicClient;
let wethUsd: number;
let starts: Record<Window, bigint>;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployMarketScenario(anvil.rpcUrl);
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  wethUsd = (await nativeUsd(rpc, scenario, scenario.endBlock)).price;
  starts = await linearWindowStarts(rpc, scenario.endBlock, scenario.endTimestamp);
});

afterAll(async () => {
  await anvil?.stop();
});

function ctx(overrides: Partial<AgentContext> = {}): AgentContext {
  return { chain, logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW, ...overrides };
}

async function trend(params: Partial<Omit<TrendParams, 'network'>> = {}, agent = trendAgent): Promise<TrendResult> {
  const parsed = agent.params.parse({ network: 'devnet', ...params });
  return TrendResult.parse(await agent.run(parsed, ctx()));
}

/** The published formula, re-derived here rather than imported. */
function expectedMomentum(m: { volumeQuote: number; liquidityQuote: number; ageHours: number; traders: number; swaps: number; buys: number; sells: number; change: number }) {
  const s = (x: number, k: number) => (x <= 0 ? 0 : x / (x + k));
  const hours = Math.max(m.ageHours, 1);
  const score =
    0.3 * s((m.volumeQuote / m.liquidityQuote) * (24 / hours), 1) +
    0.25 * s(m.traders, 10) +
    0.2 * s(m.swaps / hours, 5) +
    0.15 * (m.buys + m.sells === 0 ? 0.5 : m.buys / (m.buys + m.sells)) +
    0.1 * (Math.min(Math.max(m.change, 0), 200) / 200);
  return Math.round(score * 100 * 100) / 100;
}

/**
 * A pool's figures from its contracts and the swaps the scenario recorded, over the window that
 * starts after block `windowStart`: since launch for a pool opened in it, since its start otherwise.
 */
async function expectedFigures(pool: ScenarioPool, windowStart: bigint, windowHours: number) {
  const quoteUsd = pool.quote === scenario.core.usd ? 1 : wethUsd;
  const dq = pool.quote === scenario.core.usd ? 6 : 18;
  const isNew = pool.createdBlock > windowStart;
  const now = await readPool(rpc, scenario, pool, scenario.endBlock);
  // A new pool gets its liquidity one block after creation, before any swap: that state is the launch price.
  const then = await readPool(rpc, scenario, pool, isNew ? pool.createdBlock + 1n : windowStart);
  const swaps = scenario.swaps.filter((s) => s.pool === pool.address && s.blockNumber > windowStart);
  const buys = swaps.filter((s) => s.side === 'buy').length;
  const volumeQuote = Number(swaps.reduce((sum, s) => sum + s.quoteAmount, 0n)) / 10 ** dq;
  const liquidityQuote = (Number(now.baseRaw) / 1e18) * now.price + Number(now.quoteRaw) / 10 ** dq;
  const figures = {
    isNew,
    liquidityQuote,
    liquidityUsd: liquidityQuote * quoteUsd,
    volumeQuote,
    volumeUsd: volumeQuote * quoteUsd,
    ageHours: isNew ? Number(scenario.endTimestamp - pool.createdAt) / 3600 : windowHours,
    traders: new Set(swaps.map((s) => s.recipient)).size,
    swaps: swaps.length,
    buys,
    sells: swaps.length - buys,
    change: (now.price / then.price - 1) * 100,
    priceUsd: now.price * quoteUsd,
  };
  return { ...figures, momentum: expectedMomentum(figures) };
}

function expectClose(actual: number | string | null, expected: number, what: string, tolerance = 1e-9) {
  const error = relativeError(Number(actual), expected);
  if (actual === null || !(error <= tolerance)) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}

/** Every ranked pool's figures against the chain, over the window after `windowStart`. */
async function expectRankedFigures(pools: readonly TrendPool[], windowStart: bigint, windowHours: number) {
  for (const pool of pools) {
    const scenarioPool = Object.values(scenario.pools).find((p) => p.address === pool.pool)!;
    const e = await expectedFigures(scenarioPool, windowStart, windowHours);
    const name = scenarioPool.name;
    expect({ name, isNew: pool.isNew, swaps: pool.swaps, buys: pool.buys, sells: pool.sells, traders: pool.uniqueTraders }).toEqual({
      name,
      isNew: e.isNew,
      swaps: e.swaps,
      buys: e.buys,
      sells: e.sells,
      traders: e.traders,
    });
    if (e.isNew) {
      expect(pool.createdBlock).toBe(scenarioPool.createdBlock.toString());
      expect(pool.createdAt).toBe(new Date(Number(scenarioPool.createdAt) * 1000).toISOString());
      expectClose(pool.ageHours, e.ageHours, `${name} age`, 1e-3);
    } else {
      expect({ name, createdBlock: pool.createdBlock, ageHours: pool.ageHours }).toEqual({ name, createdBlock: null, ageHours: null });
    }
    expectClose(pool.liquidityUsd, e.liquidityUsd, `${name} liquidity`);
    expectClose(pool.liquidityQuote, e.liquidityQuote, `${name} liquidity in quote`);
    expectClose(pool.volumeUsd, e.volumeUsd, `${name} volume`);
    expectClose(pool.priceUsd, e.priceUsd, `${name} priceUsd`);
    expectClose(pool.priceChange, e.change, `${name} change`);
    expect(pool.buySellRatio).toBe(e.sells === 0 ? null : e.buys / e.sells);
    expectClose(pool.momentum, e.momentum, `${name} momentum`, 1e-6);
    expect({ name, sellCheck: pool.sellCheck, buyTax: pool.buyTax, sellTax: pool.sellTax }).toEqual({ name, sellCheck: 'passed', buyTax: 0, sellTax: 0 });
  }
}

describe('trend agent on a devnet with pools opened and traded over the last day', () => {
  it('ranks the hot new pair first, older pools trading in the window too, and leaves out the honeypot, the 99 % sell tax and the dust pool', async () => {
    const result = await trend();
    const { data } = result;
    const { steadyUsdV2, warmWethV3, dustWethV2, hotWethV2, honeyWethV2, taxedWethV2, alphaWethV2, alphaWethV3, alphaUsdV2 } = scenario.pools;
    const opened = Object.values(scenario.pools).filter((p) => p.createdBlock > starts.h24);
    expect(opened.map((p) => p.name).sort()).toEqual(['dustWethV2', 'honeyWethV2', 'hotWethV2', 'steadyUsdV2', 'taxedWethV2', 'warmWethV3']);
    expect(data.poolsCreated).toBe(opened.length);
    const traded = new Set(scenario.swaps.filter((s) => s.blockNumber > starts.h24).map((s) => s.pool));
    expect(data.poolsActive).toBe(traded.size);
    expect(data.window).toMatchObject({ minutes: 1440, hours: 24, complete: true, fromBlock: (starts.h24 + 1n).toString(), toBlock: scenario.endBlock.toString() });

    expect(data.pools[0]).toMatchObject({ rank: 1, pool: hotWethV2.address, token: { symbol: 'HOT' }, isNew: true, sellCheck: 'passed' });
    expect(data.pools.map((p) => p.pool).sort()).toEqual([hotWethV2, steadyUsdV2, warmWethV3, alphaWethV2, alphaWethV3, alphaUsdV2].map((p) => p.address).sort());
    expect(data.pools.filter((p) => !p.isNew).map((p) => p.token.symbol)).toEqual(['ALPHA', 'ALPHA', 'ALPHA']);
    // The WETH/dUSD anchors traded in the window too: pools between two quote tokens.
    const anchorsTraded = [scenario.pools.wethUsdV2, scenario.pools.wethUsdV3].filter((p) => traded.has(p.address)).length;
    expect(data.excluded).toEqual({ no_quote_token: 0, quote_pair: anchorsTraded, below_liquidity_floor: 1, honeypot: 1, cannot_buy: 0, high_tax: 1 });
    expect(data.excludedPools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pool: dustWethV2.address, token: scenario.tokens.dust.address, reason: 'below_liquidity_floor' }),
        expect.objectContaining({ pool: honeyWethV2.address, token: scenario.tokens.honey.address, reason: 'honeypot' }),
        expect.objectContaining({ pool: taxedWethV2.address, token: scenario.tokens.taxed.address, reason: 'high_tax' }),
      ]),
    );
    // The simulation's verdict agrees with the chain: real sells of HONEY reverted, with the token's reason.
    expect(scenario.failedSwaps.filter((f) => f.pool === honeyWethV2.address && f.side === 'sell').length).toBeGreaterThan(0);
    expect(data.excludedPools.find((e) => e.reason === 'honeypot')?.detail).toContain('sells disabled');
    expect(result.findings.find((f) => f.title === 'Honeypot among trending pools: HONEY')).toMatchObject({ severity: 'high' });

    // TAXED sells went through on chain, so a revert-only check would pass it; the tax is what excludes it.
    expect(scenario.swaps.filter((s) => s.pool === taxedWethV2.address && s.side === 'sell').length).toBeGreaterThan(0);
    const taxDetail = data.excludedPools.find((e) => e.reason === 'high_tax')!.detail;
    const sellTax = Number(/sell tax ([\d.]+) %/.exec(taxDetail)![1]) / 100;
    expect(Math.abs(sellTax - Number(TAXED_SELL_TAX_BPS) / 10_000)).toBeLessThanOrEqual(0.01);
    expect(taxDetail).toContain('buy tax 0.0 %');
    expect(result.findings.find((f) => f.title.startsWith('Taxed token among trending pools: TAXED'))).toMatchObject({ severity: 'high' });

    // Unfiltered, HONEY (45 buys by 20 traders) would outrank HOT: the exclusion is what puts HOT first.
    const honey = await expectedFigures(honeyWethV2, starts.h24, 24);
    const hot = await expectedFigures(hotWethV2, starts.h24, 24);
    expect(honey.momentum).toBeGreaterThan(hot.momentum);
    expect(result.summary).toContain('top: HOT');
    expect(data.stablecoins).toEqual([expect.objectContaining({ symbol: 'dUSD', status: 'unverified' }), expect.anything(), expect.anything()]);
  });

  it('reports each ranked pool with figures recomputed from its contracts and Swap logs: new ones since launch, older ones over the window', async () => {
    const { data } = await trend();
    await expectRankedFigures(data.pools, starts.h24, 24);
    const scores = data.pools.map((p: TrendPool) => p.momentum);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const pool of data.pools) expect(pool.liquidityUsd).toBeGreaterThanOrEqual(data.minLiquidityUsd);
  });

  it('follows its params: the floor, the limit, the tax limit, the lookback and the 5-minute window', async () => {
    // Without a floor the dust pool is ranked, so the floor alone excluded it.
    const noFloor = await trend({ minLiquidityUsd: 0 });
    expect(noFloor.data.excluded.below_liquidity_floor).toBe(0);
    expect(noFloor.data.pools.map((p) => p.pool)).toContain(scenario.pools.dustWethV2.address);
    expect(noFloor.data.pools.map((p) => p.pool)).not.toContain(scenario.pools.honeyWethV2.address);

    const top1 = await trend({ limit: 1 });
    expect(top1.data.pools.map((p) => p.pool)).toEqual([scenario.pools.hotWethV2.address]);
    expect(top1.data.ranked).toBe(6);

    // A limit of 100 % lets TAXED in, with its tax on the row.
    const anyTax = await trend({ maxTaxPercent: 100 });
    const taxed = anyTax.data.pools.find((p) => p.pool === scenario.pools.taxedWethV2.address);
    expect(taxed).toMatchObject({ sellCheck: 'passed', buyTax: 0 });
    expect(Math.abs(taxed!.sellTax! - 0.99)).toBeLessThanOrEqual(0.01);

    // A week reaches the scenario's first pools: ALPHA's three are new then.
    const week = await trend({ lookbackHours: 168, limit: 100 });
    expect(week.data.poolsCreated).toBe(Object.keys(scenario.pools).length);
    expect(week.data.excluded).toMatchObject({ quote_pair: 2, below_liquidity_floor: 1, honeypot: 1, high_tax: 1 });
    expect(week.data.pools).toHaveLength(6);
    expect(week.data.pools.every((p) => p.isNew)).toBe(true);

    // The last 5 minutes: only what traded then, every pool older than the window.
    const fiveMinutes = await trend({ lookbackMinutes: 5, minLiquidityUsd: 0, maxTaxPercent: 100, limit: 100 });
    const from = BigInt(fiveMinutes.data.window.fromBlock);
    const recent = new Set<string>(scenario.swaps.filter((s) => s.blockNumber >= from).map((s) => s.pool));
    expect(fiveMinutes.data.window).toMatchObject({ minutes: 5, complete: true });
    expect(fiveMinutes.data.poolsCreated).toBe(0);
    expect(fiveMinutes.data.poolsActive).toBe(recent.size);
    expect(fiveMinutes.data.pools.length).toBeGreaterThan(0);
    expect(fiveMinutes.data.pools.every((p) => !p.isNew && recent.has(p.pool))).toBe(true);
    expect(fiveMinutes.target).toBe('trending pools, last 5 min');

    expect(() => trendAgent.params.parse({ network: 'devnet', lookbackHours: 169 })).toThrow();
    expect(() => trendAgent.params.parse({ network: 'devnet', lookbackMinutes: 4 })).toThrow();
    expect(() => trendAgent.params.parse({ network: 'devnet', limit: 101 })).toThrow();
  });

  it('narrows the window to what the Swap scan could read within its budget, and says so', async () => {
    // One request of exactly the last hour's blocks.
    const narrow = createTrendAgent({ logs: { swaps: { maxRequests: 1, maxBlockRange: scenario.endBlock - starts.h1 } } });
    const result = await trend({}, narrow);
    const { data } = result;
    expect(data.window).toMatchObject({ complete: false, fromBlock: (starts.h1 + 1n).toString(), requested: { minutes: 1440, fromBlock: (starts.h24 + 1n).toString() } });
    expect(data.window.minutes).toBeLessThanOrEqual(60);
    expect(data.scans.swaps).toMatchObject({ complete: false, fromBlock: (starts.h1 + 1n).toString(), requests: 1 });
    expect(data.scans.launches.complete).toBe(true);
    // Nothing opened in the last hour: every ranked pool is an older one, measured over the hour read.
    const opened = Object.values(scenario.pools).filter((p) => p.createdBlock > starts.h1);
    expect(data.poolsCreated).toBe(opened.length);
    const hours = (data.window.toTimestamp - data.window.fromTimestamp) / 3600;
    await expectRankedFigures(data.pools, starts.h1, hours);
    expect(data.pools.map((p) => p.token.symbol)).toContain('HOT');
    expect(result.findings[0]).toMatchObject({ severity: 'low', title: expect.stringMatching(/^Window narrowed to the last/) });
    expect(result.summary).toContain('narrowed from 24 h');
  });

  it('costs a handful of batched round trips', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
    try {
      const recorded = new ChainClients({ rpcUrls: { devnet: [proxy.url] } });
      const started = performance.now();
      const result = await trendAgent.run(trendAgent.params.parse({ network: 'devnet' }), ctx({ chain: recorded }));
      const wallMs = performance.now() - started;
      console.log(
        `trend agent (24 h, ${result.data.poolsCreated} new pools, ${result.data.poolsActive} traded): ${proxy.requests.length} HTTP requests, ${proxy.calls().length} JSON-RPC calls ` +
          `(${proxy.requests.map((r) => r.calls.length).join(' + ')}), ${wallMs.toFixed(0)} ms`,
      );
      expect(proxy.requests.length).toBeLessThanOrEqual(12);
      // The sell simulations are eth_calls with code and balance overrides, all in the last batch.
      const simulations = proxy.calls().filter((c) => c.method === 'eth_call' && c.params.length === 3);
      expect(simulations.length).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
  });
});

