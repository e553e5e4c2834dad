import { ARTIFACTS, type WhaleScenario } from '@oca/testkit';
import { parseAbiItem, zeroAddress, type Address, type Hash, type PublicClient } from 'viem';

/**
 * Whale figures recomputed for the tests, independently of the agent: Transfer logs and balances
 * read through a separate viem client, the window by reading every header, concentration with the
 * pairwise Gini formula, prices in plain doubles from the pools' reserves.
 */

const TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');
export const BURN: ReadonlySet<string> = new Set([zeroAddress, '0x000000000000000000000000000000000000dEaD']);

export interface Move {
  from: Address;
  to: Address;
  value: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hash;
}

export interface Truth {
  supply: bigint;
  transfers: Move[];
  /** Positive balances, largest first (ties by lower-case address). */
  holders: { address: Address; balance: bigint }[];
  circulating: bigint;
  codeOf: Map<Address, boolean>;
  windowFrom: (hours: number) => bigint;
  priceUsd: number;
}

/** 6-decimal percent, truncated like the published figures. */
export const pct = (part: bigint, whole: bigint) => Number((part * 100_000_000n) / whole) / 1_000_000;

/** `firstBlock`: where the chain's history starts (block 18,000,000 on the mainnet-shaped chain). */
export async function readTruth(rpc: PublicClient, s: WhaleScenario, firstBlock = 0n): Promise<Truth> {
  const logs = await rpc.getLogs({ address: s.token, event: TRANSFER, fromBlock: firstBlock, toBlock: s.endBlock, strict: true });
  const transfers = logs.map((l) => ({ from: l.args.from, to: l.args.to, value: l.args.value, blockNumber: l.blockNumber, logIndex: l.logIndex, transactionHash: l.transactionHash }));
  const accounts = [...new Set(transfers.flatMap((t) => [t.from, t.to]))];
  const balanceOf = (owner: Address) => rpc.readContract({ address: s.token, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [owner], blockNumber: s.endBlock }) as Promise<bigint>;
  const balances = await Promise.all(accounts.map(balanceOf));
  const holders = accounts
    .map((address, i) => ({ address, balance: balances[i]! }))
    .filter((h) => h.balance > 0n)
    .sort((a, b) => (a.balance !== b.balance ? (a.balance > b.balance ? -1 : 1) : a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
  const supply = (await rpc.readContract({ address: s.token, abi: ARTIFACTS.erc20.abi, functionName: 'totalSupply', blockNumber: s.endBlock })) as bigint;
  const burned = holders.filter((h) => BURN.has(h.address)).reduce((sum, h) => sum + h.balance, 0n);
  const codes = await Promise.all(holders.map((h) => rpc.getCode({ address: h.address, blockNumber: s.endBlock })));
  const blocks = await Promise.all(Array.from({ length: Number(s.endBlock - firstBlock) + 1 }, (_, i) => rpc.getBlock({ blockNumber: firstBlock + BigInt(i) })));
  const windowFrom = (hours: number) => {
    const start = s.endTimestamp - BigInt(hours) * 3600n;
    return blocks.find((b) => b.timestamp > start)!.number;
  };
  return {
    supply,
    transfers,
    holders,
    circulating: supply - burned,
    codeOf: new Map(holders.map((h, i) => [h.address, (codes[i] ?? '0x') !== '0x'])),
    windowFrom,
    priceUsd: await priceUsd(rpc, s),
  };
}

/** WHL in USD: WETH per WHL in the pair, times dUSD per WETH in the V2 anchor pair. */
async function priceUsd(rpc: PublicClient, s: WhaleScenario): Promise<number> {
  const reserves = async (pair: Address, base: Address) => {
    const [r0, r1] = (await rpc.readContract({ address: pair, abi: ARTIFACTS.uniswapV2Pair.abi, functionName: 'getReserves', blockNumber: s.endBlock })) as [bigint, bigint, number];
    const token0 = (await rpc.readContract({ address: pair, abi: ARTIFACTS.uniswapV2Pair.abi, functionName: 'token0', blockNumber: s.endBlock })) as Address;
    return token0 === base ? [r0, r1] : [r1, r0];
  };
  const [whl, wethInPair] = await reserves(s.pair, s.token);
  const anchor = (await rpc.readContract({ address: s.core.uniswapV2Factory, abi: ARTIFACTS.uniswapV2Factory.abi, functionName: 'getPair', args: [s.core.weth, s.core.usd] })) as Address;
  const [weth, usd] = await reserves(anchor, s.core.weth);
  return (Number(wethInPair) / Number(whl)) * ((Number(usd) / 1e6) / (Number(weth) / 1e18));
}

/** Gini as the mean absolute difference over twice the mean: Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n Σ x), truncated to 6 decimals. */
export function pairwiseGini(balances: bigint[]): number {
  const n = BigInt(balances.length);
  const total = balances.reduce((a, b) => a + b, 0n);
  let diff = 0n;
  for (const x of balances) for (const y of balances) diff += x > y ? x - y : y - x;
  return Number((diff * 1_000_000n) / (2n * n * total)) / 1_000_000;
}

/** In minus out of a set of addresses over some transfers, moves inside the set left out. */
export function flowOf(transfers: Move[], members: ReadonlySet<string>) {
  let inflow = 0n;
  let outflow = 0n;
  for (const t of transfers) {
    if (members.has(t.to) && !members.has(t.from)) inflow += t.value;
    if (members.has(t.from) && !members.has(t.to)) outflow += t.value;
  }
  return { inflow, outflow, net: inflow - outflow };
}
