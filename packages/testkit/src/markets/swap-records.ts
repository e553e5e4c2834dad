import { decodeEventLog, type Address, type Hash } from 'viem';
import { ARTIFACTS } from '../artifacts';
import type { MinedTx } from './devnet-driver';
import { UNISWAP_V3 } from './dex-core';

/** A pool the scenario made, oriented as the agents see it: `base` is the token being analysed. */
export interface ScenarioPool {
  name: string;
  address: Address;
  kind: 'v2' | 'v3';
  /** V3 fee tier in hundredths of a basis point; null for V2. */
  fee: number | null;
  base: Address;
  quote: Address;
  baseIsToken0: boolean;
  /** Timestamp and block of the creation transaction. */
  createdAt: bigint;
  createdBlock: bigint;
}

/** One swap as mined: who, when, which way, how much (raw units, absolute). */
export interface ScenarioSwap {
  pool: Address;
  poolName: string;
  kind: 'v2' | 'v3';
  /** The transaction's sender. */
  trader: Address;
  /** Who received the output (V2 `to`, V3 `recipient`). */
  recipient: Address;
  blockNumber: bigint;
  timestamp: bigint;
  txHash: Hash;
  logIndex: number;
  /** Of the pool's base token: a buy takes base out of the pool. */
  side: 'buy' | 'sell';
  baseAmount: bigint;
  quoteAmount: bigint;
}

/** A swap attempt that reverted on chain (a honeypot sell). */
export interface FailedSwap {
  pool: Address;
  poolName: string;
  trader: Address;
  side: 'buy' | 'sell';
  blockNumber: bigint;
  timestamp: bigint;
  txHash: Hash;
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/** The Swap events of known pools in a mined block, decoded with the npm artifacts' ABIs. */
export function swapsFromReceipts(mined: readonly MinedTx[], pools: ReadonlyMap<Address, ScenarioPool>): ScenarioSwap[] {
  const swaps: ScenarioSwap[] = [];
  for (const tx of mined) {
    if (!tx.success) continue;
    for (const log of tx.logs) {
      const pool = pools.get(log.address);
      if (!pool) continue;
      const abi = pool.kind === 'v2' ? ARTIFACTS.uniswapV2Pair.abi : UNISWAP_V3.pool.abi;
      let decoded: { eventName: string; args: unknown };
      try {
        decoded = decodeEventLog({ abi, topics: log.topics as [`0x${string}`, ...`0x${string}`[]], data: log.data });
      } catch {
        continue;
      }
      if (decoded.eventName !== 'Swap') continue;
      const base = { pool: pool.address, poolName: pool.name, kind: pool.kind, trader: tx.from, blockNumber: tx.blockNumber, timestamp: tx.timestamp };
      const ref = { txHash: log.transactionHash, logIndex: log.logIndex };
      if (pool.kind === 'v2') {
        const a = decoded.args as { amount0In: bigint; amount1In: bigint; amount0Out: bigint; amount1Out: bigint; to: Address };
        const [baseIn, baseOut, quoteIn, quoteOut] = pool.baseIsToken0
          ? [a.amount0In, a.amount0Out, a.amount1In, a.amount1Out]
          : [a.amount1In, a.amount1Out, a.amount0In, a.amount0Out];
        const side = baseOut > baseIn ? 'buy' : 'sell';
        swaps.push({ ...base, ...ref, recipient: a.to, side, baseAmount: abs(baseOut - baseIn), quoteAmount: abs(quoteIn - quoteOut) });
      } else {
        const a = decoded.args as { amount0: bigint; amount1: bigint; recipient: Address };
        const [baseDelta, quoteDelta] = pool.baseIsToken0 ? [a.amount0, a.amount1] : [a.amount1, a.amount0];
        // Pool deltas: negative base means the pool paid base out, i.e. a buy.
        swaps.push({ ...base, ...ref, recipient: a.recipient, side: baseDelta < 0n ? 'buy' : 'sell', baseAmount: abs(baseDelta), quoteAmount: abs(quoteDelta) });
      }
    }
  }
  return swaps;
}
