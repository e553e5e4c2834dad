import type { LimitsPool } from '@oca/testkit';
import { createPublicClient, http } from 'viem';
import { foundry } from 'viem/chains';
import type { SecurityResult } from '../../src/security/schemas';

/** The caps `LimitsToken` holds at the analysed block: its ground truth. */
export async function readLimits(rpcUrl: string, scenario: LimitsPool, blockNumber: bigint) {
  const rpc = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const read = (functionName: string, args: readonly unknown[] = []) => rpc.readContract({ address: scenario.token, abi: scenario.artifact.abi, functionName, args, blockNumber }) as Promise<bigint>;
  const [maxBuy, maxSell, maxWallet, pairBalance] = await Promise.all([read('maxBuyAmount'), read('maxSellAmount'), read('maxWalletAmount'), read('balanceOf', [scenario.pair])]);
  return { maxBuy, maxSell, maxWallet, pairBalance };
}

/** The bisection's answer lies at most 0.01 % (of the bracket's top) below the true limit. */
export function expectWithin(found: string | null | undefined, truth: bigint): void {
  expect(found).not.toBeNull();
  const value = BigInt(found!);
  expect(value).toBeLessThanOrEqual(truth);
  expect(truth - value).toBeLessThanOrEqual(truth / 10_000n + 1n);
}

/**
 * Checks `result.data.trading.limits` against the caps the token holds: each limit found within
 * 0.01 %, the three distinct (so one cannot pass for another), and the searches' brackets — half
 * half the pool's token balance for buys, the balance the wallet reached for sales — through `scenario.pair`.
 */
export async function expectLimitsFound(rpcUrl: string, scenario: LimitsPool, result: SecurityResult): Promise<void> {
  const truth = await readLimits(rpcUrl, scenario, BigInt(result.blockNumber));
  expect(new Set([truth.maxBuy, truth.maxSell, truth.maxWallet]).size).toBe(3);
  const limits = result.data.trading.limits!;
  expect(limits).toMatchObject({ method: 'bisection', pool: scenario.pair, repeatBuyBlocked: false });
  expectWithin(limits.maxBuy.limit, truth.maxBuy);
  expectWithin(limits.maxSell!.limit, truth.maxSell);
  expectWithin(limits.maxWallet!.limit, truth.maxWallet);
  expect(limits.maxBuy.searchedUpTo).toBe((truth.pairBalance / 2n).toString());
  expect(BigInt(limits.maxSell!.searchedUpTo)).toBe(BigInt(limits.maxWallet!.limit!));
}
