import { ChainClients } from '@oca/chain';
import { ARTIFACTS, deployMarketScenario, deployStablesScenario, startAnvil, type AnvilInstance, type MarketScenario, type StablePool, type StablesScenario } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext } from '../../src';
import { MarketResult } from '../../src/market/market-contract';
import { marketAgent } from '../../src/market/market.agent';
import { nativeUsd, relativeError } from '../expected-market';

// Stablecoins priced against each other: dUSD and dUSDT on their peg, dDAI 5 % under it.
jest.setTimeout(90_000);

let anvil: AnvilInstance;
let market: MarketScenario;
let stables: StablesScenario;
let rpc: PublicClient;
let chain: ChainClients;

beforeAll(async () => {
  anvil = await startAnvil();
  market = await deployMarketScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  const wethUsd = (await nativeUsd(rpc, market, market.endBlock)).price;
  stables = await deployStablesScenario(market, wethUsd);
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
});

afterAll(async () => {
  await anvil?.stop();
});

const ctx = (): AgentContext => ({ chain, logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => new Date('2026-01-02T03:04:05.000Z') });

async function analyse(address: Address) {
  return MarketResult.parse(await marketAgent.run(marketAgent.params.parse({ network: 'devnet', address }), ctx()));
}

const decimalsOf = async (token: Address) => Number(await rpc.readContract({ address: token, abi: ARTIFACTS.erc20.abi, functionName: 'decimals' }));

/** `pool.base` priced in `pool.quote`, from the pair's reserves, in plain doubles. */
async function pairPrice(pool: StablePool): Promise<number> {
  const [r0, r1] = (await rpc.readContract({ address: pool.address, abi: ARTIFACTS.uniswapV2Pair.abi, functionName: 'getReserves' })) as [bigint, bigint, number];
  const baseIsToken0 = pool.base.toLowerCase() < pool.quote.toLowerCase();
  const [base, quote] = baseIsToken0 ? [r0, r1] : [r1, r0];
  return Number(quote) / 10 ** (await decimalsOf(pool.quote)) / (Number(base) / 10 ** (await decimalsOf(pool.base)));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

describe('market agent: stablecoins checked against each other', () => {
  it('flags the stablecoin off its peg, prices what is quoted in it at its measured price, and keeps the others at $1', async () => {
    const result = await analyse(stables.delta);
    const { data } = result;
    const daiInUsd = await pairPrice(stables.pools.daiUsd);
    const daiInUsdt = await pairPrice(stables.pools.daiUsdt);
    const usdInUsdt = await pairPrice(stables.pools.usdUsdt);
    const daiUsd = median([1, daiInUsd, daiInUsdt]);
    expect(daiUsd).toBeCloseTo(0.95, 6);

    const peg = (address: Address) => data.stablecoins.find((s) => s.address === address)!;
    expect(peg(stables.stables.dai)).toMatchObject({ symbol: 'dDAI', status: 'depegged' });
    expect(relativeError(peg(stables.stables.dai).measuredUsd!, daiUsd)).toBeLessThan(1e-9);
    expect(relativeError(Number(peg(stables.stables.dai).priceUsd), daiUsd)).toBeLessThan(1e-8);
    expect(peg(stables.stables.dai).references.map((r) => [r.symbol, r.pools])).toEqual([
      ['dUSD', [stables.pools.daiUsd.address]],
      ['dUSDT', [stables.pools.daiUsdt.address]],
    ]);
    // dUSD against dUSDT (par) and dDAI (1 / 0.95): the median with $1 stays $1, so dDAI alone is flagged.
    expect(peg(market.core.usd)).toMatchObject({ status: 'pegged', priceUsd: '1' });
    expect(relativeError(peg(market.core.usd).measuredUsd!, median([1, 1 / usdInUsdt, 1 / daiInUsd]))).toBeLessThan(1e-9);
    expect(peg(stables.stables.usdt)).toMatchObject({ status: 'pegged', priceUsd: '1' });

    // DELTA trades only against dDAI: its USD price is its dDAI price times dDAI's measured price.
    const deltaInDai = await pairPrice(stables.pools.deltaDai);
    expect(data.pools.map((p) => p.address)).toEqual([stables.pools.deltaDai.address]);
    expect(relativeError(Number(data.priceUsd), deltaInDai * daiUsd)).toBeLessThan(1e-8);
    expect(relativeError(Number(data.pools[0]!.quoteToken.priceUsd), daiUsd)).toBeLessThan(1e-8);

    const high = result.findings.find((f) => f.severity === 'high');
    expect(high?.title).toBe('dDAI off its peg: $0.9500');
    expect(result.findings.map((f) => f.title)).toContain('Stablecoins on peg: dUSD, dUSDT');
  });

  it('keeps anchoring WETH on its deepest stablecoin pool', async () => {
    const result = await analyse(market.tokens.alpha.address);
    const anchor = await nativeUsd(rpc, market, await rpc.getBlockNumber());
    expect(result.data.nativeUsd.anchorPool).toBe(anchor.pool.address);
    expect(relativeError(Number(result.data.nativeUsd.priceUsd), anchor.price)).toBeLessThan(1e-9);
  });
});
