import {
  erc20Abi,
  solidlyFactoryAbi,
  uniswapV2FactoryAbi,
  uniswapV2PairAbi,
  uniswapV3FactoryAbi,
  uniswapV3PoolAbi,
  v2Price,
  v3Price,
  type ChainClient,
  type DexDeployment,
  type Ratio,
} from '@oca/chain';
import { getAddress, zeroAddress, type Address } from 'viem';
import { readOrNull } from './contract-reads';

/** A pool oriented for analysis: `base` is the token being priced, `quote` what it is priced in. */
export interface PoolRef {
  address: Address;
  version: 'v2' | 'v3';
  /** The factory's name in the deployment list. */
  dex: string;
  /** V3 fee tier (hundredths of a basis point); null for V2. */
  feeTier: number | null;
  base: Address;
  quote: Address;
  /** Pools sort their tokens by address; token0 is the lower one. */
  baseIsToken0: boolean;
}

/** A pool's holdings and price at one block. */
export interface PoolState {
  /** V2 reserves, or V3 token balances of the pool (including uncollected fees), raw units. */
  baseRaw: bigint;
  quoteRaw: bigint;
  /** V3 only. */
  sqrtPriceX96: bigint | null;
  /** Quote per base, whole units; null when the pool is empty or uninitialised. */
  price: Ratio | null;
}

export function orient(address: Address, version: PoolRef['version'], dex: string, feeTier: number | null, base: Address, quote: Address): PoolRef {
  return { address, version, dex, feeTier, base, quote, baseIsToken0: base.toLowerCase() < quote.toLowerCase() };
}

/**
 * Every pool of `base` against each of `quotes` at the deployment's factories: `getPair` per V2
 * factory and `getPool` per V3 factory and fee tier, all in one batch.
 */
export async function discoverPools(
  client: ChainClient,
  deployment: DexDeployment,
  base: Address,
  quotes: readonly Address[],
  blockNumber: bigint,
): Promise<PoolRef[]> {
  const lookups: Promise<PoolRef | null>[] = [];
  for (const quote of quotes) {
    if (quote.toLowerCase() === base.toLowerCase()) continue;
    for (const factory of deployment.v2Factories) {
      lookups.push(
        readOrNull(client, { address: factory.address, abi: uniswapV2FactoryAbi, functionName: 'getPair', args: [base, quote], blockNumber }).then(
          (pair) => (pair && pair !== zeroAddress ? orient(getAddress(pair), 'v2', factory.name, null, base, quote) : null),
        ),
      );
    }
    for (const factory of deployment.v3Factories) {
      for (const fee of factory.feeTiers) {
        lookups.push(
          readOrNull(client, { address: factory.address, abi: uniswapV3FactoryAbi, functionName: 'getPool', args: [base, quote, fee], blockNumber }).then(
            (pool) => (pool && pool !== zeroAddress ? orient(getAddress(pool), 'v3', factory.name, fee, base, quote) : null),
          ),
        );
      }
    }
  }
  return (await Promise.all(lookups)).filter((p): p is PoolRef => p !== null);
}

/**
 * Every Solidly pool (Velodrome/Aerodrome V2) of `base` against each of `quotes` at the
 * deployment's `solidly` factories, volatile and stable (`getPool(base, quote, stable)`), in one
 * batch: addresses only, for the security agent's probe to verify and read (the market and trend
 * agents do not price Solidly pools).
 */
export async function discoverSolidlyPools(client: ChainClient, deployment: DexDeployment, base: Address, quotes: readonly Address[], blockNumber: bigint): Promise<Address[]> {
  const factories = (deployment.solidlyFactories ?? []).filter((f) => f.kind === 'solidly');
  const lookups: Promise<Address | null>[] = [];
  for (const quote of quotes) {
    if (quote.toLowerCase() === base.toLowerCase()) continue;
    for (const factory of factories) {
      for (const stable of [false, true]) {
        lookups.push(readOrNull(client, { address: factory.address, abi: solidlyFactoryAbi, functionName: 'getPool', args: [base, quote, stable], blockNumber }));
      }
    }
  }
  return (await Promise.all(lookups)).filter((p): p is Address => p !== null && p !== zeroAddress).map((p) => getAddress(p));
}

