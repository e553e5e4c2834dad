import { pageLogs, type ChainClient } from '@oca/chain';
import { decodeAbiParameters, getAddress, keccak256, slice, toHex, zeroAddress, type Address, type Hash, type Hex } from 'viem';
import { historyStart, TRANSFER_SCAN_BUDGET, TRANSFER_TOPIC, type HistoryStart } from '../security/transfer-scan';

export const TRANSFER_SINGLE_TOPIC = keccak256(toHex('TransferSingle(address,address,address,uint256,uint256)'));
export const TRANSFER_BATCH_TOPIC = keccak256(toHex('TransferBatch(address,address,address,uint256[],uint256[])'));

/** One token movement: an ERC-721 Transfer, or one id of an ERC-1155 TransferSingle/TransferBatch. */
export interface NftTransfer {
  from: Address;
  to: Address;
  tokenId: bigint;
  amount: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hash;
}

export interface NftHistory {
  transfers: NftTransfer[];
  start: HistoryStart;
  /** getLogs and getCode requests (the creation-block search included). */
  requests: number;
}

export interface RpcLog {
  address?: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  logIndex: Hex | null;
  transactionHash: Hash | null;
}

/**
 * Every token movement of `collection` from its creation block (`historyStart`) to `toBlock`,
 * through the log pager within the security agent's scan budget: one filter for the three events.
 *
 * @throws LogBudgetExceededError past `TRANSFER_SCAN_BUDGET`.
 */
export async function readNftHistory(client: ChainClient, collection: Address, toBlock: bigint, signal?: AbortSignal): Promise<NftHistory> {
  const start = await historyStart(client, [collection], toBlock, signal);
  const topics = [[TRANSFER_TOPIC, TRANSFER_SINGLE_TOPIC, TRANSFER_BATCH_TOPIC]];
  const fetchRange = (from: bigint, to: bigint) =>
    client.request({ method: 'eth_getLogs', params: [{ address: collection, topics, fromBlock: toHex(from), toBlock: toHex(to) }] } as never) as Promise<RpcLog[]>;
  const paged = await pageLogs(fetchRange, start.block, toBlock, { ...TRANSFER_SCAN_BUDGET, signal });
  return { transfers: paged.logs.flatMap(decodeNftTransfer), start, requests: paged.requests + start.requests };
}

const word = (w: Hex): Address => getAddress(slice(w, 12, 32));

/** The movements one log records; none for an ERC-20 Transfer (three topics) or a malformed log. */
export function decodeNftTransfer(log: RpcLog): NftTransfer[] {
  if (log.blockNumber === null || log.logIndex === null || log.transactionHash === null) return [];
  const at = { blockNumber: BigInt(log.blockNumber), logIndex: Number(log.logIndex), transactionHash: log.transactionHash };
  const [topic0, t1, t2, t3] = log.topics;
  try {
    if (topic0 === TRANSFER_TOPIC && t1 && t2 && t3 && log.topics.length === 4) return [{ from: word(t1), to: word(t2), tokenId: BigInt(t3), amount: 1n, ...at }];
    if (topic0 === TRANSFER_SINGLE_TOPIC && t2 && t3) {
      const [id, value] = decodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], log.data);
      return [{ from: word(t2), to: word(t3), tokenId: id, amount: value, ...at }];
    }
    if (topic0 === TRANSFER_BATCH_TOPIC && t2 && t3) {
      const [ids, values] = decodeAbiParameters([{ type: 'uint256[]' }, { type: 'uint256[]' }], log.data);
      return ids.map((id, i) => ({ from: word(t2), to: word(t3), tokenId: id, amount: values[i] ?? 0n, ...at }));
    }
  } catch {
    return [];
  }
  return [];
}

export const isMint = (t: NftTransfer) => t.from === zeroAddress;
export const isBurn = (t: NftTransfer) => t.to === zeroAddress || t.to === '0x000000000000000000000000000000000000dEaD';

/** Units each account holds, replayed from the movements (mints from and burns to the zero address are not holders). */
export function replayHoldings(transfers: readonly NftTransfer[]): { byAccount: Map<Address, bigint>; ownerOf: Map<bigint, Address> } {
  const byAccount = new Map<Address, bigint>();
  const ownerOf = new Map<bigint, Address>();
  for (const t of transfers) {
    if (t.from !== zeroAddress) byAccount.set(t.from, (byAccount.get(t.from) ?? 0n) - t.amount);
    if (t.to !== zeroAddress) byAccount.set(t.to, (byAccount.get(t.to) ?? 0n) + t.amount);
    ownerOf.set(t.tokenId, t.to);
  }
  for (const [a, n] of byAccount) if (n <= 0n || a === zeroAddress) byAccount.delete(a);
  return { byAccount, ownerOf };
}
