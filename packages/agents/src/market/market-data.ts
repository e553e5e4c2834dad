import { divRatio, formatRatio, mulRatio, ratioToNumber, unitsRatio, type DexDeployment, type Ratio } from '@oca/chain';
import type { LogCoverage } from '@oca/contracts';
import { getAddress, type Address } from 'viem';
import { decodeSwap, percentChange, poolPriceUsd, quoteDepthUsd, type MarketSnapshot, type PoolLog, type PricedPool, stablecoinView, type SwapFill } from '../dex';
import type { MarketData, MarketPool } from './market-contract';
import { poolFigures, sumOrNull, sumTxns, WINDOWS, type PerWindow } from './market-figures';
import { pastUsd, type MarketHistory } from './market-history';
import type { WindowBounds } from './windows';

/** Everything the market result is assembled from, read at the pinned block. */
export interface MarketReads {
  deployment: DexDeployment;
  target: Address;
  latest: { number: bigint; timestamp: bigint };
  snapshot: MarketSnapshot;
  windows: PerWindow<WindowBounds>;
  fromBlocks: PerWindow<bigint>;
  swapLogs: { logs: PoolLog[] };
  history: MarketHistory;
  coverage: LogCoverage;
  /** Balances of `BURN_ADDRESSES`, in order. */
  burned: (bigint | null)[];
}

/** Burn sinks left out of circulating supply: the zero address and 0x…dEaD. */
export const BURN_ADDRESSES: readonly Address[] = ['0x0000000000000000000000000000000000000000', '0x000000000000000000000000000000000000dEaD'];

/** Which blocks the Swap scan read, from the pager's answer. */
export function swapCoverage(scan: { requests: number; coveredFrom: bigint }, windowFrom: bigint, toBlock: bigint, coveredAt: bigint): LogCoverage {
  return {
    fromBlock: scan.coveredFrom.toString(),
    toBlock: toBlock.toString(),
    fromTimestamp: Number(coveredAt),
    complete: scan.coveredFrom <= windowFrom,
    requests: scan.requests,
  };
}

/** Each pool's fills, keyed by the pool's lower-case address. */
function fillsByPool(logs: readonly PoolLog[], pools: readonly PricedPool[]): Map<string, SwapFill[]> {
  const byAddress = new Map(pools.map((p) => [p.ref.address.toLowerCase(), p]));
  const out = new Map<string, SwapFill[]>();
  for (const log of logs) {
    const pool = byAddress.get(log.address.toLowerCase());
    const fill = pool ? decodeSwap(log, pool.ref) : null;
    if (!pool || !fill) continue;
    const key = pool.ref.address.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), fill]);
  }
  return out;
}

