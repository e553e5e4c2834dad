import { firstFunders, HistoryUnavailableError, LogBudgetExceededError, type AddressHistory, type AddressLabel } from '@oca/chain';
import type { Address } from 'viem';
import type { WashFilter } from './nft-contract';
import type { RawSale } from './sales';

/** Dune's look-back and look-ahead for the back-and-forth and repeat-buyer filters. */
export const WASH_WINDOW_SECONDS = 30n * 86_400n;
/** Wallets (buyers and sellers, busiest first) whose first funder is looked up. */
export const MAX_FUNDED_WALLETS = 200;
/** Labels whose wallets pay many unrelated people: not a common funder (Dune excludes exchanges, bridges and mixers). */
const PLUMBING: ReadonlySet<string> = new Set(['exchange', 'bridge', 'mixer', 'dex-router']);

export interface Funding {
  available: boolean;
  source: string | null;
  reason: string | null;
  /** Wallet → first funder, for funders that count (not plumbing, not a contract). */
  funderOf: Map<Address, Address>;
  requests: number;
}

/**
 * The first funder of the busiest buyers and sellers from `history` (trace_filter) since
 * `fromBlock` (the collection's creation: a trace scan from genesis does not fit a provider's
 * range limits); a funder the registry labels as an exchange, bridge, mixer or router, or one
 * with code (a marketplace paying out a sale, a contract), does not count.
 */
export async function readFunding(
  history: AddressHistory,
  sales: readonly RawSale[],
  fromBlock: bigint,
  blockNumber: bigint,
  labelOf: (a: Address) => AddressLabel | undefined,
  hasCode: (addresses: Address[]) => Promise<Set<Address>>,
  signal?: AbortSignal,
): Promise<Funding> {
  const activity = new Map<Address, number>();
  for (const s of sales) for (const a of [s.buyer, s.seller]) activity.set(a, (activity.get(a) ?? 0) + 1);
  const wallets = [...activity].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_FUNDED_WALLETS).map(([a]) => a);
  try {
    const since: AddressHistory = { source: history.source, nativeTransfersTo: (q) => history.nativeTransfersTo({ ...q, fromBlock: q.fromBlock > fromBlock ? q.fromBlock : fromBlock }) };
    const { funders, requests } = await firstFunders(since, wallets, blockNumber, signal);
    const candidates = [...new Set([...funders.values()].filter((f) => f !== null).map((f) => f.from))].filter((f) => !PLUMBING.has(labelOf(f)?.kind ?? ''));
    const contracts = await hasCode(candidates);
    const funderOf = new Map<Address, Address>();
    for (const [wallet, f] of funders) if (f && candidates.includes(f.from) && !contracts.has(f.from)) funderOf.set(wallet, f.from);
    return { available: true, source: history.source, reason: null, funderOf, requests: requests + candidates.length };
  } catch (err) {
    if (err instanceof HistoryUnavailableError) {
      return { available: false, source: null, reason: `the RPC node does not offer ${history.source}, so the first-funder filter did not run`, funderOf: new Map(), requests: 0 };
    }
    if (err instanceof LogBudgetExceededError) {
      return { available: false, source: null, reason: `the traders' native transfer history did not fit the read budget (${err.requests} requests)`, funderOf: new Map(), requests: err.requests };
    }
    throw err;
  }
}

/**
 * Dune's five wash-trade filters, per sale: the buyer is the seller; the same two wallets traded
 * the token in the opposite direction within 30 days; the buyer bought the token three or more
 * times within 30 days of the sale; buyer and seller share a first funder; the transaction took a
 * flash loan.
 */
export function washFilters(sales: readonly RawSale[], funderOf: ReadonlyMap<Address, Address>): WashFilter[][] {
  const near = (a: RawSale, b: RawSale) => (a.timestamp > b.timestamp ? a.timestamp - b.timestamp : b.timestamp - a.timestamp) <= WASH_WINDOW_SECONDS;
  const byToken = new Map<bigint, RawSale[]>();
  for (const s of sales) byToken.set(s.transfer.tokenId, [...(byToken.get(s.transfer.tokenId) ?? []), s]);
  return sales.map((s) => {
    const same = byToken.get(s.transfer.tokenId)!;
    const filters: WashFilter[] = [];
    if (s.buyer === s.seller) filters.push('buyer_is_seller');
    if (s.buyer !== s.seller && same.some((o) => o !== s && o.buyer === s.seller && o.seller === s.buyer && near(o, s))) filters.push('back_and_forth');
    if (same.filter((o) => o.buyer === s.buyer && near(o, s)).length >= 3) filters.push('repeat_buyer');
    const funder = funderOf.get(s.buyer);
    if (s.buyer !== s.seller && funder !== undefined && funder === funderOf.get(s.seller)) filters.push('common_funder');
    if (s.flashLoan) filters.push('flash_loan');
    return filters;
  });
}
