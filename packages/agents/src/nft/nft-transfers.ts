import { pageLogs, type ChainClient } from '@oca/chain';
import { toHex, zeroAddress, type Address } from 'viem';
import { historyStart, TRANSFER_SCAN_BUDGET, TRANSFER_TOPIC, type HistoryStart } from '../tokens/transfer-scan';
import { decodeNftTransfer, TRANSFER_BATCH_TOPIC, TRANSFER_SINGLE_TOPIC, type NftTransfer, type RpcLog } from '../tokens/nft-transfer-log';

export interface NftHistory {
  transfers: NftTransfer[];
  start: HistoryStart;
  /** getLogs and getCode requests (the creation-block search included). */
  requests: number;
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
