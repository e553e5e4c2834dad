import { zeroAddress, type Address } from 'viem';
import type { HolderTag, TokenHolder } from './schemas';

/** Where LP tokens and supply go to be burned by convention. */
export const DEAD_ADDRESS: Address = '0x000000000000000000000000000000000000dEaD';
export const BURN_ADDRESSES: ReadonlySet<Address> = new Set([zeroAddress, DEAD_ADDRESS]);

export const TOP_HOLDERS = 10;

/** Balances of candidate accounts at the pinned block, as read through the probe. */
export interface BalanceSheet {
  accounts: readonly Address[];
  balances: readonly bigint[];
  codeSizes: readonly number[];
}

/** Who is who, for tags. */
export interface HolderRoles {
  owner?: Address | null;
  creator?: Address | null;
  pools?: ReadonlySet<Address>;
  lockers?: ReadonlySet<Address>;
}

export interface Distribution {
  /** Accounts with a non-zero balance; 0x0 counts when it holds something (V2 burns LP there). */
  holderCount: number;
  /** Largest `TOP_HOLDERS`, descending by balance; equal balances by lower-case address. */
  top: TokenHolder[];
  top10Percent: number;
  /** Balance of any account by address (0n when not a candidate). */
  balanceOf(account: Address): bigint;
  percentOf(account: Address): number;
}

/**
 * Holder distribution against `supply`. Percent uses exact integer division to 6 decimals, so
 * the same balances always give the same figures (tests recompute them independently).
 */
export function distribution(sheet: BalanceSheet, supply: bigint, roles: HolderRoles = {}): Distribution {
  const byAccount = new Map<Address, { balance: bigint; isContract: boolean }>();
  sheet.accounts.forEach((account, i) => {
    byAccount.set(account, { balance: sheet.balances[i] ?? 0n, isContract: (sheet.codeSizes[i] ?? 0) > 0 });
  });
  const holders = [...byAccount].filter(([, v]) => v.balance > 0n);
  holders.sort(([a, x], [b, y]) => (x.balance !== y.balance ? (x.balance > y.balance ? -1 : 1) : a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  const top = holders.slice(0, TOP_HOLDERS).map(([address, v]) => ({
    address,
    balance: v.balance.toString(),
    percent: percent(v.balance, supply),
    isContract: v.isContract,
    tag: tagOf(address, roles),
  }));
  const topSum = holders.slice(0, TOP_HOLDERS).reduce((sum, [, v]) => sum + v.balance, 0n);
  const balanceOf = (account: Address) => byAccount.get(account)?.balance ?? 0n;
  return {
    holderCount: holders.length,
    top,
    top10Percent: percent(topSum, supply),
    balanceOf,
    percentOf: (account) => percent(balanceOf(account), supply),
  };
}

/** `part / whole` in percent, 6 decimals, clamped to 0–100 (balances can exceed a lying totalSupply). */
export function percent(part: bigint, whole: bigint): number {
  if (whole <= 0n || part <= 0n) return 0;
  const micro = (part * 100_000_000n) / whole;
  return Math.min(100, Number(micro) / 1_000_000);
}

function tagOf(address: Address, roles: HolderRoles): HolderTag | null {
  if (BURN_ADDRESSES.has(address)) return 'burn';
  if (roles.pools?.has(address)) return 'pool';
  if (roles.lockers?.has(address)) return 'locker';
  if (roles.owner === address) return 'owner';
  if (roles.creator === address) return 'creator';
  return null;
}
