import { DEX_DEPLOYMENTS } from '@oca/chain';
import { deployMarketScenario, startAnvil, type AnvilInstance, type MarketScenario } from '@oca/testkit';
import { analyseSecurity } from './analyse-security';
import { startLimitedLogsProxy, type LimitedLogsProxy } from './limited-logs-proxy';

// anvil, the market scenario (30 simulated hours of trading) and a cold solc compile.
jest.setTimeout(90_000);

let anvil: AnvilInstance;
let market: MarketScenario;
let blind: LimitedLogsProxy;

beforeAll(async () => {
  anvil = await startAnvil();
  market = await deployMarketScenario(anvil.rpcUrl);
  // A node that refuses every getLogs range wider than one block: the holder scan runs out of
  // budget, so pools can only come from the network's listed factories.
  blind = await startLimitedLogsProxy(anvil.rpcUrl, 1n);
});

afterAll(async () => {
  await blind?.stop();
  await anvil?.stop();
});

describe('pools from the listed factories (DEX_DEPLOYMENTS.devnet: V2 getPair, V3 getPool per fee tier)', () => {
  it('finds a V3-only token’s pool without its holders and simulates through it', async () => {
    const r = await analyseSecurity(blind.url, market.tokens.warm.address);
    expect(r.data.holders).toBeNull();
    expect(r.data.liquidity.pools.map((p) => [p.address, p.dex, p.feeTier, p.factory])).toEqual([
      [market.pools.warmWethV3.address, 'uniswap-v3', 3000, DEX_DEPLOYMENTS.devnet.v3Factories[0]!.address],
    ]);
    expect(r.data.trading).toMatchObject({ method: 'v3-pool', pool: market.pools.warmWethV3.address, buyTax: 0, sellTax: 0, isHoneypot: false });
  });

  it('finds every ALPHA pool — V2 against WETH and dUSD, V3 against WETH — deepest first, and trades against WETH', async () => {
    const r = await analyseSecurity(blind.url, market.tokens.alpha.address);
    const { alphaWethV2, alphaWethV3, alphaUsdV2 } = market.pools;
    expect(new Set(r.data.liquidity.pools.map((p) => p.address))).toEqual(new Set([alphaWethV2.address, alphaWethV3.address, alphaUsdV2.address]));
    const depths = r.data.liquidity.pools.map((p) => BigInt(p.reserveToken));
    expect(depths).toEqual([...depths].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    const deepestWeth = r.data.liquidity.pools.find((p) => p.quoteToken === market.core.weth)!;
    expect(r.data.trading).toMatchObject({ pool: deepestWeth.address, method: deepestWeth.dex === 'uniswap-v3' ? 'v3-pool' : 'v2-pair', buyTax: 0, sellTax: 0 });
  });

  it('flags the market honeypot (sells revert for all but the owner) through the listed V2 factory', async () => {
    const r = await analyseSecurity(blind.url, market.tokens.honey.address);
    expect(r.data.trading).toMatchObject({ method: 'v2-pair', pool: market.pools.honeyWethV2.address, isHoneypot: true, honeypotReason: 'sell failed: sells disabled' });
  });
});
