import type { Address } from 'viem';
import { BURN_ADDRESSES, distribution, percent, type BalanceSheet } from './holder-stats';
import type { ProbePool } from './probe/security-probe';
import type { SecurityLiquidity, SecurityPool } from './schemas';

/** Pools analysed in depth (LP holders, simulation candidates), deepest first. */
export const MAX_POOLS = 5;

/**
 * LP lockers the agent recognises, per network. Empty for now: no registry of locker contracts
 * (UNCX, Team Finance, PinkLock) has been verified for this product, and a wrong entry would
 * report unlocked liquidity as locked. LP held by an unrecognised contract makes
 * `lpLockedPercent` null instead of 0.
 */
export const LP_LOCKERS: ReadonlySet<Address> = new Set();

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
    lpUnknownReason: V3_LP_UNKNOWN,
  };
}

/** One V2 pool with its LP distribution; `roles` tags the token's owner and creator among LP holders. */
export function describePool(oriented: OrientedPool, lp: BalanceSheet, roles: { owner: Address | null; creator: Address | null }): SecurityPool {
  const { pool } = oriented;
  const dist = distribution(lp, pool.lpSupply, { owner: roles.owner, creator: roles.creator, lockers: LP_LOCKERS });
  let burned = 0n;
  let locked = 0n;
  let unclassifiedContract = false;
  lp.accounts.forEach((account, i) => {
    const balance = lp.balances[i] ?? 0n;
    if (balance === 0n) return;
    if (BURN_ADDRESSES.has(account)) burned += balance;
    else if (LP_LOCKERS.has(account)) locked += balance;
    else if ((lp.codeSizes[i] ?? 0) > 0) unclassifiedContract = true;
  });
  return {
    ...poolFigures(oriented),
    lpTotalSupply: pool.lpSupply.toString(),
    lpHolderCount: dist.holderCount,
    lpHolders: dist.top,
    lpBurnedPercent: percent(burned, pool.lpSupply),
    lpLockedPercent: unclassifiedContract ? null : percent(locked, pool.lpSupply),
    lpUnknownReason: unclassifiedContract ? 'Some LP tokens sit in contracts that are not known lockers, so the locked share is unknown.' : null,
  };
}

export function liquidityOf(pools: SecurityPool[]): SecurityLiquidity {
  const deepest = pools[0];
  return { pools, lpBurnedPercent: deepest ? deepest.lpBurnedPercent : null, lpLockedPercent: deepest ? deepest.lpLockedPercent : null };
}
