import { DEX_TOPICS, getLogsPaged, uniswapV3PoolPositionsAbi, uniswapV2PairAbi, uniswapV3PoolAbi, type ChainClient, type DexDeployment, type LogPagerOptions } from '@oca/chain';
import { getAddress, type Address } from 'viem';
import { readOrNull, SWAP_EVENTS, type PoolLog } from '../dex';
import { orientByQuote, type PoolLaunch } from './launches';

/** Every Swap log in the window, whichever pool emitted it. */
export interface SwapScan {
  logs: PoolLog[];
  requests: number;
  coveredFrom: bigint;
}

/**
 * Every V2, V3 and PancakeSwap V3 `Swap` in [fromBlock, toBlock] with no address filter: the only
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
export function busiestPools(logs: readonly PoolLog[], fromBlock: bigint, known: ReadonlySet<string>, max: number): { pool: Address; version: 'v2' | 'v3'; swaps: number }[] {
  const counts = new Map<string, { pool: Address; version: 'v2' | 'v3'; swaps: number }>();
  for (const log of logs) {
    const key = log.address.toLowerCase();
    if (log.blockNumber < fromBlock || known.has(key)) continue;
    const entry = counts.get(key) ?? { pool: getAddress(log.address), version: log.topics[0] === DEX_TOPICS.v2Swap ? ('v2' as const) : ('v3' as const), swaps: 0 };
    entry.swaps += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.swaps - a.swaps || a.pool.localeCompare(b.pool)).slice(0, max);
}

/**
 * Which listed factory made each pool, and its tokens (and fee for V3): `factory()`, `token0()`,
 * `token1()` (`fee()`) in one batch at `blockNumber`. Pools of other factories (unlisted forks, or
 * contracts that only emit a look-alike event) are dropped: their math and callbacks are unknown.
 */
export async function identifyPools(
  client: ChainClient,
  deployment: DexDeployment,
  pools: readonly { pool: Address; version: 'v2' | 'v3' }[],
  blockNumber: bigint,
): Promise<PoolLaunch[]> {
  const factories = new Map<string, { name: string; version: 'v2' | 'v3' }>();
  for (const f of deployment.v2Factories) factories.set(f.address.toLowerCase(), { name: f.name, version: 'v2' });
  for (const f of deployment.v3Factories) factories.set(f.address.toLowerCase(), { name: f.name, version: 'v3' });
  const identified = await Promise.all(
    pools.map(async ({ pool, version }): Promise<PoolLaunch | null> => {
      const abi = version === 'v2' ? uniswapV2PairAbi : uniswapV3PoolAbi;
      const [factory, token0, token1, fee] = await Promise.all([
        readOrNull(client, { address: pool, abi: uniswapV3PoolPositionsAbi, functionName: 'factory', blockNumber }),
        readOrNull(client, { address: pool, abi, functionName: 'token0', blockNumber }),
        readOrNull(client, { address: pool, abi, functionName: 'token1', blockNumber }),
        version === 'v3' ? readOrNull(client, { address: pool, abi: uniswapV3PoolAbi, functionName: 'fee', blockNumber }) : Promise.resolve(null),
      ]);
      const listed = factory ? factories.get(factory.toLowerCase()) : undefined;
      if (!listed || listed.version !== version || !token0 || !token1 || (version === 'v3' && fee === null)) return null;
      return { ...orientByQuote(deployment, pool, listed, version === 'v3' ? Number(fee) : null, getAddress(token0), getAddress(token1)), createdBlock: null, txHash: null };
    }),
  );
  return identified.filter((p) => p !== null);
}
