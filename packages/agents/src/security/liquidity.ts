import type { LpLocker } from '@oca/chain';
import type { Address } from 'viem';
import { BURN_ADDRESSES, distribution, percent, type BalanceSheet } from './holder-stats';
import type { ProbePool } from './probe/security-probe';
import type { LpLock, SecurityLiquidity, SecurityPool } from './schemas';

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
}

/**
 * The token's pools, deepest (largest holding of the token: V2 reserve, V3 pool balance) first,
 * at most `MAX_POOLS`.
 */
export function orientPools(token: Address, pools: readonly ProbePool[]): OrientedPool[] {
  return pools
    .map((pool) => {
      const isToken0 = pool.token0 === token;
      return {
        pool,
        quoteToken: isToken0 ? pool.token1 : pool.token0,
        reserveToken: isToken0 ? pool.reserve0 : pool.reserve1,
        reserveQuote: isToken0 ? pool.reserve1 : pool.reserve0,
      };
    })
    .sort((a, b) => (a.reserveToken !== b.reserveToken ? (a.reserveToken > b.reserveToken ? -1 : 1) : a.pool.pair.toLowerCase() < b.pool.pair.toLowerCase() ? -1 : 1))
    .slice(0, MAX_POOLS);
}

/** A V3 pool's liquidity is held as positions (NFTs of a position manager, or raw pool positions), not a fungible LP token. */
export const V3_LP_UNKNOWN =
  'Uniswap V3 liquidity is held as positions (position-manager NFTs or raw pool positions), not as a fungible LP token, so burned and locked shares are not read.';

/** The figures every pool carries, V2 or V3. */
function poolFigures(oriented: OrientedPool) {
  const { pool } = oriented;
  const v3 = pool.version === 3;
  return {
    address: pool.pair,
    dex: v3 ? ('uniswap-v3' as const) : ('uniswap-v2' as const),
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

/** A V3 pool: reserves and price, LP figures honestly unknown. */
export function describeV3Pool(oriented: OrientedPool): SecurityPool {
  return {
    ...poolFigures(oriented),
    lpTotalSupply: null,
    lpHolderCount: null,
    lpHolders: [],
    lpBurnedPercent: null,
    lpLockedPercent: null,
    lpLocks: [],
    lpUnknownReason: V3_LP_UNKNOWN,
  };
}

/**
 * One V2 pool with its LP distribution; `roles` tags the token's owner and creator among LP
 * holders, `lockers` are the network's known lockers (all of them; those holding none drop out).
 * LP in a burn address is burned; in a known locker, locked as far as the locker says (expired
 * locks are not counted); in any other contract, unclassified, which makes the locked share null.
 */
export function describePool(oriented: OrientedPool, lp: BalanceSheet, roles: { owner: Address | null; creator: Address | null }, lockers: readonly LockerReading[] = []): SecurityPool {
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
    lpHolderCount: dist.holderCount,
    lpHolders: dist.top,
    lpBurnedPercent: percent(burned, pool.lpSupply),
    lpLockedPercent: unknown ? null : percent(locked, pool.lpSupply),
    lpLocks,
    lpUnknownReason: unknown,
  };
}

export function liquidityOf(pools: SecurityPool[]): SecurityLiquidity {
  const deepest = pools[0];
  return { pools, lpBurnedPercent: deepest ? deepest.lpBurnedPercent : null, lpLockedPercent: deepest ? deepest.lpLockedPercent : null };
}
