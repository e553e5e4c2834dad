import { pageLogs, type AddressLabel, type ChainClient, type NativeTransfer } from '@oca/chain';
import { getAddress, pad, toHex, type Address, type Hash, type Hex } from 'viem';
import { TRANSFER_SCAN_BUDGET, TRANSFER_TOPIC } from '../security/transfer-scan';
import { decodeTransfer, type TokenTransfer } from '../whale/token-history';
import type { NativeCounterparty, TokenCounterparty } from './forensics-contract';

/** A decoded Transfer with the token that emitted it. */
export type TokenTransferOf = TokenTransfer & { token: Address };

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

interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  logIndex: Hex | null;
  transactionHash: Hash | null;
}

/**
 * Every ERC-20 Transfer from or to `address` up to `toBlock`, any token: two topic-filtered
 * getLogs scans (sender topic, receiver topic) through the log pager within the security agent's
 * scan budget. ERC-721 transfers (a third topic) are left out by the decoder.
 *
 * @throws LogBudgetExceededError past the budget.
 */
export async function readTokenTransfers(client: ChainClient, address: Address, toBlock: bigint, signal?: AbortSignal): Promise<{ transfers: TokenTransferOf[]; requests: number }> {
  const topic = pad(address.toLowerCase() as Hex);
  const scan = (topics: (Hex | null)[]) =>
    pageLogs((from: bigint, to: bigint) => client.request({ method: 'eth_getLogs', params: [{ topics, fromBlock: toHex(from), toBlock: toHex(to) }] }) as Promise<RpcLog[]>, 0n, toBlock, {
      ...TRANSFER_SCAN_BUDGET,
      signal,
    });
  const [sent, received] = await Promise.all([scan([TRANSFER_TOPIC, topic]), scan([TRANSFER_TOPIC, null, topic])]);
  const seen = new Set<string>();
  const transfers: TokenTransferOf[] = [];
  for (const log of [...sent.logs, ...received.logs]) {
    const decoded = decodeTransfer(log);
    const key = `${log.transactionHash}:${log.logIndex}`;
    if (decoded === null || seen.has(key)) continue;
    seen.add(key);
    transfers.push({ ...decoded, token: getAddress(log.address) });
  }
  transfers.sort((a, b) => cmpBig(a.blockNumber, b.blockNumber) || a.logIndex - b.logIndex);
  return { transfers, requests: sent.requests + received.requests };
}

function strings(t: Tally) {
  return { sentCount: t.sentCount, sent: t.sent.toString(), receivedCount: t.receivedCount, received: t.received.toString() };
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
