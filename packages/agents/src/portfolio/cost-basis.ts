import { ratioToNumber, unitsRatio, type ChainClient, type DexDeployment, type Ratio } from '@oca/chain';
import type { CostBasis } from '@oca/contracts';
import { decodeEventLog, getAddress, type Address, type Hash, type TransactionReceipt } from 'viem';
import { decodeSwap, readTokenMeta, readUsdPrices, SWAP_EVENTS, type PoolLog, type PoolRef, type SwapFill } from '../dex';
import type { WalletTransfer } from './wallet-history';

/** Most swap transactions whose receipts one token's cost basis may read. */
export const COST_BASIS_MAX_TXS = 40;

/** One of the wallet's token movements through a pool, with the swap it was part of (null: no swap, e.g. adding liquidity). */
export interface PoolMove {
  transfer: WalletTransfer;
  pool: PoolRef;
  fill: SwapFill | null;
}

/** What the cost basis needs about one held token. */
export interface CostBasisInput {
  wallet: Address;
  token: Address;
  decimals: number;
  balance: bigint;
  priceUsd: Ratio | null;
  /** The token's pools at the deployment's factories, against every quote token. */
  pools: readonly PoolRef[];
  /** The wallet's movements of this token (ERC-20 Transfers), in chain order. */
  transfers: readonly WalletTransfer[];
  historyComplete: boolean;
  blockNumber: bigint;
}

const unavailable = (reason: string): CostBasis => ({ available: false, reason });

/**
 * Average-cost basis from the wallet's own swaps. Every token that came in must have come out of
 * one of the token's pools in a swap (a transfer, an airdrop or an LP withdrawal has no price on
 * record, so the basis is then absent with the reason); tokens leaving into a pool in a swap are
 * sales (realized P&L at the average cost), any other outflow (adding liquidity, a transfer)
 * leaves at cost. The quote side is valued at the swap's block: stablecoins at $1, the wrapped
 * native token at its price then (the market agent's anchor, read at that block: an archive read).
 */
export async function costBasisOf(client: ChainClient, deployment: DexDeployment, input: CostBasisInput, signal?: AbortSignal): Promise<CostBasis> {
  if (!input.historyComplete) return unavailable('The Transfer history was not read back to genesis within the log budget: earlier purchases may be missing.');
  const poolOf = new Map(input.pools.map((p) => [p.address, p]));
  const inbound = input.transfers.filter((t) => t.to === input.wallet && t.from !== input.wallet);
  const gifted = inbound.filter((t) => !poolOf.has(t.from));
  if (gifted.length > 0) return unavailable(`${gifted.length} of ${inbound.length} incoming transfers did not come from the token’s pools (first in tx ${gifted[0]!.transactionHash}): their cost is not on record.`);
  const throughPools = input.transfers.filter((t) => poolOf.has(t.to === input.wallet ? t.from : t.to));
  const txs = [...new Set(throughPools.map((t) => t.transactionHash))];
  if (txs.length > COST_BASIS_MAX_TXS) return unavailable(`${txs.length} swap transactions, more than the ${COST_BASIS_MAX_TXS} read per token.`);
  signal?.throwIfAborted();
  const receipts = new Map<Hash, TransactionReceipt>((await Promise.all(txs.map((hash) => client.getTransactionReceipt({ hash })))).map((r) => [r.transactionHash, r]));
  const moves: PoolMove[] = throughPools.map((transfer) => {
    const pool = poolOf.get(transfer.to === input.wallet ? transfer.from : transfer.to)!;
    return { transfer, pool, fill: swapAfter(receipts.get(transfer.transactionHash)!, pool, transfer.logIndex) };
  });
  const noSwapIn = moves.find((m) => m.transfer.to === input.wallet && m.fill === null);
  if (noSwapIn) return unavailable(`Tokens came out of pool ${noSwapIn.pool.address} without a swap (tx ${noSwapIn.transfer.transactionHash}, e.g. liquidity withdrawn): their cost is not on record.`);
  const quotes = new Set(moves.filter((m) => m.fill).map((m) => m.pool.quote));
  const stables = new Set(deployment.usdStables.map((s) => s.address));
  const other = [...quotes].find((q) => !stables.has(q) && q !== deployment.wrappedNative.address);
  if (other) return unavailable(`A swap was priced in ${other}, which has no USD price of its own.`);
  const blocks = [...new Set(moves.filter((m) => m.fill && m.pool.quote === deployment.wrappedNative.address).map((m) => m.transfer.blockNumber))];
  const nativeAt = new Map(await Promise.all(blocks.map(async (b) => [b, (await readUsdPrices(client, deployment, [], b)).native.priceUsd] as const)));
  const missing = blocks.find((b) => nativeAt.get(b) === null);
  if (missing !== undefined) return unavailable(`The wrapped native token had no USD price at block ${missing}.`);
  const quoteDecimals = new Map(await Promise.all([...quotes].map(async (q) => [q, (await readTokenMeta(client, q, input.blockNumber)).decimals ?? 18] as const)));
  return averageCost(input, moves, (m) => {
    const usd = m.pool.quote === deployment.wrappedNative.address ? ratioToNumber(nativeAt.get(m.transfer.blockNumber)!) : 1;
    return ratioToNumber(unitsRatio(m.fill!.quoteRaw, quoteDecimals.get(m.pool.quote)!)) * usd;
  });
}

