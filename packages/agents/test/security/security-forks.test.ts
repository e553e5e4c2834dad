import { ChainClients } from '@oca/chain';
import { toGoPlus } from '@oca/contracts';
import {
  compileForkContracts,
  deployForkLimitsScenario,
  deployForkScenario,
  startAnvil,
  UNLISTED_V2_FEE_BPS,
  type AnvilInstance,
  type ForkLimitsDex,
  type ForkScenario,
  type ForkTokenKey,
  type LimitsPool,
} from '@oca/testkit';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { POOL_ATTEMPT, simulate } from '../../src/security/probe/security-probe';
import type { SecurityResult } from '../../src/security/schemas';
import { analyseSecurity } from './analyse-security';
import { expectLimitsFound } from './limits-truth';
import { startLimitedLogsProxy } from './limited-logs-proxy';

// anvil, ~85 scenario transactions and a cold solc compile of the fork contracts.
jest.setTimeout(90_000);

let anvil: AnvilInstance;
let scenario: ForkScenario;
let limited: Record<ForkLimitsDex, LimitsPool>;
let rpc: PublicClient;
const results = new Map<ForkTokenKey, SecurityResult>();
const limitedResults = new Map<ForkLimitsDex, SecurityResult>();

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployForkScenario(anvil.rpcUrl);
  limited = await deployForkLimitsScenario(scenario);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  for (const key of Object.keys(scenario.tokens) as ForkTokenKey[]) results.set(key, await analyseSecurity(anvil.rpcUrl, scenario.tokens[key].address));
  for (const dex of Object.keys(limited) as ForkLimitsDex[]) limitedResults.set(dex, await analyseSecurity(anvil.rpcUrl, limited[dex].token));
});

afterAll(async () => {
  await anvil?.stop();
});

const result = (key: ForkTokenKey) => results.get(key)!;

/** A fee-`bps` pair's getAmountOut, as PancakeSwap's library computes it (independent of the probe). */
function amountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, bps: bigint): bigint {
  const withFee = amountIn * (10_000n - bps);
  return (withFee * reserveOut) / (reserveIn * 10_000n + withFee);
}

describe('V2 forks charge their own fee (DEX_DEPLOYMENTS feeBps)', () => {
  it('buys through a 0.25 % pair for everything its K check allows, and the agent finds the token clean', async () => {
    const { address, tradedPool } = scenario.tokens.feeV2Clean;
    const { feeV2Pair } = compileForkContracts();
    const [[r0, r1], token0, blockNumber] = await Promise.all([
      rpc.readContract({ address: tradedPool, abi: feeV2Pair.abi, functionName: 'getReserves' }) as Promise<[bigint, bigint, number]>,
      rpc.readContract({ address: tradedPool, abi: feeV2Pair.abi, functionName: 'token0' }) as Promise<Address>,
      rpc.getBlockNumber(),
    ]);
    const [reserveToken, reserveWeth] = token0 === address ? [r0, r1] : [r1, r0];
    const client = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } }).get('devnet');
    const s = await simulate(client, address, [{ pair: tradedPool, version: 2, feeBps: 25 }], blockNumber);
    expect({ feeBps: s.feeBps, buyOk: s.buyOk, soldAll: s.soldAll }).toEqual({ feeBps: 25, buyOk: true, soldAll: true });
    expect(s.buyExpected).toBe(amountOut(s.amountIn, reserveWeth, reserveToken, 25n));
    expect(s.buyReceived).toBe(s.buyExpected);
    // The pair's own K check is the judge: asking one unit more than 0.25 % allows reverts.
    const greedy = await simulate(client, address, [{ pair: tradedPool, version: 2, feeBps: 24 }], blockNumber);
    expect(greedy).toMatchObject({ buyOk: false, attempts: [POOL_ATTEMPT.buyReverted] });

    const { trading, liquidity } = result('feeV2Clean').data;
    expect(trading).toMatchObject({ method: 'v2-pair', pool: tradedPool, dex: 'pancakeswap-v2', skippedPools: [], cannotBuy: false, isHoneypot: false });
    expect(trading.buyTax).toBeLessThanOrEqual(0.01);
    expect(trading.sellTax).toBeLessThanOrEqual(0.01);
    expect(liquidity.pools.map((p) => [p.address, p.dexName])).toEqual([[tradedPool, 'pancakeswap-v2']]);
  });
});

