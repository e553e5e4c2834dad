import { ChainClients } from '@oca/chain';
import { ARTIFACTS, BURN_ADDRESS, deployMarketScenario, receiptOf, startAnvil, startRpcProxy, type AnvilInstance, type MarketScenario, type ScenarioPool } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, createWalletClient, http, toHex, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { PermanentAgentError, type AgentContext } from '../../src';
import { MarketResult, type MarketParams } from '../../src/market/market-contract';
import { createMarketAgent, marketAgent } from '../../src/market/market.agent';
import { linearWindowStarts, nativeUsd, readPool, relativeError, swapsInWindow, WINDOW_NAMES, type Window } from '../expected-market';

// Deploying and trading the scenario takes a few seconds on a loaded 2-core runner.
jest.setTimeout(60_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
/** Doubles against exact ratios: agreement to 1e-9 is "the same number". */
const TOLERANCE = 1e-9;

let anvil: AnvilInstance;
let scenario: MarketScenario;
let chain: ChainClients;
let rpc: PublicClient;
let starts: Record<Window, bigint>;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployMarketScenario(anvil.rpcUrl);
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  starts = await linearWindowStarts(rpc, scenario.endBlock, scenario.endTimestamp);
});

afterAll(async () => {
  await anvil?.stop();
});

function ctx(overrides: Partial<AgentContext> = {}): AgentContext {
  return { chain, logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW, ...overrides };
}

async function analyse(params: Omit<MarketParams, 'network'>, context = ctx()): Promise<MarketResult> {
  const parsed = marketAgent.params.parse({ network: 'devnet', ...params });
  return MarketResult.parse(await marketAgent.run(parsed, context));
}

function expectClose(actual: number | string | null | undefined, expected: number, what: string) {
  expect({ what, actual: actual === null || actual === undefined ? actual : Number(actual) }).toEqual({ what, actual: expect.any(Number) });
  const error = relativeError(Number(actual), expected);
  if (!(error <= TOLERANCE)) throw new Error(`${what}: got ${actual}, expected ${expected} (relative error ${error})`);
}

/** Everything the test expects of one pool, recomputed from contracts and the recorded swaps. */
async function expectedPool(pool: ScenarioPool, wethUsd: number, anchor: ScenarioPool) {
  const now = await readPool(rpc, scenario, pool, scenario.endBlock);
  const quoteUsd = pool.quote === scenario.core.usd ? 1 : wethUsd;
  const db = 18;
  const dq = pool.quote === scenario.core.usd ? 6 : 18;
  const base = Number(now.baseRaw) / 10 ** db;
  const quote = Number(now.quoteRaw) / 10 ** dq;
  const priceUsd = now.price * quoteUsd;
  const windows = {} as Record<Window, { buys: number; sells: number; volumeUsd: number; volumeQuote: number; change: number; usdThen: number }>;
  for (const w of WINDOW_NAMES) {
    const then = await readPool(rpc, scenario, pool, starts[w]);
    const quoteUsdThen = pool.quote === scenario.core.usd ? 1 : (await readPool(rpc, scenario, anchor, starts[w])).price;
    const s = swapsInWindow(scenario, pool, w);
    windows[w] = {
      buys: s.buys,
      sells: s.sells,
      volumeQuote: s.quoteVolume,
      volumeUsd: s.quoteVolume * quoteUsd,
      change: (now.price / then.price - 1) * 100,
      usdThen: then.price * quoteUsdThen,
    };
  }
  return { pool, now, base, quote, priceUsd, quoteDepthUsd: quote * quoteUsd, liquidityUsd: base * priceUsd + quote * quoteUsd, windows };
}

