import { mulRatio, ratioToNumber, unitsRatio, type Ratio } from '@oca/chain';
import type { Address } from 'viem';
import { percentOf } from '../tokens/concentration';
import type { Holder, HolderBook } from './holders';
import type { TokenTransfer } from '../tokens/token-history';
import type { CohortFlow, WhaleMove, WhaleTransfer } from './whale-contract';

/** Without a USD price, a transfer of at least this share of total supply (percent) is large. */
export const LARGE_SHARE_PERCENT = 0.1;
/** Large transfers listed (the count covers all of them). */
const LARGE_LISTED = 50;
/** A whale: held at least this share of circulating supply (percent) before or after the window. */
export const WHALE_PERCENT = 1;
/** A whale move: its balance changed by at least this share of circulating supply (percent). */
export const MOVE_PERCENT = 0.5;
/** Top holders in the cohort. */
const COHORT_SIZE = 10;

/** Prices and sizes every figure here is measured against. */
export interface FlowBasis {
  decimals: number;
  totalSupply: bigint;
  circulating: bigint;
  priceUsd: Ratio | null;
  labelOf(address: Address): string | null;
}

export function usdOf(raw: bigint, basis: FlowBasis): number | null {
  return basis.priceUsd === null ? null : ratioToNumber(mulRatio(unitsRatio(raw, basis.decimals), basis.priceUsd));
}

/** Transfers in the window that are large: by USD when priced, by share of supply otherwise. */
export function largeTransfers(window: readonly TokenTransfer[], basis: FlowBasis, minUsd: number) {
  const isLarge = (t: TokenTransfer) =>
    basis.priceUsd !== null ? (usdOf(t.amount, basis) ?? 0) >= minUsd : percentOf(t.amount, basis.totalSupply) >= LARGE_SHARE_PERCENT;
  const large = window.filter((t) => t.amount > 0n && isLarge(t));
  const listed = [...large].sort((a, b) => (a.amount > b.amount ? -1 : a.amount < b.amount ? 1 : 0)).slice(0, LARGE_LISTED);
  return {
    basis: basis.priceUsd !== null ? ('usd' as const) : ('supply' as const),
    minUsd: basis.priceUsd !== null ? minUsd : null,
    minPercentOfSupply: basis.priceUsd !== null ? null : LARGE_SHARE_PERCENT,
    count: large.length,
    items: listed.map(
      (t): WhaleTransfer => ({
        blockNumber: t.blockNumber.toString(),
        transactionHash: t.transactionHash,
        logIndex: t.logIndex,
        from: t.from,
        to: t.to,
        fromLabel: basis.labelOf(t.from),
        toLabel: basis.labelOf(t.to),
        amount: t.amount.toString(),
        usd: usdOf(t.amount, basis),
        percentOfSupply: percentOf(t.amount, basis.totalSupply),
      }),
    ),
  };
}

/** Gross in and out of a group over some transfers; moves inside the group are not flows. */
export function grossFlow(transfers: readonly TokenTransfer[], members: ReadonlySet<Address>): { inflow: bigint; outflow: bigint } {
  let inflow = 0n;
  let outflow = 0n;
  for (const t of transfers) {
    const fromIn = members.has(t.from);
    const toIn = members.has(t.to);
    if (toIn && !fromIn) inflow += t.amount;
    if (fromIn && !toIn) outflow += t.amount;
  }
  return { inflow, outflow };
}

export function cohortFlow(transfers: readonly TokenTransfer[], members: ReadonlySet<Address>, basis: FlowBasis): CohortFlow {
  const { inflow, outflow } = grossFlow(transfers, members);
  const net = inflow - outflow;
  return {
    members: members.size,
    inflow: inflow.toString(),
    outflow: outflow.toString(),
    net: net.toString(),
    netUsd: usdOf(net, basis),
    netPercent: percentOf(net, basis.circulating),
  };
}

/** A holder that is a wallet or an unlabelled contract, not plumbing (pool, exchange, locker, burn, labelled). */
export function isWallet(holder: Holder): boolean {
  return (holder.kind === 'eoa' || holder.kind === 'contract') && holder.label === undefined;
}

/** The cohorts: the 10 largest wallets, labelled exchanges seen in the history, the token's pools. */
export function cohorts(book: HolderBook, exchanges: ReadonlySet<Address>, pools: ReadonlySet<Address>) {
  const topHolders = new Set(book.holders.filter(isWallet).slice(0, COHORT_SIZE).map((h) => h.address));
  return { topHolders, exchanges, pools };
}

/** Net change of every address over some transfers. */
export function netChanges(transfers: readonly TokenTransfer[]): Map<Address, bigint> {
  const net = new Map<Address, bigint>();
  for (const t of transfers) {
    net.set(t.from, (net.get(t.from) ?? 0n) - t.amount);
    net.set(t.to, (net.get(t.to) ?? 0n) + t.amount);
  }
  return net;
}

/**
 * Wallets that held at least `WHALE_PERCENT` of circulating supply before or after the window and
 * whose balance moved by at least `MOVE_PERCENT` of it; the balance before is the balance now
 * minus the window's net Transfer flow. Largest move first.
 */
export function whaleMoves(window: readonly TokenTransfer[], book: HolderBook, basis: FlowBasis, isPlumbing: (a: Address) => boolean): WhaleMove[] {
  const moves: WhaleMove[] = [];
  for (const [address, change] of netChanges(window)) {
    if (change === 0n || isPlumbing(address)) continue;
    const now = book.byAddress.get(address)?.balance ?? 0n;
    const before = now - change;
    const peak = before > now ? before : now;
    const changePercent = percentOf(change, basis.circulating);
    if (percentOf(peak, basis.circulating) < WHALE_PERCENT || Math.abs(changePercent) < MOVE_PERCENT) continue;
    moves.push({
      address,
      label: basis.labelOf(address),
      balanceBefore: before.toString(),
      balanceNow: now.toString(),
      change: change.toString(),
      changePercent,
      direction: change > 0n ? 'accumulating' : 'distributing',
    });
  }
  return moves.sort((a, b) => Math.abs(b.changePercent) - Math.abs(a.changePercent));
}

/**
 * Net exchange deposits in the window against the rate before it: a spike when the window's net
 * inflow is at least 1 % of circulating supply and at least 3× what the earlier net rate (per
 * second, since the token's creation block) would give over the window; when exchanges took in
 * nothing net before, any such inflow is a spike. Time, not blocks, because block rates vary.
 */
export function exchangeInflowSpike(
  before: readonly TokenTransfer[],
  window: readonly TokenTransfer[],
  exchanges: ReadonlySet<Address>,
  seconds: { before: bigint; window: bigint },
  circulating: bigint,
): { net: bigint; baseline: bigint; spike: boolean } {
  const now = grossFlow(window, exchanges);
  const earlier = grossFlow(before, exchanges);
  const net = now.inflow - now.outflow;
  const earlierNet = earlier.inflow - earlier.outflow;
  const baseline = earlierNet > 0n && seconds.before > 0n ? (earlierNet * seconds.window) / seconds.before : 0n;
  const spike = percentOf(net, circulating) >= 1 && net >= 3n * baseline;
  return { net, baseline, spike };
}
