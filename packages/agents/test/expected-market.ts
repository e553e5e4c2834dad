import { ARTIFACTS, UNISWAP_V3, type MarketScenario, type ScenarioPool } from '@oca/testkit';
import type { Address, PublicClient } from 'viem';

/**
 * Market figures recomputed for the tests, independently of the agent: state read with the npm
 * artifacts' ABIs through a separate client, prices in plain doubles, windows by a linear scan of
 * every block's timestamp, volumes and counts from the swaps the scenario recorded as it mined them.
 */

export const WINDOW_SECONDS = { h1: 3_600n, h6: 21_600n, h24: 86_400n } as const;
export type Window = keyof typeof WINDOW_SECONDS;
export const WINDOW_NAMES = Object.keys(WINDOW_SECONDS) as Window[];

/**
 * Last block whose timestamp is ≤ t, by reading every header from `firstBlock` (the devnet has a
 * few hundred; a mainnet-shaped chain's history starts at its first block).
 */
export async function linearWindowStarts(rpc: PublicClient, endBlock: bigint, endTimestamp: bigint, firstBlock = 0n): Promise<Record<Window, bigint>> {
  const blocks = await Promise.all(Array.from({ length: Number(endBlock - firstBlock) + 1 }, (_, i) => rpc.getBlock({ blockNumber: firstBlock + BigInt(i) })));
  const start = (w: Window) => {
    const t = endTimestamp - WINDOW_SECONDS[w];
    let found = -1n;
    for (const b of blocks) if (b.timestamp <= t) found = b.number;
    if (found < 0n) throw new Error(`window ${w} starts before genesis`);
    return found;
  };
  return { h1: start('h1'), h6: start('h6'), h24: start('h24') };
}

export interface PoolReading {
  /** Raw holdings: V2 reserves, V3 token balances. */
  baseRaw: bigint;
  quoteRaw: bigint;
  /** Quote per base, whole units. */
  price: number;
}

const decimals = (scenario: MarketScenario, token: Address) => (token === scenario.core.usd ? 6 : 18);

/** A pool's holdings and price at a block, straight from the contracts. */
export async function readPool(rpc: PublicClient, scenario: MarketScenario, pool: ScenarioPool, blockNumber: bigint): Promise<PoolReading> {
  const db = decimals(scenario, pool.base);
  const dq = decimals(scenario, pool.quote);
  if (pool.kind === 'v2') {
    const [r0, r1] = (await rpc.readContract({ address: pool.address, abi: ARTIFACTS.uniswapV2Pair.abi, functionName: 'getReserves', blockNumber })) as [
      bigint,
      bigint,
      number,
    ];
    const [baseRaw, quoteRaw] = pool.baseIsToken0 ? [r0, r1] : [r1, r0];
    return { baseRaw, quoteRaw, price: Number(quoteRaw) / 10 ** dq / (Number(baseRaw) / 10 ** db) };
  }
  const slot0 = (await rpc.readContract({ address: pool.address, abi: UNISWAP_V3.pool.abi, functionName: 'slot0', blockNumber })) as readonly [bigint, ...unknown[]];
  const balance = (token: Address) =>
    rpc.readContract({ address: token, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [pool.address], blockNumber }) as Promise<bigint>;
  const [baseRaw, quoteRaw] = await Promise.all([balance(pool.base), balance(pool.quote)]);
  // sqrtPriceX96² / 2^192 = token1 raw per token0 raw.
  const raw1per0 = Number(slot0[0]) ** 2 / 2 ** 192;
  const price = pool.baseIsToken0 ? raw1per0 * 10 ** (db - dq) : (1 / raw1per0) * 10 ** (db - dq);
  return { baseRaw, quoteRaw, price };
}

/** Volume (whole quote tokens) and buy/sell counts of one pool over the window ending at the scenario's end. */
export function swapsInWindow(scenario: MarketScenario, pool: ScenarioPool, w: Window) {
  const from = scenario.endTimestamp - WINDOW_SECONDS[w];
  const swaps = scenario.swaps.filter((s) => s.pool === pool.address && s.timestamp > from);
  const dq = decimals(scenario, pool.quote);
  return {
    buys: swaps.filter((s) => s.side === 'buy').length,
    sells: swaps.filter((s) => s.side === 'sell').length,
    quoteVolume: Number(swaps.reduce((sum, s) => sum + s.quoteAmount, 0n)) / 10 ** dq,
  };
}

/** WETH's USD price: the WETH/dUSD pool holding the most dUSD, dUSD taken at $1. */
export async function nativeUsd(rpc: PublicClient, scenario: MarketScenario, blockNumber: bigint) {
  const candidates = [scenario.pools.wethUsdV2, scenario.pools.wethUsdV3];
  const readings = await Promise.all(candidates.map((p) => readPool(rpc, scenario, p, blockNumber)));
  const deepest = readings[0]!.quoteRaw >= readings[1]!.quoteRaw ? 0 : 1;
  return { pool: candidates[deepest]!, price: readings[deepest]!.price };
}

export function relativeError(actual: number, expected: number): number {
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual / expected - 1);
}