describe('PancakeSwap V3 pools (pancakeV3SwapCallback)', () => {
  it('simulates a clean token through its PancakeSwap V3 pool: buyable, sellable, no taxes', () => {
    const { trading, liquidity } = result('cakeV3Clean').data;
    const pool = scenario.tokens.cakeV3Clean.tradedPool;
    expect(trading).toMatchObject({ method: 'v3-pool', pool, dex: 'pancakeswap-v3', cannotBuy: false, cannotSellAll: false, isHoneypot: false, buyTax: 0, sellTax: 0 });
    expect(liquidity.pools.map((p) => [p.address, p.dex, p.dexName, p.feeTier, p.factory])).toEqual([[pool, 'uniswap-v3', 'pancakeswap-v3', 2500, scenario.dexes.pancakeV3Factory]]);
  });

  it('measures a taxed token’s 10 % sell tax within 1 point', () => {
    const { trading } = result('cakeV3Taxed').data;
    expect(trading).toMatchObject({ method: 'v3-pool', pool: scenario.tokens.cakeV3Taxed.tradedPool, dex: 'pancakeswap-v3', cannotBuy: false, isHoneypot: false });
    expect(trading.buyTax).toBeLessThanOrEqual(0.01);
    expect(Math.abs(trading.sellTax! - scenario.tokens.cakeV3Taxed.sellTax)).toBeLessThanOrEqual(0.01);
  });
});

describe('a pool the simulation cannot run is passed over; a token failure is not', () => {
  it(`skips the deepest pool (an unlisted ${UNLISTED_V2_FEE_BPS / 100} % fork: its K check refuses a 0.3 % buy) and trades through the next, saying so`, () => {
    const token = scenario.tokens.deepPoolSkipped;
    const { trading, liquidity } = result('deepPoolSkipped').data;
    expect(liquidity.pools.map((p) => p.address)).toEqual(token.pools);
    expect(trading).toMatchObject({
      method: 'v2-pair',
      pool: token.tradedPool,
      dex: 'pancakeswap-v2',
      skippedPools: [{ pool: token.skippedPools[0], dex: 'unlisted-v2', reason: 'FeeV2: K' }],
      cannotBuy: false,
      isHoneypot: false,
      buyTax: 0,
      sellTax: 0,
    });
    // The largest holder sells into the pool the simulation used, not the one it could not run.
    expect(trading.holderAnalysis).toMatchObject({ sampled: 1, canSell: 1, cannotSell: 0 });
    expect(result('deepPoolSkipped').findings).toContainEqual(expect.objectContaining({ severity: 'info', title: 'Deeper pools could not be simulated' }));
    expect(result('deepPoolSkipped').findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.title)).not.toContainEqual(expect.stringMatching(/buy|sell|honeypot/i));
  });

  it('catches a honeypot in its deepest pool although another pool would take its sells', () => {
    const token = scenario.tokens.honeypotDeep;
    const r = result('honeypotDeep');
    expect(r.data.liquidity.pools.map((p) => p.address)).toEqual(token.pools);
    expect(r.data.trading).toMatchObject({ pool: token.tradedPool, dex: 'pancakeswap-v2', skippedPools: [], cannotBuy: false, isHoneypot: true, honeypotReason: 'sell failed: sells disabled' });
    expect(r.data.verdict).toBe('CRITICAL');
  });
});

