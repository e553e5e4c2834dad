import {
  DEX_TOPICS,
  getLogsPaged,
  solidlyFactoryAbi,
  solidlyPoolAbi,
  uniswapV3PoolPositionsAbi,
  uniswapV2PairAbi,
  uniswapV3PoolAbi,
  type ChainClient,
  type DexDeployment,
  type LogPagerOptions,
} from '@oca/chain';
import { getAddress, type Address } from 'viem';
import { readOrNull, solidlyFeeTier, SWAP_EVENTS, type PoolLog, type PoolRef } from '../dex';
import { listedFactories, orientByQuote, type PoolLaunch } from './launches';

type Version = PoolRef['version'];

/** Which kind of pool emitted a Swap, by its topic. */
function versionOf(topic: string | undefined): Version {
  if (topic === DEX_TOPICS.v2Swap) return 'v2';
  if (topic === DEX_TOPICS.solidlySwap) return 'solidly';
  return 'v3';
}

/** Every Swap log in the window, whichever pool emitted it. */
export interface SwapScan {
  logs: PoolLog[];
  requests: number;
  coveredFrom: bigint;
}

/**
 * Every V2, V3, PancakeSwap V3 and Solidly `Swap` in [fromBlock, toBlock] with no address filter: the only
 * way to see which older pools are trading now. Paged within the budget, newest blocks first, so a
 * busy chain narrows the window instead of failing the job.
 */
export async function scanSwaps(
  client: ChainClient,
  fromBlock: bigint,
  toBlock: bigint,
  options: Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange' | 'signal'>,
): Promise<SwapScan> {
  if (toBlock < fromBlock) return { logs: [], requests: 0, coveredFrom: fromBlock };
  const scan = await getLogsPaged(client, { events: SWAP_EVENTS, fromBlock, toBlock }, { ...options, keepNewest: true });
  return { logs: scan.logs as unknown as PoolLog[], requests: scan.requests, coveredFrom: scan.coveredFrom };
}

/** Pools by swap count in `logs` from `fromBlock` on, busiest first (ties by address), leaving out `known`. */
export function busiestPools(logs: readonly PoolLog[], fromBlock: bigint, known: ReadonlySet<string>, max: number): { pool: Address; version: Version; swaps: number }[] {
  const counts = new Map<string, { pool: Address; version: Version; swaps: number }>();
  for (const log of logs) {
    const key = log.address.toLowerCase();
    if (log.blockNumber < fromBlock || known.has(key)) continue;
    const entry = counts.get(key) ?? { pool: getAddress(log.address), version: versionOf(log.topics[0]), swaps: 0 };
    entry.swaps += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.swaps - a.swaps || a.pool.localeCompare(b.pool)).slice(0, max);
}

/**
 * Which listed factory made each pool, and its tokens (and fee): `factory()`, `token0()`,
 * `token1()`, and V3's `fee()` or a Solidly pool's `stable()` with `getFee(pool, stable)` asked of
 * each listed Solidly factory for both curves (the factory and the curve are not known yet), in one
 * batch at `blockNumber`. Pools of other factories (unlisted forks, or contracts that only emit a
 * look-alike event) are dropped: their math and callbacks are unknown.
 */
export async function identifyPools(
  client: ChainClient,
  deployment: DexDeployment,
  pools: readonly { pool: Address; version: Version }[],
  blockNumber: bigint,
): Promise<PoolLaunch[]> {
  const factories = listedFactories(deployment);
  const solidlyFactories = [...factories.entries()].filter(([, f]) => f.version === 'solidly').map(([address]) => address as Address);
  const identified = await Promise.all(
    pools.map(async ({ pool, version }): Promise<PoolLaunch | null> => {
      const abi = version === 'v2' ? uniswapV2PairAbi : version === 'solidly' ? solidlyPoolAbi : uniswapV3PoolAbi;
      const [factory, token0, token1, fee, stable, solidlyFees] = await Promise.all([
        readOrNull(client, { address: pool, abi: uniswapV3PoolPositionsAbi, functionName: 'factory', blockNumber }),
        readOrNull(client, { address: pool, abi, functionName: 'token0', blockNumber }),
        readOrNull(client, { address: pool, abi, functionName: 'token1', blockNumber }),
        version === 'v3' ? readOrNull(client, { address: pool, abi: uniswapV3PoolAbi, functionName: 'fee', blockNumber }) : Promise.resolve(null),
        version === 'solidly' ? readOrNull(client, { address: pool, abi: solidlyPoolAbi, functionName: 'stable', blockNumber }) : Promise.resolve(null),
        version === 'solidly' ? solidlyFeesOf(client, solidlyFactories, pool, blockNumber) : Promise.resolve(new Map<string, bigint | null>()),
      ]);
      const listed = factory ? factories.get(factory.toLowerCase()) : undefined;
      if (!factory || !listed || listed.version !== version || !token0 || !token1 || (version === 'v3' && fee === null) || (version === 'solidly' && stable === null)) return null;
      const solidlyFee = version === 'solidly' ? (solidlyFees.get(`${factory.toLowerCase()}:${stable}`) ?? null) : null;
      const feeTier = version === 'v3' ? Number(fee) : solidlyFee === null ? null : solidlyFeeTier(solidlyFee);
      return { ...orientByQuote(deployment, pool, listed, feeTier, getAddress(token0), getAddress(token1), stable ?? undefined), createdBlock: null, txHash: null };
    }),
  );
  return identified.filter((p) => p !== null);
}

/** `getFee(pool, stable)` of every listed Solidly factory for both curves, keyed `factory:stable`. */
async function solidlyFeesOf(client: ChainClient, factories: readonly Address[], pool: Address, blockNumber: bigint): Promise<Map<string, bigint | null>> {
  const keys = factories.flatMap((factory) => [false, true].map((stable) => ({ factory, stable })));
  const fees = await Promise.all(keys.map(({ factory, stable }) => readOrNull(client, { address: factory, abi: solidlyFactoryAbi, functionName: 'getFee', args: [pool, stable], blockNumber })));
  return new Map(keys.map((k, i) => [`${k.factory}:${k.stable}`, fees[i]!]));
}