/** Decimals of a pool's two tokens. */
export interface PoolDecimals {
  base: number;
  quote: number;
}

/** What a pool holds at a block, before decimals turn it into a price. */
export interface PoolRaw {
  baseRaw: bigint;
  quoteRaw: bigint;
  /** V3 only. */
  sqrtPriceX96: bigint | null;
}

/**
 * Holdings at `blockNumber`: V2 `getReserves`; V3 `slot0` plus both token balances of the pool.
 * Null when the pool has no code at that block.
 */
export async function readPoolRaw(client: ChainClient, pool: PoolRef, blockNumber: bigint): Promise<PoolRaw | null> {
  if (pool.version === 'v2') {
    const reserves = await readOrNull(client, { address: pool.address, abi: uniswapV2PairAbi, functionName: 'getReserves', blockNumber });
    if (!reserves) return null;
    const [r0, r1] = reserves;
    const [baseRaw, quoteRaw] = pool.baseIsToken0 ? [r0, r1] : [r1, r0];
    return { baseRaw, quoteRaw, sqrtPriceX96: null };
  }
  const [slot0, baseRaw, quoteRaw] = await Promise.all([
    readOrNull(client, { address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0', blockNumber }),
    readOrNull(client, { address: pool.base, abi: erc20Abi, functionName: 'balanceOf', args: [pool.address], blockNumber }),
    readOrNull(client, { address: pool.quote, abi: erc20Abi, functionName: 'balanceOf', args: [pool.address], blockNumber }),
  ]);
  if (!slot0) return null;
  return { baseRaw: baseRaw ?? 0n, quoteRaw: quoteRaw ?? 0n, sqrtPriceX96: slot0[0] };
}

/** Holdings with the price they imply: V2 from reserves, V3 from `sqrtPriceX96`. */
export function poolState(raw: PoolRaw, pool: PoolRef, decimals: PoolDecimals): PoolState {
  const price =
    raw.sqrtPriceX96 === null
      ? v2Price(raw.baseRaw, raw.quoteRaw, decimals.base, decimals.quote)
      : v3Price(raw.sqrtPriceX96, pool.baseIsToken0, decimals.base, decimals.quote);
  return { ...raw, price };
}

/** `readPoolRaw` and `poolState` in one. */
export async function readPoolState(client: ChainClient, pool: PoolRef, decimals: PoolDecimals, blockNumber: bigint): Promise<PoolState | null> {
  const raw = await readPoolRaw(client, pool, blockNumber);
  return raw ? poolState(raw, pool, decimals) : null;
}

/**
 * The pool's price at a past block (reserves or slot0 only): undefined when the pool did not exist
 * yet, null when it existed without a price. Needs a node that keeps that block's state (an
 * archive node beyond the last ~128 blocks on geth-style full nodes).
 */
export async function readPoolPrice(client: ChainClient, pool: PoolRef, decimals: PoolDecimals, blockNumber: bigint): Promise<Ratio | null | undefined> {
  if (pool.version === 'v2') {
    const reserves = await readOrNull(client, { address: pool.address, abi: uniswapV2PairAbi, functionName: 'getReserves', blockNumber });
    if (!reserves) return undefined;
    const [r0, r1] = reserves;
    return pool.baseIsToken0 ? v2Price(r0, r1, decimals.base, decimals.quote) : v2Price(r1, r0, decimals.base, decimals.quote);
  }
  const slot0 = await readOrNull(client, { address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0', blockNumber });
  if (!slot0) return undefined;
  return v3Price(slot0[0], pool.baseIsToken0, decimals.base, decimals.quote);
}