describe('Solidly pools (Velodrome/Aerodrome V2: getPool(tokenA, tokenB, stable))', () => {
  it('finds the pool, names its DEX and simulates at the pool’s own quote (a 1 % fee no default matches)', () => {
    const { trading, liquidity } = result('solidlyClean').data;
    const pool = scenario.tokens.solidlyClean.tradedPool;
    expect(liquidity.pools.map((p) => [p.address, p.dex, p.dexName, p.factory])).toEqual([[pool, 'solidly', 'aerodrome', scenario.dexes.solidlyFactory]]);
    expect(liquidity.pools[0]).toMatchObject({ lpBurnedPercent: expect.any(Number), lpTotalSupply: expect.any(String) });
    expect(trading).toMatchObject({ method: 'v2-pair', pool, dex: 'aerodrome', skippedPools: [], cannotBuy: false, cannotSellAll: false, isHoneypot: false, buyTax: 0, sellTax: 0 });
  });
});

describe('limits bisection through each DEX fork, traded as the simulation trades it (ground truth: LimitsToken’s caps)', () => {
  it.each([
    ['pancakeV2', 'a 0.25 % V2 fork pair, at its own fee', 'pancakeswap-v2'],
    ['pancakeV3', 'a PancakeSwap V3 pool (pancakeV3SwapCallback)', 'pancakeswap-v3'],
    ['solidly', 'a volatile Solidly pool, at its own getAmountOut', 'aerodrome'],
  ] as const)('%s: %s — maxBuy, maxSell and max wallet each within 0.01 %%', async (dex, _how, dexName) => {
    const r = limitedResults.get(dex)!;
    expect(r.data.trading).toMatchObject({ pool: limited[dex].pair, dex: dexName, cannotBuy: false, isHoneypot: false });
    await expectLimitsFound(anvil.rpcUrl, limited[dex], r);
  });

  it('bisects through the pool the simulation used when it passed the deepest over', () => {
    const token = scenario.tokens.deepPoolSkipped;
    // Through the deepest pool (an unlisted 1 % fork) no buy goes through: a false "maxBuy 0".
    expect(result('deepPoolSkipped').data.trading.limits).toMatchObject({ pool: token.tradedPool, maxBuy: { limit: null }, maxSell: { limit: null } });
  });
});

it('finds the forks’ pools from the listed factories alone when the holders cannot be read', async () => {
  // A node that refuses every getLogs range wider than one block, on a chain 512 blocks longer: the
  // holder scan runs out of budget, so pools can only come from the listed factories.
  await rpc.request({ method: 'anvil_mine', params: ['0x200'] } as never);
  const blind = await startLimitedLogsProxy(anvil.rpcUrl, 1n);
  try {
    for (const key of ['cakeV3Clean', 'feeV2Clean', 'solidlyClean'] as const) {
      const r = await analyseSecurity(blind.url, scenario.tokens[key].address);
      expect({ key, holders: r.data.holders, pools: r.data.liquidity.pools.map((p) => p.address), traded: r.data.trading.pool }).toEqual({
        key,
        holders: null,
        pools: scenario.tokens[key].pools,
        traded: scenario.tokens[key].tradedPool,
      });
    }
  } finally {
    await blind.stop();
  }
});

it('the GoPlus view names each pool’s real DEX', () => {
  const dexOf = (key: ForkTokenKey) => Object.values(toGoPlus(result(key)).result)[0]!.dex.map((d) => [d.liquidity_type, d.name]);
  expect(dexOf('cakeV3Clean')).toEqual([['UniV3', 'PancakeV3']]);
  expect(dexOf('solidlyClean')).toEqual([['UniV2', 'Aerodrome']]);
  // The pool among the top holders is tagged by its DEX too.
  const holders = Object.values(toGoPlus(result('cakeV3Clean')).result)[0]!.holders;
  expect(holders.find((h) => h.address === scenario.tokens.cakeV3Clean.tradedPool)).toMatchObject({ tag: 'PancakeV3', is_contract: '1' });
  expect(dexOf('deepPoolSkipped')).toEqual([
    ['UniV2', 'Unlisted V2 fork'],
    ['UniV2', 'PancakeV2'],
  ]);
});
