import { DEX_TOPICS, getLogsPaged, pancakeV3PoolAbi, solidlyPoolAbi, uniswapV2PairAbi, uniswapV3PoolAbi, type ChainClient, type LogPagerOptions } from '@oca/chain';
import { getAbiItem, getAddress, type AbiEvent, type Address, type Hash, type Log } from 'viem';
import type { PoolRef } from './pools';

/** One swap, oriented to the pool's base token. Amounts are raw and absolute. */
export interface SwapFill {
  pool: Address;
  blockNumber: bigint;
  logIndex: number;
  txHash: Hash;
  /** A buy takes base tokens out of the pool. */
  side: 'buy' | 'sell';
  baseRaw: bigint;
  quoteRaw: bigint;
  /** Who received the output: V2 and Solidly `to`, V3 `recipient`. */
  recipient: Address;
}

export const V2_SWAP = getAbiItem({ abi: uniswapV2PairAbi, name: 'Swap' });
export const V2_SYNC = getAbiItem({ abi: uniswapV2PairAbi, name: 'Sync' });
export const V3_SWAP = getAbiItem({ abi: uniswapV3PoolAbi, name: 'Swap' });
export const V3_INITIALIZE = getAbiItem({ abi: uniswapV3PoolAbi, name: 'Initialize' });
/** PancakeSwap V3's Swap: Uniswap's fields plus the protocol fees, so another topic0. */
export const PANCAKE_V3_SWAP = getAbiItem({ abi: pancakeV3PoolAbi, name: 'Swap' });
/** Velodrome/Aerodrome V2's Swap (`to` second) and Sync (uint256 reserves): other topics than Uniswap V2's. */
export const SOLIDLY_SWAP = getAbiItem({ abi: solidlyPoolAbi, name: 'Swap' });
export const SOLIDLY_SYNC = getAbiItem({ abi: solidlyPoolAbi, name: 'Sync' });
/** Every Swap event the DEX agents decode. */
export const SWAP_EVENTS = [V2_SWAP, V3_SWAP, PANCAKE_V3_SWAP, SOLIDLY_SWAP] as const;

/** A decoded pool log, whichever of the events above it is. */
export type PoolLog = Log<bigint, number, false, AbiEvent, true>;

/** Budget and behaviour of a pool log scan (the pager's options). */
export type PoolLogOptions = Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'keepNewest' | 'signal'> & { maxBlockRange?: bigint };

/**
 * Logs of `events` emitted by `pools` in [fromBlock, toBlock], paged and in chain order. Both V2
 * and V3 events go in one filter (topic0 is any of them), so mixed pool sets cost one query.
 * With `keepNewest`, a scan that runs out of budget returns the newest blocks it read whole
 * (`coveredFrom`).
 */
export async function fetchPoolLogs(
  client: ChainClient,
  pools: readonly PoolRef[],
  events: readonly AbiEvent[],
  fromBlock: bigint,
  toBlock: bigint,
  options: PoolLogOptions = {},
): Promise<{ logs: PoolLog[]; requests: number; coveredFrom: bigint }> {
  if (pools.length === 0 || toBlock < fromBlock) return { logs: [], requests: 0, coveredFrom: fromBlock };
  const { logs, requests, coveredFrom } = await getLogsPaged(client, { address: pools.map((p) => p.address), events, fromBlock, toBlock }, options);
  return { logs: logs as unknown as PoolLog[], requests, coveredFrom };
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/**
 * A Swap log as a fill, or null for any other event. V2 and Solidly report what went in and out
 * per token (the same fields, in another order); flash swaps can move both ways, so the side is the
 * net base flow. V3 reports the pool's deltas (positive = the pool received), so a negative base
 * delta is a buy.
 */
export function decodeSwap(log: PoolLog, pool: PoolRef): SwapFill | null {
  const topic = log.topics[0];
  const ref = { pool: pool.address, blockNumber: log.blockNumber, logIndex: log.logIndex, txHash: log.transactionHash };
  if (topic === DEX_TOPICS.v2Swap || topic === DEX_TOPICS.solidlySwap) {
    const a = log.args as unknown as { amount0In: bigint; amount1In: bigint; amount0Out: bigint; amount1Out: bigint; to: Address };
    const [baseIn, baseOut, quoteIn, quoteOut] = pool.baseIsToken0
      ? [a.amount0In, a.amount0Out, a.amount1In, a.amount1Out]
      : [a.amount1In, a.amount1Out, a.amount0In, a.amount0Out];
    return { ...ref, side: baseOut > baseIn ? 'buy' : 'sell', baseRaw: abs(baseOut - baseIn), quoteRaw: abs(quoteIn - quoteOut), recipient: getAddress(a.to) };
  }
  if (topic === DEX_TOPICS.v3Swap || topic === DEX_TOPICS.pancakeV3Swap) {
    const a = log.args as unknown as { amount0: bigint; amount1: bigint; recipient: Address };
    const [baseDelta, quoteDelta] = pool.baseIsToken0 ? [a.amount0, a.amount1] : [a.amount1, a.amount0];
    return { ...ref, side: baseDelta < 0n ? 'buy' : 'sell', baseRaw: abs(baseDelta), quoteRaw: abs(quoteDelta), recipient: getAddress(a.recipient) };
  }
  return null;
}