describe('market agent on a traded Uniswap V2/V3 devnet', () => {
  it('finds every ALPHA pool and reproduces DexScreener figures from reserves, sqrtPriceX96 and Swap logs', async () => {
    const result = await analyse({ address: scenario.tokens.alpha.address });
    const { data } = result;
    expect(result).toMatchObject({ agent: 'market', network: 'devnet', target: scenario.tokens.alpha.address, blockNumber: scenario.endBlock.toString() });
    expect(result.generatedAt).toBe(NOW.toISOString());
    expect(data.blockTimestamp).toBe(Number(scenario.endTimestamp));

    // The WETH/USD anchor: the deeper WETH/dUSD pool by its dUSD side.
    const anchor = await nativeUsd(rpc, scenario, scenario.endBlock);
    expect(data.nativeUsd.anchorPool).toBe(anchor.pool.address);
    expectClose(data.nativeUsd.priceUsd, anchor.price, 'WETH/USD');

    const alphaPools = [scenario.pools.alphaWethV2, scenario.pools.alphaWethV3, scenario.pools.alphaUsdV2];
    const expected = await Promise.all(alphaPools.map((p) => expectedPool(p, anchor.price, anchor.pool)));
    expected.sort((a, b) => b.quoteDepthUsd - a.quoteDepthUsd);
    // Every pool, deepest first; the scenario covers V2 and V3, WETH and dUSD, base as token0 and token1.
    expect(data.pools.map((p) => p.address)).toEqual(expected.map((e) => e.pool.address));
    expect(new Set(alphaPools.map((p) => p.baseIsToken0)).size).toBe(2);

    for (const e of expected) {
      const got = data.pools.find((p) => p.address === e.pool.address)!;
      const name = e.pool.name;
      expect(got).toMatchObject({ version: e.pool.kind, feeTier: e.pool.fee, reserves: { base: e.now.baseRaw.toString(), quote: e.now.quoteRaw.toString() } });
      expectClose(got.priceNative, e.now.price, `${name} priceNative`);
      expectClose(got.priceUsd, e.priceUsd, `${name} priceUsd`);
      expectClose(got.liquidity.base, e.base, `${name} liquidity.base`);
      expectClose(got.liquidity.quote, e.quote, `${name} liquidity.quote`);
      expectClose(got.liquidity.usd, e.liquidityUsd, `${name} liquidity.usd`);
      for (const w of WINDOW_NAMES) {
        expect({ name, w, txns: got.txns[w] }).toEqual({ name, w, txns: { buys: e.windows[w].buys, sells: e.windows[w].sells } });
        expectClose(got.volumeQuote[w], e.windows[w].volumeQuote, `${name} volumeQuote.${w}`);
        expectClose(got.volume[w], e.windows[w].volumeUsd, `${name} volume.${w}`);
        expectClose(got.priceChange[w], e.windows[w].change, `${name} priceChange.${w}`);
      }
    }

    // Token level: the deepest pool prices the token; totals are sums over pools.
    const primary = expected[0]!;
    expect(data.primaryPool).toBe(primary.pool.address);
    expectClose(data.priceUsd, primary.priceUsd, 'priceUsd');
    expectClose(data.priceNative, primary.priceUsd / anchor.price, 'priceNative (WETH)');
    expectClose(data.liquidity.usd, expected.reduce((s, e) => s + e.liquidityUsd, 0), 'liquidity.usd');
    expectClose(data.liquidity.base, expected.reduce((s, e) => s + e.base, 0), 'liquidity.base');
    for (const w of WINDOW_NAMES) {
      const buys = expected.reduce((s, e) => s + e.windows[w].buys, 0);
      const sells = expected.reduce((s, e) => s + e.windows[w].sells, 0);
      expect({ w, txns: data.txns[w] }).toEqual({ w, txns: { buys, sells } });
      expectClose(data.volume[w], expected.reduce((s, e) => s + e.windows[w].volumeUsd, 0), `volume.${w}`);
      expectClose(data.priceChange[w], (primary.priceUsd / primary.windows[w].usdThen - 1) * 100, `priceChange.${w}`);
    }
    // The scenario must exercise the windows: buys and sells in each, and more in wider ones.
    const { h1, h6, h24 } = data.txns;
    if (!h1 || !h6 || !h24) throw new Error('every window should be complete on the devnet');
    expect(h1.buys).toBeGreaterThan(0);
    expect(h1.sells).toBeGreaterThan(0);
    expect(h6.buys + h6.sells).toBeGreaterThan(h1.buys + h1.sells);
    expect(h24.buys + h24.sells).toBeGreaterThan(h6.buys + h6.sells);
    expect(data.swapHistory).toMatchObject({ complete: true, fromBlock: (starts.h24 + 1n).toString(), toBlock: scenario.endBlock.toString(), requests: 1 });
    // dUSD is the devnet's only deployed stablecoin here: nothing to check it against, and the result says so.
    expect(data.stablecoins.find((s) => s.address === scenario.core.usd)).toMatchObject({ status: 'unverified', priceUsd: '1', measuredUsd: null });
    expect(result.findings.map((f) => f.title)).toContain('dUSD, dUSDT, dDAI taken at $1.00 unchecked');
    expect(scenario.swaps.some((s) => alphaPools.some((p) => p.address === s.pool) && s.timestamp <= scenario.endTimestamp - 86_400n)).toBe(true);

    // FDV on total supply; market cap leaves out what was sent to 0x…dEaD.
    const { alpha } = scenario.tokens;
    expectClose(data.fdv, (Number(alpha.totalSupply) / 1e18) * primary.priceUsd, 'fdv');
    expectClose(data.marketCap, (Number(alpha.totalSupply - alpha.burned) / 1e18) * primary.priceUsd, 'marketCap');
    expect(data.supply.excluded).toContainEqual({ address: BURN_ADDRESS, balance: alpha.burned.toString() });

    // Block ↔ time: the agent's window starts are the linear scan's.
    for (const w of WINDOW_NAMES) expect({ w, from: data.windows[w].fromBlock }).toEqual({ w, from: (starts[w] + 1n).toString() });
    expect(result.summary).toContain(`ALPHA on devnet at block ${scenario.endBlock}: $${data.priceUsd}`);
    expect(result.findings.map((f) => f.title)).toContain(`Priced through uniswap-v2 pool ${primary.pool.address}`);
  });

  it('reports a pool younger than a window without inventing its past price', async () => {
    const result = await analyse({ address: scenario.tokens.hot.address });
    const pool = scenario.pools.hotWethV2;
    expect(result.data.pools.map((p) => p.address)).toEqual([pool.address]);
    // Opened 3 h before the end: no state at the 6 h and 24 h starts, so no change there.
    expect(result.data.priceChange).toMatchObject({ h6: null, h24: null });
    expect(result.data.priceChange.h1).not.toBeNull();
    expect(result.data.pools[0]!.priceChange).toMatchObject({ h6: null, h24: null });
    // Every HOT swap is inside the last 6 hours.
    const hot = scenario.swaps.filter((s) => s.pool === pool.address);
    expect(result.data.txns.h6).toEqual({ buys: hot.filter((s) => s.side === 'buy').length, sells: hot.filter((s) => s.side === 'sell').length });
    expect(result.data.txns.h24).toEqual(result.data.txns.h6);
    expect(result.findings.map((f) => f.title)).toContain('Price change not available for every window');
  });

  it('prices WETH itself through the anchor pools', async () => {
    const result = await analyse({ address: scenario.core.weth });
    const anchor = await nativeUsd(rpc, scenario, scenario.endBlock);
    expect(result.data.pools.map((p) => p.address).sort()).toEqual([scenario.pools.wethUsdV2.address, scenario.pools.wethUsdV3.address].sort());
    expect(result.data.primaryPool).toBe(anchor.pool.address);
    expectClose(result.data.priceUsd, anchor.price, 'WETH priceUsd');
    expectClose(result.data.priceNative, 1, 'WETH in WETH');
  });

  it('restricts pools to the `quote` asked for, and refuses a quote the network does not price', async () => {
    const result = await analyse({ address: scenario.tokens.alpha.address, quote: scenario.core.usd.toLowerCase() });
    expect(result.data.pools.map((p) => p.address)).toEqual([scenario.pools.alphaUsdV2.address]);
    const e = await expectedPool(scenario.pools.alphaUsdV2, 0, scenario.pools.wethUsdV3);
    expectClose(result.data.priceUsd, e.priceUsd, 'priceUsd through dUSD');

    const bad = analyse({ address: scenario.tokens.alpha.address, quote: scenario.tokens.hot.address });
    await expect(bad).rejects.toBeInstanceOf(PermanentAgentError);
    await expect(bad).rejects.toMatchObject({ code: 'invalid_params', field: 'quote' });
  });

  it('reads at one pinned block in a handful of batched round trips', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
    try {
      const recorded = new ChainClients({ rpcUrls: { devnet: [proxy.url] } });
      const started = performance.now();
      const result = await marketAgent.run({ network: 'devnet', address: scenario.tokens.alpha.address }, ctx({ chain: recorded }));
      const wallMs = performance.now() - started;
      const calls = proxy.calls();
      console.log(
        `market agent (ALPHA, 3 pools): ${proxy.requests.length} HTTP round trips, ${calls.length} JSON-RPC calls ` +
          `(${proxy.requests.map((r) => r.calls.length).join(' + ')}), ${wallMs.toFixed(0)} ms`,
      );
      // Six rounds at most; a round over the client's 50-call batch cap goes out as several HTTP
      // requests at once, and the devnet's listed Solidly factory adds 20 lookups (both curves per quote).
      expect(proxy.requests.length).toBeLessThanOrEqual(8);
      // State reads name a block: the pinned one, or a window's start block for past prices.
      const allowed = new Set([result.blockNumber, ...WINDOW_NAMES.map((w) => starts[w].toString())].map((n) => toHex(BigInt(n))));
      for (const call of calls.filter((c) => c.method === 'eth_call')) expect(allowed).toContain(call.params.at(-1));
      const logs = calls.filter((c) => c.method === 'eth_getLogs');
      expect(logs).toHaveLength(1);
      expect(logs[0]!.params[0]).toMatchObject({ toBlock: toHex(BigInt(result.blockNumber)), fromBlock: toHex(starts.h24 + 1n) });
    } finally {
      await proxy.stop();
    }
  });

  it('narrows the Swap history to what the budget can read, newest first, and says which windows are complete', async () => {
    // One request of exactly the 1 h window's blocks: the 6 h and 24 h windows cannot be read whole.
    const h1Blocks = scenario.endBlock - starts.h1;
    const narrow = createMarketAgent({ swapLogs: { maxRequests: 1, maxBlockRange: h1Blocks } });
    const parsed = narrow.params.parse({ network: 'devnet', address: scenario.tokens.alpha.address });
    const result = MarketResult.parse(await narrow.run(parsed, ctx()));
    const full = await analyse({ address: scenario.tokens.alpha.address });
    const { data } = result;
    const h1Start = await rpc.getBlock({ blockNumber: starts.h1 + 1n });
    expect(data.swapHistory).toEqual({
      fromBlock: (starts.h1 + 1n).toString(),
      toBlock: scenario.endBlock.toString(),
      fromTimestamp: Number(h1Start.timestamp),
      complete: false,
      requests: 1,
    });
    expect(data.windows).toMatchObject({ h1: { complete: true }, h6: { complete: false }, h24: { complete: false } });
    // The complete window is exact (the same as an unlimited scan); the others are unknown, not undercounted.
    expect(data.txns.h1).toEqual(full.data.txns.h1);
    expect(data.volume.h1).toBe(full.data.volume.h1);
    expect(data.txns).toMatchObject({ h6: null, h24: null });
    expect(data.volume).toMatchObject({ h6: null, h24: null });
    for (const pool of data.pools) expect({ txns: pool.txns, volumeQuote: pool.volumeQuote }).toMatchObject({ txns: { h6: null, h24: null }, volumeQuote: { h6: null, h24: null } });
    // Prices come from state, not logs: untouched.
    expect(data.priceChange).toEqual(full.data.priceChange);
    expect(data.priceUsd).toBe(full.data.priceUsd);
    const finding = result.findings.find((f) => f.title.startsWith('Swap history narrowed'));
    expect(finding).toMatchObject({ severity: 'low' });
    expect(finding!.evidence).toContain(`blocks ${starts.h1 + 1n}–${scenario.endBlock}`);
    expect(result.summary).toContain('1 h volume');
    expect(result.summary).toContain('24 h unknown');
  });

  it('rejects an address that is not an ERC-20, and says so when a token has no pool', async () => {
    await expect(analyse({ address: scenario.traders[0]! })).rejects.toMatchObject({ code: 'invalid_params', field: 'address' });

    const wallet = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    const hash = await wallet.deployContract({ abi: ARTIFACTS.erc20.abi, bytecode: ARTIFACTS.erc20.bytecode, args: ['Lonely', 'LONE'], account: scenario.deployer });
    const receipt = await receiptOf(rpc, hash);
    const lonely = await analyse({ address: receipt.contractAddress as Address });
    expect(lonely.data).toMatchObject({ pools: [], priceUsd: null, priceNative: null, fdv: null, marketCap: null, primaryPool: null });
    expect(lonely.findings).toEqual([expect.objectContaining({ severity: 'medium', title: 'No DEX pool found' })]);
  });
});