/** The running average-cost book over the moves; the quantity it ends with must be the balance held. */
export function averageCost(input: Pick<CostBasisInput, 'wallet' | 'decimals' | 'balance' | 'priceUsd' | 'transfers'>, moves: readonly PoolMove[], quoteUsd: (m: PoolMove) => number): CostBasis {
  const byLog = new Map(moves.map((m) => [`${m.transfer.transactionHash}:${m.transfer.logIndex}`, m]));
  let held = 0n;
  let cost = 0;
  let realized = 0;
  let bought = 0n;
  let sold = 0n;
  let swaps = 0;
  for (const t of input.transfers) {
    if (t.from === t.to) continue;
    const move = byLog.get(`${t.transactionHash}:${t.logIndex}`);
    const amount = t.amount!;
    if (t.to === input.wallet) {
      held += amount;
      bought += amount;
      cost += quoteUsd(move!);
      swaps++;
      continue;
    }
    // The share leaving, as a double: exact enough for USD, and amount ≤ held for any real token.
    const atCost = held === 0n ? 0 : cost * Math.min(1, Number(amount) / Number(held));
    if (move?.fill) {
      realized += quoteUsd(move) - atCost;
      sold += amount;
      swaps++;
    }
    cost -= atCost;
    held -= amount;
  }
  if (held !== input.balance) return unavailable(`The swaps leave ${held} raw units but the balance is ${input.balance} (a transfer tax, a rebase or a silent balance change).`);
  const value = input.priceUsd ? ratioToNumber(unitsRatio(input.balance, input.decimals)) * ratioToNumber(input.priceUsd) : null;
  return { available: true, method: 'average-cost', swaps, bought: bought.toString(), sold: sold.toString(), costUsd: cost, realizedPnlUsd: realized, unrealizedPnlUsd: value === null ? null : value - cost };
}

/** The first Swap of `pool` after `afterLogIndex` in the receipt: a pool pays out (or is paid) before it emits its Swap. */
export function swapAfter(receipt: TransactionReceipt, pool: PoolRef, afterLogIndex: number): SwapFill | null {
  for (const log of receipt.logs) {
    if (log.logIndex <= afterLogIndex || getAddress(log.address) !== pool.address) continue;
    try {
      const decoded = decodeEventLog({ abi: SWAP_EVENTS, data: log.data, topics: log.topics });
      const fill = decodeSwap({ ...log, args: decoded.args, eventName: decoded.eventName } as unknown as PoolLog, pool);
      if (fill) return fill;
    } catch {
      // Not a Swap (Sync, Transfer, Mint): keep looking.
    }
  }
  return null;
}
