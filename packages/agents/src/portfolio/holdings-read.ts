import { uniswapV2FactoryAbi, uniswapV2PairAbi, uniswapV3FactoryAbi, uniswapV3PositionManagerAbi, type ChainClient, type DexDeployment } from '@oca/chain';
import { getAddress, parseAbi, zeroAddress, type Address } from 'viem';
import { readOrNull, readTokenMeta, type TokenMeta } from '../dex';
import { amountsForLiquidity, feeGrowthInside, uncollectedFees } from './v3-math';
import type { WalletTransfer } from './wallet-history';

/** Reads a contract answers when it is a Uniswap V2 pair (its factory is then checked). */
const pairProbeAbi = parseAbi(['function factory() view returns (address)', 'function totalSupply() view returns (uint256)']);
const balanceAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

/** The pool state a position's amounts and fees are computed from. */
const v3PoolStateAbi = parseAbi([
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'function feeGrowthGlobal0X128() view returns (uint256)',
  'function feeGrowthGlobal1X128() view returns (uint256)',
  'function ticks(int24 tick) view returns (uint128 liquidityGross, int128 liquidityNet, uint256 feeGrowthOutside0X128, uint256 feeGrowthOutside1X128, int56 tickCumulativeOutside, uint160 secondsPerLiquidityOutsideX128, uint32 secondsOutside, bool initialized)',
]);

/** A fungible token the wallet holds at the block (balance > 0). */
export interface TokenHolding {
  meta: TokenMeta & { decimals: number };
  balance: bigint;
  /** Set when the token is a Uniswap V2 pair of a listed factory. */
  pair: { factory: string; token0: Address; token1: Address; reserve0: bigint; reserve1: bigint; totalSupply: bigint } | null;
}

/** A V3 position NFT the wallet owns at the block, with what it is worth in its pool's tokens. */
export interface V3Holding {
  manager: Address;
  tokenId: bigint;
  pool: Address;
  token0: Address;
  token1: Address;
  fee: number;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  amount0: bigint;
  amount1: bigint;
  fees0: bigint;
  fees1: bigint;
}

/**
 * Every ERC-20 the history names (plus `alsoCheck`: the network's quote tokens, which a wallet may
 * hold without a Transfer, e.g. wrapped by a contract), read at the block in one batch: metadata,
 * the wallet's balance and the V2-pair probes; a second batch asks each probing pair's factory
 * whether it made it (only the deployment's listed V2 factories are trusted).
 */
export async function readTokenHoldings(
  client: ChainClient,
  deployment: DexDeployment,
  wallet: Address,
  transfers: readonly WalletTransfer[],
  alsoCheck: readonly Address[],
  blockNumber: bigint,
): Promise<TokenHolding[]> {
  const candidates = [...new Set([...alsoCheck, ...transfers.filter((t) => t.kind === 'erc20' || t.kind === 'deposit').map((t) => t.contract)].map((a) => getAddress(a)))];
  const rows = await Promise.all(
    candidates.map(async (token) => {
      const [meta, balance, factory, totalSupply, token0, token1, reserves] = await Promise.all([
        readTokenMeta(client, token, blockNumber),
        readOrNull(client, { address: token, abi: balanceAbi, functionName: 'balanceOf', args: [wallet], blockNumber }),
        readOrNull(client, { address: token, abi: pairProbeAbi, functionName: 'factory', blockNumber }),
        readOrNull(client, { address: token, abi: pairProbeAbi, functionName: 'totalSupply', blockNumber }),
        readOrNull(client, { address: token, abi: uniswapV2PairAbi, functionName: 'token0', blockNumber }),
        readOrNull(client, { address: token, abi: uniswapV2PairAbi, functionName: 'token1', blockNumber }),
        readOrNull(client, { address: token, abi: uniswapV2PairAbi, functionName: 'getReserves', blockNumber }),
      ]);
      return { token, meta, balance: balance ?? 0n, factory, totalSupply, token0, token1, reserves };
    }),
  );
  const held = rows.filter((r) => r.meta.decimals !== null && r.balance > 0n);
  const listed = new Map(deployment.v2Factories.map((f) => [f.address.toLowerCase(), f]));
  return Promise.all(
    held.map(async (r): Promise<TokenHolding> => {
      const meta = { ...r.meta, decimals: r.meta.decimals! };
      const factory = r.factory ? listed.get(r.factory.toLowerCase()) : undefined;
      if (!factory || !r.token0 || !r.token1 || !r.reserves || !r.totalSupply) return { meta, balance: r.balance, pair: null };
      const made = await readOrNull(client, { address: factory.address, abi: uniswapV2FactoryAbi, functionName: 'getPair', args: [r.token0, r.token1], blockNumber });
      if (!made || getAddress(made) !== r.token) return { meta, balance: r.balance, pair: null };
      const [reserve0, reserve1] = r.reserves;
      return { meta, balance: r.balance, pair: { factory: factory.name, token0: getAddress(r.token0), token1: getAddress(r.token1), reserve0, reserve1, totalSupply: r.totalSupply } };
    }),
  );
}