/** DexScreener's token-level figures from the pools' (see `marketAgent`). */
export function marketData(reads: MarketReads): MarketData {
  const { deployment, target, latest, snapshot, windows, fromBlocks, history, coverage } = reads;
  const { token } = snapshot;
  const decimals = token.decimals!;
  const totalSupply = token.totalSupply!;
  const coveredFrom = BigInt(coverage.fromBlock);
  const complete: PerWindow<boolean> = { h1: fromBlocks.h1 >= coveredFrom, h6: fromBlocks.h6 >= coveredFrom, h24: fromBlocks.h24 >= coveredFrom };
  const fills = fillsByPool(reads.swapLogs.logs, snapshot.pools);

  // Deepest first, by the quote side's USD value (pools without a USD price last).
  const ranked = [...snapshot.pools].sort((a, b) => (quoteDepthUsd(b) ?? -1) - (quoteDepthUsd(a) ?? -1));
  const none = { h1: undefined, h6: undefined, h24: undefined };
  const pools: MarketPool[] = ranked.map(
    (pool) => poolFigures(pool, fills.get(pool.ref.address.toLowerCase()) ?? [], { fromBlocks, pastPrices: history.pools.get(pool.ref.address.toLowerCase()) ?? none, complete }).figures,
  );

  const primary: PricedPool | undefined = ranked.find((p) => p.state.price !== null && (p.quoteUsd !== null || p.ref.quote === deployment.wrappedNative.address));
  const priceUsd: Ratio | null = primary ? poolPriceUsd(primary) : null;
  const nativePrice = snapshot.nativeUsd.price;
  const priceNative: Ratio | null = !primary
    ? null
    : primary.ref.quote === deployment.wrappedNative.address
      ? primary.state.price
      : priceUsd && nativePrice
        ? divRatio(priceUsd, nativePrice)
        : null;
  const priceChange = priceChanges(primary, priceUsd, history, snapshot);

  const excluded = BURN_ADDRESSES.map((address, i) => ({ address, balance: reads.burned[i] ?? 0n }));
  const circulating = totalSupply - excluded.reduce((sum, e) => sum + e.balance, 0n);
  const usdOf = (raw: bigint): number | null => (priceUsd ? ratioToNumber(mulRatio(unitsRatio(raw, decimals), priceUsd)) : null);

  return {
    token: { address: target, name: token.name, symbol: token.symbol, decimals, totalSupply: totalSupply.toString() },
    blockTimestamp: Number(latest.timestamp),
    nativeUsd: {
      token: deployment.wrappedNative.address,
      symbol: deployment.wrappedNative.symbol,
      priceUsd: nativePrice ? formatRatio(nativePrice) : null,
      anchorPool: snapshot.nativeUsd.anchor ? getAddress(snapshot.nativeUsd.anchor.ref.address) : null,
    },
    primaryPool: primary?.ref.address ?? null,
    priceNative: priceNative ? formatRatio(priceNative) : null,
    priceUsd: priceUsd ? formatRatio(priceUsd) : null,
    liquidity: {
      usd: sumOrNull(pools.map((p) => p.liquidity.usd)),
      base: pools.reduce((sum, p) => sum + p.liquidity.base, 0),
      quoteUsd: sumOrNull(ranked.map((p) => quoteDepthUsd(p))),
    },
    volume: perWindow((w) => (complete[w] ? sumOrNull(pools.map((p) => p.volume[w])) : null)),
    txns: perWindow((w) => sumTxns(pools.map((p) => p.txns[w]))),
    priceChange,
    fdv: usdOf(totalSupply),
    marketCap: usdOf(circulating),
    supply: {
      total: totalSupply.toString(),
      circulating: circulating.toString(),
      excluded: excluded.map((e) => ({ address: e.address, balance: e.balance.toString() })),
    },
    windows: perWindow((w) => ({ fromBlock: windows[w].fromBlock.toString(), fromTimestamp: Number(windows[w].fromTimestamp), complete: complete[w] })),
    swapHistory: coverage,
    stablecoins: snapshot.stables.map(stablecoinView),
    pools,
  };
}

function perWindow<T>(f: (w: (typeof WINDOWS)[number]) => T): PerWindow<T> {
  return { h1: f('h1'), h6: f('h6'), h24: f('h24') };
}

/** Change of the USD price through the primary pool; the quote's USD price then as `pastUsd` says. */
function priceChanges(primary: PricedPool | undefined, priceUsd: Ratio | null, history: MarketHistory, snapshot: MarketSnapshot): PerWindow<number | null> {
  const primaryHistory = primary ? history.pools.get(primary.ref.address.toLowerCase()) : undefined;
  const anchorPeg = snapshot.stables.find((s) => s.address === snapshot.nativeUsd.anchor?.ref.quote);
  const stablePeg = primary ? snapshot.stables.find((s) => s.address === primary.ref.quote) : undefined;
  return perWindow((w) => {
    if (!primary || !primaryHistory) return null;
    const nativeThen = history.nativeUsd[w];
    const quoteUsdThen = stablePeg ? stablePeg.priceUsd : nativeThen && anchorPeg ? mulRatio(nativeThen, anchorPeg.priceUsd) : null;
    return percentChange(priceUsd, pastUsd(primaryHistory[w], quoteUsdThen));
  });
}
