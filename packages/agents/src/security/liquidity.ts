import type { DexDeployment, LpLocker } from '@oca/chain';
import type { Address } from 'viem';
import { BURN_ADDRESSES, distribution, percent, type BalanceSheet } from './holder-stats';
import type { ProbePool } from './probe/security-probe';
import type { LpLock, SecurityLiquidity, SecurityPool } from './schemas';
import { backedPositions, type AttributedPosition, type V3Candidates, type V3MintHistory } from './v3-positions';

/** Pools analysed in depth (LP holders, simulation candidates), deepest first. */
export const MAX_POOLS = 5;

/**
 * A known locker (`LP_LOCKERS` in @oca/chain) as read for one pool: `lockedBalance` is its answer
 * to `lockedBalance(pair)` for the `lockedBalance` kind (null when the call failed), unused for `held`.
 */
export interface LockerReading {
  locker: LpLocker;
  lockedBalance: bigint | null;
}

/** A verified pair seen from the token's side. */
export interface OrientedPool {
  pool: ProbePool;
  quoteToken: Address;
  reserveToken: bigint;
  reserveQuote: bigint;
  /** Which DEX made it (`dexNameOf`). */
  dexName: string;
  /** A V2 pair's swap fee in basis points (`v2FeeBpsOf`); null for V3 and Solidly pools (they quote their own output). */
  feeBps: number | null;
}

/**
 * The token's pools, deepest (largest holding of the token: V2 reserve, V3 pool balance) first,
 * at most `MAX_POOLS`, each named by the network's listed factory that made it.
 */
export function orientPools(token: Address, pools: readonly ProbePool[], deployment?: DexDeployment): OrientedPool[] {
  return pools
    .map((pool) => {
      const isToken0 = pool.token0 === token;
      return {
        pool,
        quoteToken: isToken0 ? pool.token1 : pool.token0,
        reserveToken: isToken0 ? pool.reserve0 : pool.reserve1,
        reserveQuote: isToken0 ? pool.reserve1 : pool.reserve0,
        dexName: dexNameOf(deployment, pool),
        feeBps: pool.version === 2 && !pool.solidly ? v2FeeBpsOf(deployment, pool) : null,
      };
    })
    .sort((a, b) => (a.reserveToken !== b.reserveToken ? (a.reserveToken > b.reserveToken ? -1 : 1) : a.pool.pair.toLowerCase() < b.pool.pair.toLowerCase() ? -1 : 1))
    .slice(0, MAX_POOLS);
}

/** A V3 pool's liquidity is held as positions (NFTs of a position manager, or raw pool positions), not a fungible LP token. */
export const V3_LP_UNKNOWN =
  'Uniswap V3 liquidity is held as positions (position-manager NFTs or raw pool positions), not as a fungible LP token, and this pool’s positions belong to contracts that are not position managers (no NFT and no EOA accounts for them), so burned and locked shares are not read.';

/** The listed factory's name (Uniswap or a fork), or what kind of unlisted factory made the pool. */
export function dexNameOf(deployment: DexDeployment | undefined, pool: { factory: Address; version: 2 | 3; solidly?: boolean }): string {
  const factories = pool.solidly
    ? (deployment?.solidlyFactories ?? []).filter((f) => f.kind === 'solidly')
    : pool.version === 3
      ? (deployment?.v3Factories ?? [])
      : (deployment?.v2Factories ?? []);
  const listed = factories.find((f) => f.address.toLowerCase() === pool.factory.toLowerCase());
  return listed?.name ?? (pool.solidly ? 'unlisted-solidly' : `unlisted-v${pool.version}`);
}

/**
 * A V2 pair's swap fee in basis points: its listed factory's `feeBps` (PancakeSwap V2 25), else
 * Uniswap V2's 30 — an unlisted fork charging more makes the simulated buy revert on its K check,
 * and the simulation then passes that pool over for the next.
 */
export function v2FeeBpsOf(deployment: DexDeployment | undefined, pool: { factory: Address }): number {
  const listed = deployment?.v2Factories.find((f) => f.address.toLowerCase() === pool.factory.toLowerCase());
  return listed?.feeBps ?? 30;
}

