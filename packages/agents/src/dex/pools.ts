import {
  erc20Abi,
  solidlyFactoryAbi,
  solidlyPoolAbi,
  solidlyStablePrice,
  uniswapV2FactoryAbi,
  uniswapV2PairAbi,
  uniswapV3FactoryAbi,
  uniswapV3PoolAbi,
  v2Price,
  v3Price,
  type ChainClient,
  type DexDeployment,
  type DexSolidlyFactory,
  type Ratio,
} from '@oca/chain';
import { getAddress, zeroAddress, type Address } from 'viem';
import { readOrNull } from './contract-reads';

/** A pool oriented for analysis: `base` is the token being priced, `quote` what it is priced in. */
export interface PoolRef {
  address: Address;
  /** `solidly`: a Velodrome/Aerodrome V2 pool (its own events; a stable one on its own curve). */
  version: 'v2' | 'v3' | 'solidly';
  /** The factory's name in the deployment list. */
  dex: string;
  /**
   * Fee in hundredths of a basis point: a V3 pool's tier, a Solidly pool's `getFee(pool, stable)`
   * (its basis points × 100); null for V2 (the factory's `feeBps`).
   */
  feeTier: number | null;
  /** A Solidly stable pool (x³y + xy³ = k); absent or false for every other pool. */
  stable?: boolean;
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

export function orient(address: Address, version: PoolRef['version'], dex: string, feeTier: number | null, base: Address, quote: Address, stable?: boolean): PoolRef {
  const ref: PoolRef = { address, version, dex, feeTier, base, quote, baseIsToken0: base.toLowerCase() < quote.toLowerCase() };
  return stable === undefined ? ref : { ...ref, stable };
}

/** The listed factories of the `solidly` kind (Slipstream's CL pools are not read). */
export function solidlyFactoriesOf(deployment: DexDeployment): DexSolidlyFactory[] {
  return (deployment.solidlyFactories ?? []).filter((f) => f.kind === 'solidly');
}

/** A Solidly fee in basis points as `feeTier` (hundredths of a basis point). */
export const solidlyFeeTier = (bps: bigint): number => Number(bps) * 100;

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
 * batch: addresses only, for the security agent's probe to verify and read (the market agent
 * uses `discoverSolidlyRefs`).
 */
