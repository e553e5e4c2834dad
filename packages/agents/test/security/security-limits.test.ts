import { deployLimitsScenario, startAnvil, type AnvilInstance, type LimitsScenario } from '@oca/testkit';
import { createPublicClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { SecurityResult } from '../../src/security/schemas';
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
