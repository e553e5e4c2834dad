import { pageLogs, type ChainClient } from '@oca/chain';
import { getAddress, hexToBigInt, size, slice, toHex, type Address, type Hash, type Hex } from 'viem';
import { historyStart, TRANSFER_SCAN_BUDGET, TRANSFER_TOPIC, type HistoryStart } from './transfer-scan';

/** One ERC-20 Transfer, decoded. */
export interface TokenTransfer {
  from: Address;
  to: Address;
  amount: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hash;
}

/** A token's whole Transfer history up to the pinned block. */
export interface TokenHistory {
  transfers: TokenTransfer[];
  start: HistoryStart;
  /** getLogs and getCode requests (the creation-block search included). */
  requests: number;
}

interface RpcLog {
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  logIndex: Hex | null;
  transactionHash: Hash | null;
}

/**
 * Every Transfer of `token` from its creation block (`historyStart`: `findCreationBlock`, or block
 * 0 on chains shorter than one page) to `toBlock`, through the log pager within the security
 * agent's scan budget, amounts kept: flows and large transfers need them.
 *
 * @throws LogBudgetExceededError past `TRANSFER_SCAN_BUDGET`.
 */
export async function readTokenHistory(client: ChainClient, token: Address, toBlock: bigint, signal?: AbortSignal): Promise<TokenHistory> {
  const start = await historyStart(client, [token], toBlock, signal);
  const fetchRange = (from: bigint, to: bigint) =>
    client.request({ method: 'eth_getLogs', params: [{ address: token, topics: [TRANSFER_TOPIC], fromBlock: toHex(from), toBlock: toHex(to) }] }) as Promise<RpcLog[]>;
  const paged = await pageLogs(fetchRange, start.block, toBlock, { ...TRANSFER_SCAN_BUDGET, signal });
  const transfers = paged.logs.map(decodeTransfer).filter((t): t is TokenTransfer => t !== null);
  return { transfers, start, requests: paged.requests + start.requests };
}

/**
 * ERC-20 indexes `from` and `to` and puts the amount in the data; a few early tokens index
 * nothing (all three in the data). ERC-721's Transfer has a third topic and moves no balance.
 */
export function decodeTransfer(log: RpcLog): TokenTransfer | null {
  const [, t1, t2, t3] = log.topics;
  if (t3 !== undefined || log.blockNumber === null || log.logIndex === null || log.transactionHash === null) return null;
  let parties: [Hex, Hex, Hex];
  if (t1 && t2 && size(log.data) === 32) parties = [t1, t2, log.data];
  else if (!t1 && size(log.data) === 96) parties = [slice(log.data, 0, 32), slice(log.data, 32, 64), slice(log.data, 64, 96)];
  else return null;
  return {
    from: getAddress(slice(parties[0], 12, 32)),
    to: getAddress(slice(parties[1], 12, 32)),
    amount: hexToBigInt(parties[2]),
    blockNumber: BigInt(log.blockNumber),
    logIndex: Number(log.logIndex),
    transactionHash: log.transactionHash,
  };
}