/** The figures every pool carries, V2 or V3. */
function poolFigures(oriented: OrientedPool) {
  const { pool } = oriented;
  const v3 = pool.version === 3;
  return {
    address: pool.pair,
    dex: v3 ? ('uniswap-v3' as const) : pool.solidly ? ('solidly' as const) : ('uniswap-v2' as const),
    dexName: oriented.dexName,
    factory: pool.factory,
    token0: pool.token0,
    token1: pool.token1,
    feeTier: v3 ? pool.fee : null,
    quoteToken: oriented.quoteToken,
    reserveToken: oriented.reserveToken.toString(),
    reserveQuote: oriented.reserveQuote.toString(),
    sqrtPriceX96: v3 ? pool.sqrtPriceX96.toString() : null,
    liquidity: v3 ? pool.liquidity.toString() : null,
  };
}

/** What the agent read of a V3 pool's positions (steps 4–6; `candidates` null when the history failed). */
export interface V3Reading {
  history: V3MintHistory;
  candidates: V3Candidates | null;
  nfts: readonly AttributedPosition[];
}

/** A V3 pool whose positions were not (or could not be) attributed: reserves and price, LP figures unknown. */
function unknownV3Pool(oriented: OrientedPool, reason: string, positionLiquidity: bigint | null): SecurityPool {
  return {
    ...poolFigures(oriented),
    lpTotalSupply: null,
    positionLiquidity: positionLiquidity === null ? null : positionLiquidity.toString(),
    lpHolderCount: null,
    lpHolders: [],
    lpBurnedPercent: null,
    lpLockedPercent: null,
    lpUnattributedPercent: positionLiquidity === null ? null : 100,
    lpLocks: [],
    lpUnknownReason: reason,
  };
}

/**
 * One V3 pool with its liquidity attributed to position-manager NFT owners (and EOAs owning raw
 * pool positions themselves), as shares of the liquidity of all the pool's positions. An NFT owned
 * by a burn address is burned; by a known locker, locked while the locker says so (expired locks are
 * not counted); by any other contract, unclassified. Liquidity in raw positions of contracts that
 * are not managers is reported as unattributed, and then (as with an unclassified contract) the
 * locked share is null: who controls it is not known.
 */
export function describeV3Pool(
  oriented: OrientedPool,
  reading: V3Reading | null,
  roles: { owner: Address | null; creator: Address | null },
  lockers: readonly LpLocker[] = [],
): SecurityPool {
  if (!reading) return unknownV3Pool(oriented, V3_LP_UNKNOWN, null);
  if (!reading.history.ok) return unknownV3Pool(oriented, reading.history.reason, null);
  const candidates = reading.candidates!;
  const total = [...candidates.liquidity.values()].reduce((sum, l) => sum + l, 0n);
  const nfts = backedPositions(reading.nfts, candidates.liquidity);
  const byOwner = new Map<Address, { liquidity: bigint; locked: bigint; codeSize: number }>();
  const credit = (owner: Address, liquidity: bigint, locked: boolean, codeSize: number) => {
    const entry = byOwner.get(owner) ?? { liquidity: 0n, locked: 0n, codeSize };
    entry.liquidity += liquidity;
    if (locked) entry.locked += liquidity;
    byOwner.set(owner, entry);
  };
  for (const nft of nfts) credit(nft.owner, nft.liquidity, nft.locked, nft.ownerCodeSize);
  // A raw position owned by an EOA (or a burn address) is that account's own: only it can burn it.
  // One owned by any other contract that is not a manager (a vault) is left unattributed.
  for (const raw of candidates.positions) {
    if (candidates.managers.has(raw.owner)) continue;
    const codeSize = candidates.ownerCodeSizes.get(raw.owner) ?? 0;
    if (codeSize === 0 || BURN_ADDRESSES.has(raw.owner)) credit(raw.owner, candidates.liquidity.get(raw.key) ?? 0n, false, codeSize);
  }
  const attributed = [...byOwner.values()].reduce((sum, e) => sum + e.liquidity, 0n);
  if (total > 0n && attributed === 0n) return unknownV3Pool(oriented, V3_LP_UNKNOWN, total);

  const owners = [...byOwner.keys()];
  const sheet: BalanceSheet = { accounts: owners, balances: owners.map((o) => byOwner.get(o)!.liquidity), codeSizes: owners.map((o) => byOwner.get(o)!.codeSize) };
  const lockerSet = new Set(lockers.map((l) => l.address));
  const dist = distribution(sheet, total, { owner: roles.owner, creator: roles.creator, lockers: lockerSet });
  let burned = 0n;
  let locked = 0n;
  let unclassifiedContract = false;
  const lpLocks: LpLock[] = [];
  for (const [account, entry] of byOwner) {
    const locker = lockers.find((l) => l.address === account);
    if (BURN_ADDRESSES.has(account)) burned += entry.liquidity;
    else if (locker) {
      // A locker that cannot say per NFT counts everything it holds, as `held` lockers do for V2.
      const expiryChecked = locker.nftRead === 'isNftLocked';
      const lockedHere = expiryChecked ? entry.locked : entry.liquidity;
      locked += lockedHere;
      lpLocks.push({ locker: account, name: locker.name, heldPercent: percent(entry.liquidity, total), lockedPercent: percent(lockedHere, total), expiryChecked });
    } else if (entry.codeSize > 0) unclassifiedContract = true;
  }
  const unattributed = total - attributed;
  const unknown =
    unattributed > 0n
      ? `${percent(unattributed, total).toFixed(2)}% of the pool's position liquidity is in positions owned by contracts that are not position managers${candidates.receiptsIncomplete ? ' (or NFTs past the read budget)' : ''}, so who controls it, and the locked share, are unknown.`
      : unclassifiedContract
        ? 'Some position NFTs sit in contracts that are not known lockers, so the locked share is unknown.'
        : null;
  return {
    ...poolFigures(oriented),
    lpTotalSupply: null,
    positionLiquidity: total.toString(),
    lpHolderCount: dist.holderCount,
    lpHolders: dist.top,
    lpBurnedPercent: percent(burned, total),
    lpLockedPercent: unknown ? null : percent(locked, total),
    lpUnattributedPercent: percent(unattributed, total),
    lpLocks,
    lpUnknownReason: unknown,
  };
}

