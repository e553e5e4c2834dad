import { AAVE_ARTIFACTS, ARTIFACTS, type DefiScenario } from '@oca/testkit';
import { parseAbiItem, type Address, type PublicClient } from 'viem';

/**
 * DeFi figures recomputed for the tests, independently of the agent: Aave's own data provider and
 * the npm ABIs through a separate client, APYs by exact ray exponentiation, windows by reading
 * every block header, LP balances by replaying the pair's Transfer logs.
 */

export const RAY = 10n ** 27n;
const SECONDS_PER_YEAR = 31_536_000n;

/** x^n in ray by squaring, as Aave's WadRayMath would (rounding down). */
function rayPow(x: bigint, n: bigint): bigint {
  let result = RAY;
  let base = x;
  for (let e = n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) / RAY;
    base = (base * base) / RAY;
  }
  return result;
}

/** APY (percent) of a ray-per-year rate compounded every second: (1 + r/secondsPerYear)^secondsPerYear − 1. */
export function apyPercent(rateRay: bigint): number {
  const grown = rayPow(RAY + rateRay / SECONDS_PER_YEAR, SECONDS_PER_YEAR);
  return (Number(grown - RAY) / 1e27) * 100;
}

/** First block after the last one whose timestamp is ≤ t, reading every header. */
export async function windowFromBlock(rpc: PublicClient, endBlock: bigint, t: bigint): Promise<bigint> {
  const blocks = await Promise.all(Array.from({ length: Number(endBlock) + 1 }, (_, i) => rpc.getBlock({ blockNumber: BigInt(i) })));
  let last = -1n;
  for (const b of blocks) if (b.timestamp <= t) last = b.number;
  return last + 1n;
}

const TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');

/** LP balances of a V2 pair, replayed from its Transfer logs (address(0) left out), largest first. */
export async function lpBalances(rpc: PublicClient, pair: Address, toBlock: bigint): Promise<[Address, bigint][]> {
  const logs = await rpc.getLogs({ address: pair, event: TRANSFER, fromBlock: 0n, toBlock });
  const balances = new Map<Address, bigint>();
  for (const { args } of logs) {
    balances.set(args.from!, (balances.get(args.from!) ?? 0n) - args.value!);
    balances.set(args.to!, (balances.get(args.to!) ?? 0n) + args.value!);
  }
  return [...balances.entries()].filter(([a, b]) => b > 0n && a !== '0x0000000000000000000000000000000000000000').sort((x, y) => (y[1] > x[1] ? 1 : -1));
}

/** Every reserve of the scenario's Aave market as Aave's own AaveProtocolDataProvider and the tokens report it. */
export async function readReserves(rpc: PublicClient, s: DefiScenario, blockNumber: bigint) {
  const read = (address: Address, abi: (typeof AAVE_ARTIFACTS)[keyof typeof AAVE_ARTIFACTS]['abi'], functionName: string, args: unknown[] = []) =>
    rpc.readContract({ address, abi, functionName, args, blockNumber }) as Promise<never>;
  const list = (await read(s.aave.pool, AAVE_ARTIFACTS.pool.abi, 'getReservesList')) as Address[];
  return Promise.all(
    list.map(async (asset) => {
      const data = (await read(s.aave.pool, AAVE_ARTIFACTS.pool.abi, 'getReserveData', [asset])) as {
        currentLiquidityRate: bigint;
        currentVariableBorrowRate: bigint;
        aTokenAddress: Address;
        variableDebtTokenAddress: Address;
        stableDebtTokenAddress: Address;
      };
      const supply = (token: Address) => rpc.readContract({ address: token, abi: ARTIFACTS.erc20.abi, functionName: 'totalSupply', blockNumber }) as Promise<bigint>;
      const [supplied, variable, stable] = await Promise.all([supply(data.aTokenAddress), supply(data.variableDebtTokenAddress), supply(data.stableDebtTokenAddress)]);
      const [borrowCap, supplyCap] = (await read(s.aave.dataProvider, AAVE_ARTIFACTS.dataProvider.abi, 'getReserveCaps', [asset])) as [bigint, bigint];
      const config = (await read(s.aave.dataProvider, AAVE_ARTIFACTS.dataProvider.abi, 'getReserveConfigurationData', [asset])) as readonly [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        boolean,
        boolean,
        boolean,
        boolean,
        boolean,
      ];
      const paused = (await read(s.aave.dataProvider, AAVE_ARTIFACTS.dataProvider.abi, 'getPaused', [asset])) as boolean;
      const source = (await read(s.aave.oracle, AAVE_ARTIFACTS.oracle.abi, 'getSourceOfAsset', [asset])) as Address;
      const answer = (await read(source, AAVE_ARTIFACTS.aggregator.abi, 'latestAnswer')) as bigint;
      return { asset, data, supplied, borrowed: variable + stable, borrowCap, supplyCap, config, paused, source, answer };
    }),
  );
}
