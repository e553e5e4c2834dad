import { labelOf, type AddressLabel, type ChainClient } from '@oca/chain';
import type { Network } from '@oca/contracts';
import type { Address } from 'viem';
import { readBalance } from '../dex';
import { gini, holdersForHalf, percentOf } from '../tokens/concentration';
import type { TokenTransfer } from '../tokens/token-history';
import type { HolderKind, WhaleData, WhaleHolder } from './whale-contract';

/** Accounts whose balance is read from the chain; beyond this the replayed balance stands in. */
export const MAX_BALANCE_READS = 5_000;
/** Holders listed in the result. */
export const TOP_HOLDERS = 20;
/** Holders whose code size is read (for their kind): the listed ones and the funding candidates. */
const CODE_READS = 40;

/** One account's standing at the pinned block. */
export interface Holder {
  address: Address;
  balance: bigint;
  kind: HolderKind;
  label: AddressLabel | undefined;
  /** Set for the token's DEX pools, which the registry does not list. */
  poolName: string | undefined;
}

/** Every account that ever held the token, with its balance now, largest first. */
export interface HolderBook {
  /** Non-zero balances only, largest first (equal balances by address). */
  holders: Holder[];
  /** Accounts whose balance came from `balanceOf` (the rest from the Transfer history). */
  balancesRead: number;
  byAddress: ReadonlyMap<Address, Holder>;
}

/** Balances replayed from the Transfer history: exact for a plain ERC-20, the order used to pick what to read. */
export function replayBalances(transfers: readonly TokenTransfer[]): Map<Address, bigint> {
  const balances = new Map<Address, bigint>();
  for (const t of transfers) {
    balances.set(t.from, (balances.get(t.from) ?? 0n) - t.amount);
    balances.set(t.to, (balances.get(t.to) ?? 0n) + t.amount);
  }
  return balances;
}

/**
 * Each account's balance at the pinned block: `balanceOf` for the `MAX_BALANCE_READS` largest by
 * replayed balance (a rebase or a silent balance rewrite emits no Transfer), the replay for the
 * rest; then the kind of the largest: registry label, DEX pool, or code size.
 */
export async function readHolderBook(
  client: ChainClient,
  network: Network,
  token: Address,
  transfers: readonly TokenTransfer[],
  pools: ReadonlyMap<Address, string>,
  blockNumber: bigint,
): Promise<HolderBook> {
  const replayed = [...replayBalances(transfers)].sort(byBalance);
  const toRead = replayed.slice(0, MAX_BALANCE_READS);
  const read = await Promise.all(toRead.map(([account]) => readBalance(client, token, account, blockNumber)));
  const balances = new Map<Address, bigint>(replayed);
  toRead.forEach(([account], i) => balances.set(account, read[i] ?? balances.get(account) ?? 0n));
  const positive = [...balances].filter(([, b]) => b > 0n).sort(byBalance);

  const needCode = positive.slice(0, CODE_READS).map(([a]) => a);
  const codes = await Promise.all(needCode.map((address) => client.getCode({ address, blockNumber })));
  const hasCode = new Map(needCode.map((a, i) => [a, (codes[i] ?? '0x') !== '0x']));
  const holders = positive.map(([address, balance]): Holder => {
    const label = labelOf(network, address);
    // A listed DEX pool the snapshot did not find (another quote token, another DEX) is a pool too.
    const poolName = pools.get(address) ?? (label?.kind === 'dex-pool' ? label.name : undefined);
    return { address, balance, label, poolName, kind: kindOf(label, poolName, hasCode.get(address)) };
  });
  return { holders, balancesRead: toRead.length, byAddress: new Map(holders.map((h) => [h.address, h])) };
}

/** A burn label wins, then pools (found by the market snapshot or labelled `dex-pool`), lockers and exchanges; otherwise code decides (unknown code: EOA). */
export function kindOf(label: AddressLabel | undefined, poolName: string | undefined, hasCode: boolean | undefined): HolderKind {
  if (label?.kind === 'burn') return 'burn';
  if (poolName !== undefined || label?.kind === 'dex-pool') return 'pool';
  if (label?.kind === 'locker') return 'locker';
  if (label?.kind === 'exchange') return 'exchange';
  return hasCode ? 'contract' : 'eoa';
}

/** Largest first; equal balances by lower-case address, so the order is stable. */
function byBalance([a, x]: [Address, bigint], [b, y]: [Address, bigint]): number {
  if (x !== y) return x > y ? -1 : 1;
  return a.toLowerCase() < b.toLowerCase() ? -1 : 1;
}

/** The `TOP_HOLDERS` largest, as listed in the result. */
export function topHolders(book: HolderBook, totalSupply: bigint): WhaleHolder[] {
  return book.holders.slice(0, TOP_HOLDERS).map((h, i) => ({
    rank: i + 1,
    address: h.address,
    balance: h.balance.toString(),
    percent: Math.min(100, percentOf(h.balance, totalSupply)),
    kind: h.kind,
    label: h.label?.name ?? h.poolName ?? null,
    labelSource: h.label?.source ?? null,
  }));
}

/** Concentration over every holder but burn addresses, against circulating supply. */
export function concentrationOf(book: HolderBook, totalSupply: bigint): WhaleData['concentration'] & { circulating: bigint } {
  const burned = book.holders.filter((h) => h.kind === 'burn').reduce((sum, h) => sum + h.balance, 0n);
  const circulating = totalSupply > burned ? totalSupply - burned : 0n;
  const balances = book.holders.filter((h) => h.kind !== 'burn').map((h) => h.balance);
  const top10 = balances.slice(0, 10).reduce((sum, b) => sum + b, 0n);
  return {
    circulating,
    circulatingSupply: circulating.toString(),
    top10Percent: Math.min(100, percentOf(top10, circulating)),
    gini: gini(balances),
    holdersFor50Percent: holdersForHalf(balances, circulating),
  };
}
