import { ChainClients } from '@oca/chain';
import { deployMarketScenario, MULTICALL3_ADDRESS, PROVIDER_PROFILES, startMainnetShapedAnvil, startRpcProxy, type MainnetShapedAnvil, type MarketScenario, type ProviderProfileName, type RpcProxy } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type PublicClient } from 'viem';
import type { AgentContext } from '../src';
import { MarketResult } from '../src/market/market-contract';
import { marketAgent } from '../src/market/market.agent';
import { TrendResult } from '../src/trend/trend-contract';
import { trendAgent } from '../src/trend/trend.agent';
import { linearWindowStarts, nativeUsd, readPool, relativeError, swapsInWindow, WINDOW_NAMES, type Window } from './expected-market';

// The market and trend agents on a chain shaped like mainnet — history from block 18,000,000,
// chain id 1, Multicall3 present — with the market scenario traded on it, behind a proxy that
// refuses what QuickNode, Infura, Alchemy and public nodes refuse. The scenario's WETH, stablecoin
// and Uniswap factories sit at Ethereum's WETH, USDC and Uniswap addresses, so the agents run as
// network `ethereum`, as a user's job runs them: their eth_calls fold into Multicall3.
jest.setTimeout(120_000);

const PROFILES = Object.keys(PROVIDER_PROFILES) as ProviderProfileName[];
const NOW = new Date('2026-01-02T03:04:05.000Z');

let anvil: MainnetShapedAnvil;
let scenario: MarketScenario;
let proxy: RpcProxy;
let rpc: PublicClient;
let starts: Record<Window, bigint>;
let direct: { market: MarketResult; trend: TrendResult };

const ctx = (url: string): AgentContext => ({
  chain: new ChainClients({ rpcUrls: { ethereum: [url] } }),
  logger: pino({ level: 'silent' }),
  signal: new AbortController().signal,
  now: () => NOW,
});

const runMarket = async (url: string) =>
  MarketResult.parse(await marketAgent.run(marketAgent.params.parse({ network: 'ethereum', address: scenario.tokens.alpha.address }), ctx(url)));
const runTrend = async (url: string) => TrendResult.parse(await trendAgent.run(trendAgent.params.parse({ network: 'ethereum' }), ctx(url)));

beforeAll(async () => {
  anvil = await startMainnetShapedAnvil();
  scenario = await deployMarketScenario(anvil.rpcUrl, { layout: 'ethereum' });
  rpc = createPublicClient({ transport: http(anvil.rpcUrl, { batch: true }) });
  starts = await linearWindowStarts(rpc, scenario.endBlock, scenario.endTimestamp, anvil.firstBlock);
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
  direct = { market: await runMarket(anvil.rpcUrl), trend: await runTrend(anvil.rpcUrl) };
});

afterAll(async () => {
  await proxy?.stop();
  await anvil?.stop();
});

describe('directly against the mainnet-shaped node', () => {
  it('market: ALPHA\'s trades per window and its price, recomputed from the chain', async () => {
    const { data } = direct.market;
    expect(BigInt(data.swapHistory.fromBlock)).toBeGreaterThan(anvil.firstBlock);
    expect(data.swapHistory.complete).toBe(true);
    const alphaPools = [scenario.pools.alphaWethV2, scenario.pools.alphaWethV3, scenario.pools.alphaUsdV2];
    for (const w of WINDOW_NAMES) {
      expect(data.windows[w].fromBlock).toBe((starts[w] + 1n).toString());
      const counts = alphaPools.map((p) => swapsInWindow(scenario, p, w));
      expect({ w, txns: data.txns[w] }).toEqual({ w, txns: { buys: counts.reduce((n, c) => n + c.buys, 0), sells: counts.reduce((n, c) => n + c.sells, 0) } });
    }
    const primary = alphaPools.find((p) => p.address === data.primaryPool)!;
    const now = await readPool(rpc, scenario, primary, scenario.endBlock);
    const weth = await nativeUsd(rpc, scenario, scenario.endBlock);
    expect(relativeError(Number(data.nativeUsd.priceUsd), weth.price)).toBeLessThan(1e-9);
    expect(relativeError(Number(data.priceUsd), now.price * (primary.quote === scenario.core.usd ? 1 : weth.price))).toBeLessThan(1e-9);
  });

  it('trend: the hot new pair first; honeypot, 99 % tax and dust left out', () => {
    const { data } = direct.trend;
    expect(data.window).toMatchObject({ complete: true, fromBlock: (starts.h24 + 1n).toString() });
    expect(data.pools[0]?.pool).toBe(scenario.pools.hotWethV2.address);
    expect(data.excluded).toMatchObject({ honeypot: 1, high_tax: 1, below_liquidity_floor: 1 });
    expect(data.poolsCreated).toBe(Object.values(scenario.pools).filter((p) => p.createdBlock > starts.h24).length);
  });
});

describe('behind each provider profile', () => {
  const rows: string[] = [];
  afterAll(() => console.log(`market and trend agents on the 18 M-block chain: profile, analysis, HTTP requests, JSON-RPC calls, refusals, wall ms\n${rows.join('\n')}`));

  it.each(PROFILES)('%s: the same figures as the node itself gives', async (name) => {
    proxy.setProfile(PROVIDER_PROFILES[name]);
    try {
      for (const agent of ['market', 'trend'] as const) {
        const first = proxy.requests.length;
        const refusedBefore = proxy.refusals.logs + proxy.refusals.batch;
        const started = performance.now();
        const result = agent === 'market' ? await runMarket(proxy.url) : await runTrend(proxy.url);
        const wall = performance.now() - started;
        const requests = proxy.requests.slice(first);
        rows.push(
          `${name.padEnd(10)} ${agent.padEnd(7)} ${String(requests.length).padStart(3)} ${String(requests.flatMap((r) => r.calls).length).padStart(5)} ${String(proxy.refusals.logs + proxy.refusals.batch - refusedBefore).padStart(3)} ${wall.toFixed(0).padStart(5)}`,
        );
        expect(result.data).toEqual(direct[agent].data);
        // Its eth_calls went through Multicall3, as on the real chain.
        expect(requests.flatMap((r) => r.calls).some((c) => c.method === 'eth_call' && (c.params[0] as { to?: string }).to?.toLowerCase() === MULTICALL3_ADDRESS.toLowerCase())).toBe(true);
      }
    } finally {
      proxy.setProfile(undefined);
    }
  });
});
