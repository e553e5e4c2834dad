import { ChainClients } from '@oca/chain';
import { deployMarketScenario, startAnvil, startRpcProxy, type AnvilInstance, type MarketScenario, type ScenarioPool } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext } from '../../src';
import { trendAgent } from '../../src/trend/trend.agent';
import { TrendResult, type TrendParams, type TrendPool } from '../../src/trend/trend-contract';
import { nativeUsd, readPool, relativeError } from '../expected-market';

jest.setTimeout(60_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
const HOUR = 3_600n;

let anvil: AnvilInstance;
let scenario: MarketScenario;
let chain: ChainClients;
let rpc: PublicClient;
let wethUsd: number;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployMarketScenario(anvil.rpcUrl);
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  wethUsd = (await nativeUsd(rpc, scenario, scenario.endBlock)).price;
});

afterAll(async () => {
  await anvil?.stop();
});

function ctx(overrides: Partial<AgentContext> = {}): AgentContext {
  return { chain, logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW, ...overrides };
}

async function trend(params: Partial<Omit<TrendParams, 'network'>> = {}, context = ctx()): Promise<TrendResult> {
  const parsed = trendAgent.params.parse({ network: 'devnet', ...params });
  return TrendResult.parse(await trendAgent.run(parsed, context));
}

/** The published formula, re-derived here rather than imported. */
function expectedMomentum(m: { volumeUsd: number; liquidityUsd: number; ageHours: number; traders: number; swaps: number; buys: number; sells: number; change: number }) {
  const s = (x: number, k: number) => (x <= 0 ? 0 : x / (x + k));
  const hours = Math.max(m.ageHours, 1);
  const score =
    0.3 * s((m.volumeUsd / m.liquidityUsd) * (24 / hours), 1) +
    0.25 * s(m.traders, 10) +
    0.2 * s(m.swaps / hours, 5) +
    0.15 * (m.buys + m.sells === 0 ? 0.5 : m.buys / (m.buys + m.sells)) +
    0.1 * (Math.min(Math.max(m.change, 0), 200) / 200);
  return Math.round(score * 100 * 100) / 100;
}

/** A new pool's figures from its contracts and the swaps the scenario recorded. */
async function expectedFigures(pool: ScenarioPool) {
  const quoteUsd = pool.quote === scenario.core.usd ? 1 : wethUsd;
  const dq = pool.quote === scenario.core.usd ? 6 : 18;
  const now = await readPool(rpc, scenario, pool, scenario.endBlock);
  // Liquidity is added one block after creation, before any swap: that state is the launch price.
  const launch = await readPool(rpc, scenario, pool, pool.createdBlock + 1n);
  const swaps = scenario.swaps.filter((s) => s.pool === pool.address);
  const buys = swaps.filter((s) => s.side === 'buy').length;
  const figures = {
    liquidityUsd: (Number(now.baseRaw) / 1e18) * now.price * quoteUsd + (Number(now.quoteRaw) / 10 ** dq) * quoteUsd,
    volumeUsd: (Number(swaps.reduce((sum, s) => sum + s.quoteAmount, 0n)) / 10 ** dq) * quoteUsd,
    ageHours: Number(scenario.endTimestamp - pool.createdAt) / 3600,
    traders: new Set(swaps.map((s) => s.recipient)).size,
    swaps: swaps.length,
    buys,
    sells: swaps.length - buys,
    change: (now.price / launch.price - 1) * 100,
    priceUsd: now.price * quoteUsd,
  };
  return { ...figures, momentum: expectedMomentum(figures) };
}

function expectClose(actual: number | string | null, expected: number, what: string, tolerance = 1e-9) {
  const error = relativeError(Number(actual), expected);
  if (actual === null || !(error <= tolerance)) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}

