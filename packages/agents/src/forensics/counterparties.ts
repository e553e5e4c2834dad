import { pageLogs, type AddressLabel, type ChainClient, type NativeTransfer } from '@oca/chain';
import { getAddress, pad, toHex, type Address, type Hash, type Hex } from 'viem';
import { TRANSFER_SCAN_BUDGET, TRANSFER_TOPIC } from '../tokens/transfer-scan';
import { decodeNftTransfer, ERC1155_TRANSFER_TOPICS, nftStandardOf, type NftTransfer } from '../tokens/nft-transfer-log';
import { decodeTransfer, type TokenTransfer } from '../tokens/token-history';
import type { NativeCounterparty, NftCounterparty, TokenCounterparty } from './forensics-contract';

/** A decoded Transfer with the token that emitted it. */
export type TokenTransferOf = TokenTransfer & { token: Address };
/** One NFT movement (an id of an ERC-1155 batch is one) with its collection and standard. */
export type NftTransferOf = NftTransfer & { collection: Address; standard: 'erc721' | 'erc1155' };

/** Counterparties listed per kind. */
export const COUNTERPARTIES_LISTED = 20;

interface Tally {
  sentCount: number;
  sent: bigint;
  receivedCount: number;
  received: bigint;
}

const tally = (): Tally => ({ sentCount: 0, sent: 0n, receivedCount: 0, received: 0n });

/**
 * Native counterparties from the address's transfers in both directions: "sent" is what the
 * address sent to the counterparty. Ranked by total wei moved, then by count, then by address.
 */
export function nativeCounterparties(address: Address, incoming: readonly NativeTransfer[], outgoing: readonly NativeTransfer[], labelOf: (a: Address) => AddressLabel | undefined): NativeCounterparty[] {
  const byAddress = new Map<Address, Tally>();
  const at = (a: Address) => byAddress.get(a) ?? byAddress.set(a, tally()).get(a)!;
  for (const t of outgoing) if (t.to !== address) Object.assign(at(t.to), { sentCount: at(t.to).sentCount + 1, sent: at(t.to).sent + t.value });
  for (const t of incoming) if (t.from !== address) Object.assign(at(t.from), { receivedCount: at(t.from).receivedCount + 1, received: at(t.from).received + t.value });
  return [...byAddress]
    .sort(([a, x], [b, y]) => cmpBig(y.sent + y.received, x.sent + x.received) || y.sentCount + y.receivedCount - (x.sentCount + x.receivedCount) || a.localeCompare(b))
    .slice(0, COUNTERPARTIES_LISTED)
    .map(([a, t]) => ({ address: a, label: labelOf(a)?.name ?? null, kind: labelOf(a)?.kind ?? null, ...strings(t) }));
}

/** Token counterparties per (token, counterparty): most transfers first, then token and address. */
export function tokenCounterparties(address: Address, transfers: readonly TokenTransferOf[], labelOf: (a: Address) => AddressLabel | undefined): TokenCounterparty[] {
  const byPair = new Map<string, { token: Address; address: Address; t: Tally }>();
  for (const transfer of transfers) {
    const sent = transfer.from === address;
    const other = sent ? transfer.to : transfer.from;
    if (other === address) continue;
    const key = `${transfer.token}:${other}`;
    const entry = byPair.get(key) ?? byPair.set(key, { token: transfer.token, address: other, t: tally() }).get(key)!;
    if (sent) [entry.t.sentCount, entry.t.sent] = [entry.t.sentCount + 1, entry.t.sent + transfer.amount];
    else [entry.t.receivedCount, entry.t.received] = [entry.t.receivedCount + 1, entry.t.received + transfer.amount];
  }
  return [...byPair.values()]
    .sort((x, y) => y.t.sentCount + y.t.receivedCount - (x.t.sentCount + x.t.receivedCount) || x.token.localeCompare(y.token) || x.address.localeCompare(y.address))
    .slice(0, COUNTERPARTIES_LISTED)
    .map((e) => ({ token: e.token, address: e.address, label: labelOf(e.address)?.name ?? null, kind: labelOf(e.address)?.kind ?? null, ...strings(e.t) }));
}

/**
 * NFT counterparties per (collection, counterparty): movements and units each way, distinct ids;
 * most movements first (NFTs carry no USD value here), then collection and address.
 */