/** The wallet's share of a V2 pair: balance / totalSupply of each reserve, rounded down as a burn pays. */
export function lpUnderlying(balance: bigint, pair: NonNullable<TokenHolding['pair']>): { amount0: bigint; amount1: bigint } {
  if (pair.totalSupply === 0n) return { amount0: 0n, amount1: 0n };
  return { amount0: (balance * pair.reserve0) / pair.totalSupply, amount1: (balance * pair.reserve1) / pair.totalSupply };
}

/**
 * V3 position NFTs the history shows arriving from a listed position manager, kept when the wallet
 * still owns them with liquidity or fees: `ownerOf` and `positions` per id (one batch), then per
 * position its pool (`getPool` at the manager's factory) and the pool's slot0, fee growth and the
 * range's ticks (one batch each), from which amounts and uncollected fees are computed.
 */
export async function readV3Holdings(client: ChainClient, deployment: DexDeployment, wallet: Address, transfers: readonly WalletTransfer[], blockNumber: bigint): Promise<V3Holding[]> {
  const managers = new Map(deployment.v3Factories.filter((f) => f.positionManager).map((f) => [f.positionManager!.toLowerCase(), f]));
  const ids = new Map<string, { manager: Address; tokenId: bigint }>();
  for (const t of transfers) {
    if (t.kind === 'erc721' && t.to === wallet && managers.has(t.contract.toLowerCase())) ids.set(`${t.contract}:${t.tokenId}`, { manager: t.contract, tokenId: t.tokenId! });
  }
  const owned = await Promise.all(
    [...ids.values()].map(async ({ manager, tokenId }) => {
      const [owner, position] = await Promise.all([
        readOrNull(client, { address: manager, abi: uniswapV3PositionManagerAbi, functionName: 'ownerOf', args: [tokenId], blockNumber }),
        readOrNull(client, { address: manager, abi: uniswapV3PositionManagerAbi, functionName: 'positions', args: [tokenId], blockNumber }),
      ]);
      return owner && getAddress(owner) === wallet && position ? { manager, tokenId, position } : null;
    }),
  );
  const live = owned.filter((o): o is NonNullable<typeof o> => o !== null && (o.position[7] > 0n || o.position[10] > 0n || o.position[11] > 0n));
  const read = await Promise.all(
    live.map(async ({ manager, tokenId, position }) => {
      const [, , token0, token1, fee, tickLower, tickUpper, liquidity, inside0Last, inside1Last, owed0, owed1] = position;
      const factory = managers.get(manager.toLowerCase())!;
      const pool = await readOrNull(client, { address: factory.address, abi: uniswapV3FactoryAbi, functionName: 'getPool', args: [token0, token1, fee], blockNumber });
      if (!pool || pool === zeroAddress) return null;
      const call = <F extends 'slot0' | 'feeGrowthGlobal0X128' | 'feeGrowthGlobal1X128'>(functionName: F) => readOrNull(client, { address: pool, abi: v3PoolStateAbi, functionName, blockNumber });
      const tick = (t: number) => readOrNull(client, { address: pool, abi: v3PoolStateAbi, functionName: 'ticks', args: [t], blockNumber });
      const [slot0, global0, global1, lower, upper] = await Promise.all([call('slot0'), call('feeGrowthGlobal0X128'), call('feeGrowthGlobal1X128'), tick(tickLower), tick(tickUpper)]);
      if (!slot0 || global0 === null || global1 === null || !lower || !upper) return null;
      const [sqrtPriceX96, current] = slot0;
      const { amount0, amount1 } = amountsForLiquidity(sqrtPriceX96, tickLower, tickUpper, liquidity);
      const inside0 = feeGrowthInside(current, tickLower, tickUpper, global0, lower[2], upper[2]);
      const inside1 = feeGrowthInside(current, tickLower, tickUpper, global1, lower[3], upper[3]);
      return {
        manager,
        tokenId,
        pool: getAddress(pool),
        token0: getAddress(token0),
        token1: getAddress(token1),
        fee,
        tickLower,
        tickUpper,
        liquidity,
        amount0,
        amount1,
        fees0: uncollectedFees(liquidity, inside0, inside0Last, owed0),
        fees1: uncollectedFees(liquidity, inside1, inside1Last, owed1),
      } satisfies V3Holding;
    }),
  );
  return read.filter((p): p is V3Holding => p !== null);
}