describe('trend agent on a devnet with pools opened over the last day', () => {
  it('ranks the hot new pair first and leaves out the honeypot and the dust pool, counting why', async () => {
    const result = await trend();
    const { data } = result;
    const { steadyUsdV2, warmWethV3, dustWethV2, hotWethV2, honeyWethV2 } = scenario.pools;
    const opened = Object.values(scenario.pools).filter((p) => p.createdAt > scenario.endTimestamp - 24n * HOUR);
    expect(opened.map((p) => p.name).sort()).toEqual(['dustWethV2', 'honeyWethV2', 'hotWethV2', 'steadyUsdV2', 'warmWethV3']);
    expect(data.poolsCreated).toBe(opened.length);

    expect(data.pools[0]).toMatchObject({ rank: 1, pool: hotWethV2.address, token: { symbol: 'HOT' }, sellCheck: 'passed' });
    expect(data.pools.map((p) => p.pool).sort()).toEqual([hotWethV2.address, steadyUsdV2.address, warmWethV3.address].sort());
    expect(data.pools.map((p) => p.rank)).toEqual([1, 2, 3]);
    expect(data.excluded).toEqual({ no_quote_token: 0, quote_pair: 0, below_liquidity_floor: 1, honeypot: 1, cannot_buy: 0 });
    expect(data.excludedPools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pool: dustWethV2.address, token: scenario.tokens.dust.address, reason: 'below_liquidity_floor' }),
        expect.objectContaining({ pool: honeyWethV2.address, token: scenario.tokens.honey.address, reason: 'honeypot' }),
      ]),
    );
    // The simulation's verdict agrees with the chain: real sells of HONEY reverted, with the token's reason.
    expect(scenario.failedSwaps.filter((f) => f.pool === honeyWethV2.address && f.side === 'sell').length).toBeGreaterThan(0);
    expect(data.excludedPools.find((e) => e.reason === 'honeypot')?.detail).toContain('sells disabled');
    const honeypotFinding = result.findings.find((f) => f.severity === 'high');
    expect(honeypotFinding?.title).toBe('Honeypot among new pools: HONEY');

    // Unfiltered, HONEY (45 buys by 20 traders) would outrank HOT: the exclusion is what puts HOT first.
    const honey = await expectedFigures(honeyWethV2);
    const hot = await expectedFigures(hotWethV2);
    expect(honey.momentum).toBeGreaterThan(hot.momentum);
    expect(result.summary).toContain('top: HOT');
  });

  it('reports each ranked pool with figures recomputed from its contracts and Swap logs', async () => {
    const { data } = await trend();
    for (const pool of data.pools) {
      const scenarioPool = Object.values(scenario.pools).find((p) => p.address === pool.pool)!;
      const e = await expectedFigures(scenarioPool);
      const name = scenarioPool.name;
      expect({ name, swaps: pool.swaps, buys: pool.buys, sells: pool.sells, traders: pool.uniqueTraders }).toEqual({
        name,
        swaps: e.swaps,
        buys: e.buys,
        sells: e.sells,
        traders: e.traders,
      });
      expect(pool.createdBlock).toBe(scenarioPool.createdBlock.toString());
      expect(pool.createdAt).toBe(new Date(Number(scenarioPool.createdAt) * 1000).toISOString());
      expectClose(pool.ageHours, e.ageHours, `${name} age`, 1e-3);
      expectClose(pool.liquidityUsd, e.liquidityUsd, `${name} liquidity`);
      expectClose(pool.volumeUsd, e.volumeUsd, `${name} volume`);
      expectClose(pool.priceUsd, e.priceUsd, `${name} priceUsd`);
      expectClose(pool.priceChange, e.change, `${name} change since launch`);
      expect(pool.buySellRatio).toBe(e.sells === 0 ? null : e.buys / e.sells);
      expectClose(pool.momentum, e.momentum, `${name} momentum`, 1e-6);
      expect(pool.liquidityUsd).toBeGreaterThanOrEqual(data.minLiquidityUsd);
    }
    // Ranked by momentum.
    const scores = data.pools.map((p: TrendPool) => p.momentum);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('follows its params: the floor, the limit and the lookback', async () => {
    // Without a floor the dust pool is ranked, so the floor alone excluded it.
    const noFloor = await trend({ minLiquidityUsd: 0 });
    expect(noFloor.data.excluded.below_liquidity_floor).toBe(0);
    expect(noFloor.data.pools.map((p) => p.pool)).toContain(scenario.pools.dustWethV2.address);
    expect(noFloor.data.pools.map((p) => p.pool)).not.toContain(scenario.pools.honeyWethV2.address);

    const top1 = await trend({ limit: 1 });
    expect(top1.data.pools.map((p) => p.pool)).toEqual([scenario.pools.hotWethV2.address]);
    expect(top1.data.ranked).toBe(3);

    // A week reaches the scenario's first pools: ALPHA's three are ranked, the WETH/dUSD anchors are quote pairs.
    const week = await trend({ lookbackHours: 168, limit: 100 });
    expect(week.data.poolsCreated).toBe(Object.keys(scenario.pools).length);
    expect(week.data.excluded).toMatchObject({ quote_pair: 2, below_liquidity_floor: 1, honeypot: 1 });
    expect(week.data.pools).toHaveLength(6);
    expect(week.data.pools[0]!.pool).toBe(scenario.pools.hotWethV2.address);

    const hour = await trend({ lookbackHours: 1 });
    expect(hour.data).toMatchObject({ poolsCreated: 0, ranked: 0, pools: [] });
    expect(hour.findings.map((f) => f.title)).toContain('No new pool qualifies');

    expect(() => trendAgent.params.parse({ network: 'devnet', lookbackHours: 169 })).toThrow();
    expect(() => trendAgent.params.parse({ network: 'devnet', limit: 101 })).toThrow();
  });

  it('costs a handful of batched round trips', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
    try {
      const recorded = new ChainClients({ rpcUrls: { devnet: [proxy.url] } });
      const started = performance.now();
      const result = await trendAgent.run(trendAgent.params.parse({ network: 'devnet' }), ctx({ chain: recorded }));
      const wallMs = performance.now() - started;
      console.log(
        `trend agent (24 h, ${result.data.poolsCreated} new pools): ${proxy.requests.length} HTTP round trips, ${proxy.calls().length} JSON-RPC calls ` +
          `(${proxy.requests.map((r) => r.calls.length).join(' + ')}), ${wallMs.toFixed(0)} ms`,
      );
      expect(proxy.requests.length).toBeLessThanOrEqual(7);
      // The sell simulations are eth_calls with code and balance overrides, all in the last batch.
      const simulations = proxy.calls().filter((c) => c.method === 'eth_call' && c.params.length === 3);
      expect(simulations.length).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
    }
  });
});
