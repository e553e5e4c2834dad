import { erc20Abi, formatRatio, getLogsPaged, LogBudgetExceededError, ratioToNumber, uniswapV3PoolAbi, type ChainClient, type DexDeployment, type LogPagerOptions } from '@oca/chain';
import type { DefiDexPool, DefiTvlAsset } from '@oca/contracts';
import { parseAbiItem, zeroAddress, type Address } from 'viem';
import { decodeSwap, fetchPoolLogs, orient, percentChange, readOrNull, readPoolPrice, readTokenMeta, readUsdPrices, usdValue, V2_SWAP, V3_SWAP, type PoolRef } from '../dex';
import { historyStart, TRANSFER_SCAN_BUDGET } from '../tokens/transfer-scan';
import { impermanentLossPercent, percentOf } from './rates';

/** Uniswap V2's fixed swap fee, in V3's unit (hundredths of a basis point). */
export const V2_FEE = 3000;
const HOURS_PER_YEAR = 8760;

export interface DexPoolRead {
  pool: DefiDexPool;
  tvlAssets: DefiTvlAsset[];
  /** getLogs requests (swaps, and the LP token's Transfers on V2). */
  logRequests: number;
}

const TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');

/**
 * The quote a pool is priced in: a USD stablecoin if it has one, else the wrapped native token,
 * else token1 (then the base is priced in token1 and USD comes from each token's own pools).
 */
export function pickQuote(deployment: DexDeployment, token0: Address, token1: Address): Address {
  const is = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
  for (const stable of deployment.usdStables) {
    if (is(stable.address, token0)) return token0;
    if (is(stable.address, token1)) return token1;
  }
  const native = deployment.wrappedNative.address;
  if (is(native, token0)) return token0;
  if (is(native, token1)) return token1;
  return token1;
}

/**
 * A V2 or V3 pool: what it holds (TVL: both tokens' balanceOf the pool, priced through DEX pools),
 * the window's swaps (volume on the quote side, fees at the pool's rate, fee APY as DefiLlama
 * computes apyBase), the price change over the window and, on V2, the impermanent loss it implies
 * and the LP token's holders from its Transfer history.
 */