export async function discoverSolidlyPools(client: ChainClient, deployment: DexDeployment, base: Address, quotes: readonly Address[], blockNumber: bigint): Promise<Address[]> {
  const factories = solidlyFactoriesOf(deployment);
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

/**
 * Every Solidly pool of `base` against each of `quotes`, oriented: `getPool(base, quote, stable)`
 * for both curves at each `solidly` factory, in one batch. `feeTier` is null here: the fee needs
 * the pool's address (`readSolidlyFee`), so it is read beside the pool's state.
 */
export async function discoverSolidlyRefs(client: ChainClient, deployment: DexDeployment, base: Address, quotes: readonly Address[], blockNumber: bigint): Promise<PoolRef[]> {
  const lookups: Promise<PoolRef | null>[] = [];
  for (const quote of quotes) {
    if (quote.toLowerCase() === base.toLowerCase()) continue;
    for (const factory of solidlyFactoriesOf(deployment)) {
      for (const stable of [false, true]) {
        lookups.push(
          readOrNull(client, { address: factory.address, abi: solidlyFactoryAbi, functionName: 'getPool', args: [base, quote, stable], blockNumber }).then((pool) =>
            pool && pool !== zeroAddress ? orient(getAddress(pool), 'solidly', factory.name, null, base, quote, stable) : null,
          ),
        );
      }
    }
  }
  return (await Promise.all(lookups)).filter((p): p is PoolRef => p !== null);
}

/**
 * A Solidly pool's fee as `feeTier` (hundredths of a basis point) from its factory's
 * `getFee(pool, stable)`, the factory found by the pool's DEX name; null when it does not answer.
 */
export async function readSolidlyFee(client: ChainClient, deployment: DexDeployment, ref: PoolRef, blockNumber: bigint): Promise<number | null> {
  const factory = solidlyFactoriesOf(deployment).find((f) => f.name === ref.dex);
  if (!factory) return null;
  const fee = await readOrNull(client, { address: factory.address, abi: solidlyFactoryAbi, functionName: 'getFee', args: [ref.address, ref.stable ?? false], blockNumber });
  return fee === null ? null : solidlyFeeTier(fee);
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

/** V2 or Solidly reserves (uint112 or uint256 words: Solidly's ABI reads both) oriented base first; null without code. */
async function readReserves(client: ChainClient, pool: PoolRef, blockNumber: bigint): Promise<{ baseRaw: bigint; quoteRaw: bigint } | null> {
  const reserves =
    pool.version === 'solidly'
      ? await readOrNull(client, { address: pool.address, abi: solidlyPoolAbi, functionName: 'getReserves', blockNumber })
      : await readOrNull(client, { address: pool.address, abi: uniswapV2PairAbi, functionName: 'getReserves', blockNumber });
  if (!reserves) return null;
  const [r0, r1] = reserves;
  const [baseRaw, quoteRaw] = pool.baseIsToken0 ? [r0, r1] : [r1, r0];
  return { baseRaw, quoteRaw };
}

/**
 * Holdings at `blockNumber`: V2 and Solidly `getReserves`; V3 `slot0` plus both token balances of
 * the pool. Null when the pool has no code at that block.
 */
export async function readPoolRaw(client: ChainClient, pool: PoolRef, blockNumber: bigint): Promise<PoolRaw | null> {
  if (pool.version !== 'v3') {
    const reserves = await readReserves(client, pool, blockNumber);
    return reserves ? { ...reserves, sqrtPriceX96: null } : null;
  }
  const [slot0, baseRaw, quoteRaw] = await Promise.all([
    readOrNull(client, { address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0', blockNumber }),
    readOrNull(client, { address: pool.base, abi: erc20Abi, functionName: 'balanceOf', args: [pool.address], blockNumber }),
    readOrNull(client, { address: pool.quote, abi: erc20Abi, functionName: 'balanceOf', args: [pool.address], blockNumber }),
  ]);
  if (!slot0) return null;
  return { baseRaw: baseRaw ?? 0n, quoteRaw: quoteRaw ?? 0n, sqrtPriceX96: slot0[0] };
}

/**
 * Price from reserves: their ratio for V2 and Solidly volatile pools (x·y = k), the curve's slope
 * for a Solidly stable pool (x³y + xy³ = k, where the ratio says little near the peg).
 */
export function reservesPrice(pool: Pick<PoolRef, 'stable'>, baseRaw: bigint, quoteRaw: bigint, decimals: PoolDecimals): Ratio | null {
  return pool.stable ? solidlyStablePrice(baseRaw, quoteRaw, decimals.base, decimals.quote) : v2Price(baseRaw, quoteRaw, decimals.base, decimals.quote);
}

/** Holdings with the price they imply: V2 and Solidly from reserves (`reservesPrice`), V3 from `sqrtPriceX96`. */
export function poolState(raw: PoolRaw, pool: PoolRef, decimals: PoolDecimals): PoolState {
  const price = raw.sqrtPriceX96 === null ? reservesPrice(pool, raw.baseRaw, raw.quoteRaw, decimals) : v3Price(raw.sqrtPriceX96, pool.baseIsToken0, decimals.base, decimals.quote);
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
  if (pool.version !== 'v3') {
    const reserves = await readReserves(client, pool, blockNumber);
    return reserves ? reservesPrice(pool, reserves.baseRaw, reserves.quoteRaw, decimals) : undefined;
  }
  const slot0 = await readOrNull(client, { address: pool.address, abi: uniswapV3PoolAbi, functionName: 'slot0', blockNumber });
  if (!slot0) return undefined;
  return v3Price(slot0[0], pool.baseIsToken0, decimals.base, decimals.quote);
}
