import { getLogsPaged, solidlyFactoryAbi, uniswapV2FactoryAbi, uniswapV3FactoryAbi, type ChainClient, type DexDeployment, type LogPagerOptions } from '@oca/chain';
import { getAbiItem, getAddress, type Address, type Hash } from 'viem';
import { orient, solidlyFactoriesOf, type PoolRef } from '../dex';

const PAIR_CREATED = getAbiItem({ abi: uniswapV2FactoryAbi, name: 'PairCreated' });
const POOL_CREATED = getAbiItem({ abi: uniswapV3FactoryAbi, name: 'PoolCreated' });
/** Velodrome/Aerodrome V2's PoolCreated: `stable` indexed where V3 has `fee`, so another topic. */
const SOLIDLY_POOL_CREATED = getAbiItem({ abi: solidlyFactoryAbi, name: 'PoolCreated' });

/** A listed factory as the trend agent tells pools apart. */
export interface ListedFactory {
  name: string;
  version: PoolRef['version'];
}

/** Every listed factory the trend agent reads (V2, V3 and Solidly's `solidly` kind), by lower-case address. */
export function listedFactories(deployment: DexDeployment): Map<string, ListedFactory> {
  const factories = new Map<string, ListedFactory>();
  for (const f of deployment.v2Factories) factories.set(f.address.toLowerCase(), { name: f.name, version: 'v2' });
  for (const f of deployment.v3Factories) factories.set(f.address.toLowerCase(), { name: f.name, version: 'v3' });
  for (const f of solidlyFactoriesOf(deployment)) factories.set(f.address.toLowerCase(), { name: f.name, version: 'solidly' });
  return factories;
}

/**
 * A pool the trend agent looks at, oriented when one side is a quote token: a new one (its
 * creation event in the window) or an older one traded in the window (`createdBlock` null).
 */
export interface PoolLaunch {
  pool: Address;
  token0: Address;
  token1: Address;
  /** Null for a pool created before the window. */
  createdBlock: bigint | null;
  txHash: Hash | null;
  /** Null when the pool cannot be ranked; `skip` says why. */
  ref: PoolRef | null;
  skip: 'no_quote_token' | 'quote_pair' | null;
}

/**
 * Every `PairCreated`/`PoolCreated` of the deployment's factories in [fromBlock, toBlock] (V3's and
 * Solidly's `PoolCreated` differ): one paged `eth_getLogs` over all factories with the three event
 * signatures. A Solidly pool's fee is not in its event (`feeTier` null until read). With
 * `keepNewest`, a scan out of budget covers `[coveredFrom, toBlock]` only.
 */
export async function findLaunches(
  client: ChainClient,
  deployment: DexDeployment,
  fromBlock: bigint,
  toBlock: bigint,
  options: Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange' | 'keepNewest' | 'signal'> = {},
): Promise<{ launches: PoolLaunch[]; requests: number; coveredFrom: bigint }> {
  const factories = listedFactories(deployment);
  const { logs, requests, coveredFrom } = await getLogsPaged(
    client,
    { address: [...deployment.v2Factories, ...deployment.v3Factories, ...solidlyFactoriesOf(deployment)].map((f) => f.address), events: [PAIR_CREATED, POOL_CREATED, SOLIDLY_POOL_CREATED], fromBlock, toBlock },
    options,
  );
  const launches: PoolLaunch[] = [];
  for (const log of logs) {
    const factory = factories.get(log.address.toLowerCase());
    if (!factory) continue;
    const args = log.args as { token0: Address; token1: Address; pair?: Address; pool?: Address; fee?: number; stable?: boolean };
    // A factory emits only its own kind's event; a look-alike from another kind is not a pool of it.
    const expected = factory.version === 'v2' ? 'pair' : factory.version === 'v3' ? 'fee' : 'stable';
    if (args[expected] === undefined) continue;
    const pool = getAddress((factory.version === 'v2' ? args.pair : args.pool) ?? '0x');
    const feeTier = factory.version === 'v3' ? Number(args.fee) : null;
    launches.push({
      ...orientByQuote(deployment, pool, factory, feeTier, getAddress(args.token0), getAddress(args.token1), args.stable),
      createdBlock: log.blockNumber,
      txHash: log.transactionHash,
    });
  }
  return { launches, requests, coveredFrom };
}

/** A pool oriented with its quote token as quote; `skip` says why when neither or both sides are quote tokens. */
export function orientByQuote(
  deployment: DexDeployment,
  pool: Address,
  factory: ListedFactory,
  feeTier: number | null,
  token0: Address,
  token1: Address,
  stable?: boolean,
): Pick<PoolLaunch, 'pool' | 'token0' | 'token1' | 'ref' | 'skip'> {
  const quotes = new Set([deployment.wrappedNative, ...deployment.usdStables].map((q) => q.address.toLowerCase()));
  const q0 = quotes.has(token0.toLowerCase());
  const q1 = quotes.has(token1.toLowerCase());
  const base = q0 && !q1 ? token1 : q1 && !q0 ? token0 : null;
  const quote = base === token1 ? token0 : token1;
  return {
    pool,
    token0,
    token1,
    ref: base ? orient(pool, factory.version, factory.name, feeTier, base, quote, factory.version === 'solidly' ? (stable ?? false) : undefined) : null,
    skip: base ? null : q0 && q1 ? 'quote_pair' : 'no_quote_token',
  };
}