/**
 * One V2 pool with its LP distribution; `roles` tags the token's owner and creator among LP
 * holders, `lockers` are the network's known lockers (all of them; those holding none drop out).
 * LP in a burn address is burned; in a known locker, locked as far as the locker says (expired
 * locks are not counted); in any other contract, unclassified, which makes the locked share null.
 */
export function describePool(
  oriented: OrientedPool,
  lp: BalanceSheet,
  roles: { owner: Address | null; creator: Address | null },
  lockers: readonly LockerReading[] = [],
): SecurityPool {
  const { pool } = oriented;
  const lockerSet = new Set(lockers.map((l) => l.locker.address));
  const dist = distribution(lp, pool.lpSupply, { owner: roles.owner, creator: roles.creator, lockers: lockerSet });
  let burned = 0n;
  let locked = 0n;
  let unclassifiedContract = false;
  let unreadLocker = false;
  const lpLocks: LpLock[] = [];
  lp.accounts.forEach((account, i) => {
    const balance = lp.balances[i] ?? 0n;
    if (balance === 0n) return;
    const reading = lockers.find((l) => l.locker.address === account);
    if (BURN_ADDRESSES.has(account)) burned += balance;
    else if (reading) {
      const still = reading.locker.read === 'held' ? balance : reading.lockedBalance;
      if (still === null) unreadLocker = true;
      const lockedHere = still === null ? 0n : still < balance ? still : balance;
      locked += lockedHere;
      lpLocks.push({
        locker: account,
        name: reading.locker.name,
        heldPercent: percent(balance, pool.lpSupply),
        lockedPercent: percent(lockedHere, pool.lpSupply),
        expiryChecked: reading.locker.read === 'lockedBalance',
      });
    } else if ((lp.codeSizes[i] ?? 0) > 0) unclassifiedContract = true;
  });
  const unknown = unclassifiedContract
    ? 'Some LP tokens sit in contracts that are not known lockers, so the locked share is unknown.'
    : unreadLocker
      ? 'A known locker holds LP tokens but did not answer lockedBalance(), so the locked share is unknown.'
      : null;
  return {
    ...poolFigures(oriented),
    lpTotalSupply: pool.lpSupply.toString(),
    positionLiquidity: null,
    lpHolderCount: dist.holderCount,
    lpHolders: dist.top,
    lpBurnedPercent: percent(burned, pool.lpSupply),
    lpLockedPercent: unknown ? null : percent(locked, pool.lpSupply),
    lpUnattributedPercent: null,
    lpLocks,
    lpUnknownReason: unknown,
  };
}

export function liquidityOf(pools: SecurityPool[]): SecurityLiquidity {
  const deepest = pools[0];
  return { pools, lpBurnedPercent: deepest ? deepest.lpBurnedPercent : null, lpLockedPercent: deepest ? deepest.lpLockedPercent : null };
}
