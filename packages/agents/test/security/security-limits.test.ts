import { ChainClients } from '@oca/chain';
import { deployLimitsScenario, startAnvil, type AnvilInstance, type LimitsScenario } from '@oca/testkit';
import { createPublicClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { LIMITS_GAS, probeLimits } from '../../src/security/probe/security-probe';
import type { SecurityResult } from '../../src/security/schemas';
import { tradeLimits } from '../../src/security/trading';
import { analyseSecurity } from './analyse-security';

// anvil start-up, about ten transactions, a (cached) solc compile and one analysis.
jest.setTimeout(60_000);

let anvil: AnvilInstance;
let scenario: LimitsScenario;
let rpc: PublicClient;
let result: SecurityResult;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployLimitsScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  result = await analyseSecurity(anvil.rpcUrl, scenario.token);
});

afterAll(async () => {
  await anvil?.stop();
});

/** A limit as the contract holds it at the analysed block. */
const read = (functionName: 'maxBuyAmount' | 'maxSellAmount' | 'maxWalletAmount') =>
  rpc.readContract({ address: scenario.token, abi: scenario.artifact.abi, functionName, blockNumber: BigInt(result.blockNumber) }) as Promise<bigint>;

/** The bisection's answer lies at most 0.01 % (of the bracket's top) below the true limit. */
function within(found: string | null | undefined, truth: bigint): void {
  expect(found).not.toBeNull();
  const value = BigInt(found!);
  expect(value).toBeLessThanOrEqual(truth);
  expect(truth - value).toBeLessThanOrEqual(truth / 10_000n + 1n);
}

describe('maxBuy / maxSell / max wallet by bisection (ground truth: the limits set in the contract)', () => {
  it('finds the largest buy, the largest sale and the largest wallet balance, each its own', async () => {
    const [maxBuy, maxSell, maxWallet] = await Promise.all([read('maxBuyAmount'), read('maxSellAmount'), read('maxWalletAmount')]);
    // Distinct limits, so one figure cannot pass for another.
    expect(new Set([maxBuy, maxSell, maxWallet]).size).toBe(3);
    const limits = result.data.trading.limits!;
    expect(limits).toMatchObject({ method: 'bisection', pool: scenario.pair, repeatBuyBlocked: false });
    within(limits.maxBuy.limit, maxBuy);
    within(limits.maxSell!.limit, maxSell);
    within(limits.maxWallet!.limit, maxWallet);
    // The searches' brackets: half the pool for buys; the balance held for sales.
    const reserve = (await rpc.readContract({ address: scenario.token, abi: scenario.artifact.abi, functionName: 'balanceOf', args: [scenario.pair], blockNumber: BigInt(result.blockNumber) })) as bigint;
    expect(limits.maxBuy.searchedUpTo).toBe((reserve / 2n).toString());
    expect(BigInt(limits.maxSell!.searchedUpTo)).toBe(BigInt(limits.maxWallet!.limit!));
    console.log(`limits bisection: ${limits.trials} swaps simulated in one eth_call`);
  });

  it('the limits do not make the token a honeypot: a small round trip passes', () => {
    expect(result.data.trading).toMatchObject({ cannotBuy: false, isHoneypot: false });
  });
});

describe('the gas budget', () => {
  it('a call with too little gas for every search stops early, says so, and states no limit', async () => {
    const client = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } }).get('devnet');
    const request = { token: scenario.token, pool: { pair: scenario.pair, version: 2 as const }, quote: scenario.weth, blockNumber: BigInt(result.blockNumber) };
    // The whole search takes ~4 M gas here (60 swaps); the probe starts a trade only with 1.5 M
    // (its per-trade cap) and a reserve left, so 3 M leaves room for a few trades, not all.
    const short = await probeLimits(client, { ...request, gas: 3_000_000n });
    expect(short).toMatchObject({ ok: true, budgetSpent: true });
    expect(Number(short!.trials)).toBeGreaterThan(0);
    expect(tradeLimits(short, scenario.pair)).toBeNull();
    // The default budget finishes: the same figures the analysis reported.
    const full = await probeLimits(client, { ...request, gas: LIMITS_GAS });
    expect(full?.budgetSpent).toBe(false);
    expect(tradeLimits(full, scenario.pair)).toEqual(result.data.trading.limits);
  });
});
