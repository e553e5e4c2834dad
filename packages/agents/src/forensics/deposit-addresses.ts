import type { AddressActivity, AddressLabel, NativeTransfer } from '@oca/chain';
import type { Address } from 'viem';
import { cmpBig } from './counterparties';
import type { DepositAddress } from './forensics-contract';

/** Unlabelled addresses the subject paid, largest first, checked for the forwarding pattern. */
export const DEPOSIT_CANDIDATES = 5;
/** A deposit address collects from at least this many distinct senders. */
export const MIN_DEPOSIT_SENDERS = 2;

/**
 * Exchange deposit addresses among the addresses `subject` sent native coin to: an address whose
 * every outgoing native transfer goes to one wallet the registry labels `exchange`, and which
 * received from at least two distinct senders (exchanges give each customer a deposit address and
 * sweep it into a hot wallet). Each candidate costs one `outgoing` and one incoming read.
 */
export async function findDepositAddresses(
  history: AddressActivity,
  subject: Address,
  sentBySubject: readonly NativeTransfer[],
  toBlock: bigint,
  labelOf: (a: Address) => AddressLabel | undefined,
  signal?: AbortSignal,
): Promise<{ deposits: DepositAddress[]; requests: number }> {
  const paid = new Map<Address, bigint>();
  for (const t of sentBySubject) if (t.to !== subject && labelOf(t.to) === undefined) paid.set(t.to, (paid.get(t.to) ?? 0n) + t.value);
  const candidates = [...paid].sort(([a, x], [b, y]) => cmpBig(y, x) || a.localeCompare(b)).slice(0, DEPOSIT_CANDIDATES);
  let requests = 0;
  const deposits: DepositAddress[] = [];
  for (const [candidate, paidBySubject] of candidates) {
    const out = await history.outgoing({ from: candidate, fromBlock: 0n, toBlock, signal });
    requests += out.requests;
    const targets = new Set(out.transfers.map((t) => t.to));
    const [target] = targets;
    const label = target !== undefined ? labelOf(target) : undefined;
    if (targets.size !== 1 || label?.kind !== 'exchange' || out.creations.length > 0) continue;
    const incoming = await history.nativeTransfersTo({ to: [candidate], fromBlock: 0n, toBlock, signal });
    requests += incoming.requests;
    const senders = new Set(incoming.transfers.map((t) => t.from));
    if (senders.size < MIN_DEPOSIT_SENDERS) continue;
    deposits.push({
      address: candidate,
      exchange: target!,
      exchangeLabel: label.name,
      senders: senders.size,
      received: sum(incoming.transfers).toString(),
      forwarded: sum(out.transfers).toString(),
      paidBySubject: paidBySubject.toString(),
    });
  }
  return { deposits, requests };
}

function sum(transfers: readonly NativeTransfer[]): bigint {
  return transfers.reduce((total, t) => total + t.value, 0n);
}