export async function readDexPool(
  client: ChainClient,
  deployment: DexDeployment,
  address: Address,
  version: 'v2' | 'v3',
  token0: Address,
  token1: Address,
  factory: Address | null,
  window: { fromBlock: bigint; hours: number },
  blockNumber: bigint,
  signal: AbortSignal,
): Promise<DexPoolRead> {
  const at = { blockNumber };
  const feeTier = version === 'v2' ? V2_FEE : Number((await readOrNull(client, { address, abi: uniswapV3PoolAbi, functionName: 'fee', ...at })) ?? 0);
  const quote = pickQuote(deployment, token0, token1);
  const base = quote === token0 ? token1 : token0;
  const dex =
    (version === 'v2' ? deployment.v2Factories : deployment.v3Factories).find((f) => factory !== null && f.address.toLowerCase() === factory.toLowerCase())?.name ??
    `unlisted ${version}`;
  const ref: PoolRef = orient(address, version, dex, version === 'v3' ? feeTier : null, base, quote);

  const [meta0, meta1, balance0, balance1, prices] = await Promise.all([
    readTokenMeta(client, token0, blockNumber),
    readTokenMeta(client, token1, blockNumber),
    readOrNull(client, { address: token0, abi: erc20Abi, functionName: 'balanceOf', args: [address], ...at }),
    readOrNull(client, { address: token1, abi: erc20Abi, functionName: 'balanceOf', args: [address], ...at }),
    readUsdPrices(client, deployment, [token0, token1], blockNumber),
  ]);
  const metaOf = (t: Address) => (t === token0 ? meta0 : meta1);
  const decimals = { base: metaOf(base).decimals ?? 18, quote: metaOf(quote).decimals ?? 18 };
  const tvlAssets: DefiTvlAsset[] = [
    [token0, meta0, balance0],
    [token1, meta1, balance1],
  ].map(([token, meta, balance]) => {
    const t = token as Address;
    const m = meta as typeof meta0;
    const amount = (balance as bigint | null) ?? 0n;
    const price = prices.tokens.get(t.toLowerCase()) ?? { priceUsd: null, source: null };
    return {
      token: t,
      symbol: m.symbol,
      decimals: m.decimals ?? 18,
      amount: amount.toString(),
      priceUsd: price.priceUsd ? formatRatio(price.priceUsd) : null,
      priceSource: price.source,
      usd: usdValue(amount, m.decimals ?? 18, price.priceUsd),
    };
  });
  const tvlUsd = tvlAssets.every((a) => a.usd !== null) ? tvlAssets.reduce((s, a) => s + a.usd!, 0) : null;

  const budget: Pick<LogPagerOptions, 'maxRequests' | 'signal'> = { maxRequests: TRANSFER_SCAN_BUDGET.maxRequests, signal };
  const [swapScan, priceThen, priceNow, lp] = await Promise.all([
    fetchPoolLogs(client, [ref], [version === 'v2' ? V2_SWAP : V3_SWAP], window.fromBlock, blockNumber, budget),
    readPoolPrice(client, ref, decimals, window.fromBlock),
    readPoolPrice(client, ref, decimals, blockNumber),
    version === 'v2' ? lpHolders(client, address, blockNumber, signal) : Promise.resolve(null),
  ]);
  const fills = swapScan.logs.map((log) => decodeSwap(log, ref)).filter((f) => f !== null);
  const quoteUsd = prices.tokens.get(quote.toLowerCase())?.priceUsd ?? null;
  const quoteVolume = fills.reduce((s, f) => s + f.quoteRaw, 0n);
  const volumeUsd = usdValue(quoteVolume, decimals.quote, quoteUsd);
  const feesUsd = volumeUsd === null ? null : (volumeUsd * feeTier) / 1_000_000;
  const feeApyPercent = feesUsd === null || tvlUsd === null || tvlUsd === 0 ? null : ((feesUsd * (HOURS_PER_YEAR / window.hours)) / tvlUsd) * 100;
  const then = priceThen ?? null;
  const now = priceNow ?? null;
  const change = percentChange(now, then);
  const il = version === 'v2' && now && then ? impermanentLossPercent(ratioToNumber(now) / ratioToNumber(then)) : null;

  return {
    pool: {
      version,
      feeTier,
      token0,
      token1,
      base,
      quote,
      swaps: fills.length,
      volumeUsd,
      feesUsd,
      feeApyPercent,
      priceThen: then ? formatRatio(then) : null,
      priceNow: now ? formatRatio(now) : null,
      priceChangePercent: change,
      impermanentLossPercent: il,
      lp: (lp && 'summary' in lp ? lp.summary : null) ?? null,
      lpUnavailable: (lp && 'unavailable' in lp ? lp.unavailable : null) ?? null,
    },
    tvlAssets,
    logRequests: swapScan.requests + (lp?.requests ?? 0),
  };
}


/**
 * A V2 LP token's holders from its whole Transfer history (from its creation block), within the
 * security agent's scan budget; address(0) (the locked MINIMUM_LIQUIDITY) is not a holder.
 */
export async function lpHolders(
  client: ChainClient,
  pair: Address,
  blockNumber: bigint,
  signal: AbortSignal,
  budget: Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange'> = TRANSFER_SCAN_BUDGET,
) {
  const start = await historyStart(client, [pair], blockNumber, signal);
  let paged;
  try {
    paged = await getLogsPaged(client, { address: pair, events: [TRANSFER], fromBlock: start.block, toBlock: blockNumber }, { ...budget, signal });
  } catch (err) {
    // A long-lived pair behind a provider's range cap: say so, and keep every other figure.
    if (err instanceof LogBudgetExceededError) return { unavailable: `LP Transfer history from block ${start.block} not read: ${err.message}`, requests: err.requests + start.requests };
    throw err;
  }
  const balances = new Map<Address, bigint>();
  for (const log of paged.logs as unknown as { args: { from: Address; to: Address; value: bigint } }[]) {
    const { from, to, value } = log.args;
    balances.set(from, (balances.get(from) ?? 0n) - value);
    balances.set(to, (balances.get(to) ?? 0n) + value);
  }
  const totalSupply = (await readOrNull(client, { address: pair, abi: erc20Abi, functionName: 'totalSupply', blockNumber })) ?? 0n;
  const holders = [...balances.entries()].filter(([a, b]) => a !== zeroAddress && b > 0n).sort((x, y) => (y[1] > x[1] ? 1 : y[1] < x[1] ? -1 : 0));
  const top = (n: number) => holders.slice(0, n).reduce((s, [, b]) => s + b, 0n);
  return {
    summary: { holders: holders.length, top1Percent: percentOf(top(1), totalSupply) ?? 0, top5Percent: percentOf(top(5), totalSupply) ?? 0, largest: holders[0]?.[0] ?? null },
    requests: paged.requests + start.requests,
  };
}