export function nftCounterparties(address: Address, transfers: readonly NftTransferOf[], labelOf: (a: Address) => AddressLabel | undefined): NftCounterparty[] {
  const byPair = new Map<string, { collection: Address; standard: NftTransferOf['standard']; address: Address; t: Tally; ids: Set<bigint> }>();
  for (const transfer of transfers) {
    const sent = transfer.from === address;
    const other = sent ? transfer.to : transfer.from;
    if (other === address) continue;
    const key = `${transfer.collection}:${other}`;
    const entry = byPair.get(key) ?? byPair.set(key, { collection: transfer.collection, standard: transfer.standard, address: other, t: tally(), ids: new Set() }).get(key)!;
    entry.ids.add(transfer.tokenId);
    if (sent) [entry.t.sentCount, entry.t.sent] = [entry.t.sentCount + 1, entry.t.sent + transfer.amount];
    else [entry.t.receivedCount, entry.t.received] = [entry.t.receivedCount + 1, entry.t.received + transfer.amount];
  }
  return [...byPair.values()]
    .sort((x, y) => y.t.sentCount + y.t.receivedCount - (x.t.sentCount + x.t.receivedCount) || x.collection.localeCompare(y.collection) || x.address.localeCompare(y.address))
    .slice(0, COUNTERPARTIES_LISTED)
    .map((e) => ({
      collection: e.collection,
      standard: e.standard,
      address: e.address,
      label: labelOf(e.address)?.name ?? null,
      kind: labelOf(e.address)?.kind ?? null,
      sentCount: e.t.sentCount,
      sentUnits: e.t.sent.toString(),
      receivedCount: e.t.receivedCount,
      receivedUnits: e.t.received.toString(),
      tokenIds: e.ids.size,
    }));
}

interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  logIndex: Hex | null;
  transactionHash: Hash | null;
}

/**
 * Every ERC-20 and ERC-721 Transfer and ERC-1155 TransferSingle/TransferBatch from or to `address`
 * up to `toBlock`, any contract: three topic-filtered getLogs scans through the log pager within
 * the security agent's scan budget — Transfer by sender (topic1); Transfer by receiver and ERC-1155
 * by sender (both topic2); ERC-1155 by receiver (topic3). ERC-721 (four topics) and ERC-1155 logs
 * go to `nftTransfers` through the shared NFT decoder, ERC-20 ones to `transfers`.
 *
 * @throws LogBudgetExceededError past the budget.
 */
export async function readTokenTransfers(
  client: ChainClient,
  address: Address,
  toBlock: bigint,
  signal?: AbortSignal,
): Promise<{ transfers: TokenTransferOf[]; nftTransfers: NftTransferOf[]; requests: number }> {
  const topic = pad(address.toLowerCase() as Hex);
  const scan = (topics: (Hex | Hex[] | null)[]) =>
    pageLogs((from: bigint, to: bigint) => client.request({ method: 'eth_getLogs', params: [{ topics, fromBlock: toHex(from), toBlock: toHex(to) }] }) as Promise<RpcLog[]>, 0n, toBlock, {
      ...TRANSFER_SCAN_BUDGET,
      signal,
    });
  const scans = await Promise.all([scan([TRANSFER_TOPIC, topic]), scan([[TRANSFER_TOPIC, ...ERC1155_TRANSFER_TOPICS], null, topic]), scan([[...ERC1155_TRANSFER_TOPICS], null, null, topic])]);
  const seen = new Set<string>();
  const transfers: TokenTransferOf[] = [];
  const nftTransfers: NftTransferOf[] = [];
  for (const log of scans.flatMap((s) => s.logs)) {
    const key = `${log.transactionHash}:${log.logIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const standard = nftStandardOf(log);
    if (standard !== null) {
      nftTransfers.push(...decodeNftTransfer(log).map((t) => ({ ...t, collection: getAddress(log.address), standard })));
      continue;
    }
    const decoded = decodeTransfer(log);
    if (decoded !== null) transfers.push({ ...decoded, token: getAddress(log.address) });
  }
  const byPosition = (a: { blockNumber: bigint; logIndex: number }, b: { blockNumber: bigint; logIndex: number }) => cmpBig(a.blockNumber, b.blockNumber) || a.logIndex - b.logIndex;
  transfers.sort(byPosition);
  nftTransfers.sort(byPosition);
  return { transfers, nftTransfers, requests: scans.reduce((n, s) => n + s.requests, 0) };
}

function strings(t: Tally) {
  return { sentCount: t.sentCount, sent: t.sent.toString(), receivedCount: t.receivedCount, received: t.received.toString() };
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
