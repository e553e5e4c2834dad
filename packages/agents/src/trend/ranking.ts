import { formatRatio, type ChainClient } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { percentChange, poolPriceUsd, units, usdValue, type PoolLog, type PricedPool } from '../dex';
import { scaleStartPrice, type LaunchReads, type PricedLaunch } from './launch-pools';
import type { PoolLaunch } from './launches';
import { momentum } from './momentum';
import { poolActivity } from './pool-activity';
import { checkSell, type SellCheck } from './sell-check';
import type { TrendPool } from './trend-contract';
import type { Excluded, TrendFacts } from './trend-report';

/** The simulated buy spends this fraction of the pool's quote holdings: small enough to pass max-tx limits. */
const PROBE_FRACTION = 1000n;

/** A ranked pool before its rank is known. */
export type RankedPool = Omit<TrendPool, 'rank'>;

/** The window the figures cover (after any narrowing). */
export interface RankWindow {
  /** The window's end block's timestamp: "now" for ages. */
  now: bigint;
  /** Timestamp of the window's first block. */
  fromTimestamp: bigint;
  /** Simulated buy or sell taxes over this fraction exclude a pool. */
  maxTax: number;
}

/** A buy-then-sell simulation per priced pool, all in one round trip. */
export function checkSells(client: ChainClient, priced: readonly PricedLaunch[], reads: LaunchReads, blockNumber: bigint, signal: AbortSignal): Promise<SellCheck[]> {
  return abortable(
    Promise.all(priced.map(({ pool }) => checkSell(client, pool.ref, pool.state.quoteRaw / PROBE_FRACTION, reads.slots.get(pool.ref.quote) ?? null, blockNumber))),
    signal,
  );
}

/**
 * Honeypots, pools that cannot be bought and pools taxed over `maxTax` are left out; the rest get
 * their figures and momentum score, highest first (ties by quote-side liquidity).
 */
export function rankLaunches(
  priced: readonly PricedLaunch[],
  checks: readonly SellCheck[],
  reads: LaunchReads,
  swapLogsOf: ReadonlyMap<string, PoolLog[]>,
  window: RankWindow,
): { ranked: RankedPool[]; failedSell: Excluded[]; unchecked: TrendFacts['unchecked']; honeypots: TrendFacts['honeypots']; taxed: TrendFacts['taxed'] } {
  const ranked: RankedPool[] = [];
  const failedSell: Excluded[] = [];
  const unchecked: { pool: Address; reason: string }[] = [];
  const honeypots: TrendFacts['honeypots'] = [];
  const taxed: TrendFacts['taxed'] = [];
  priced.forEach((entry, i) => {
    const check = checks[i]!;
    const { launch, pool, meta } = entry;
    if (check.status === 'honeypot' || check.status === 'cannot_buy') {
      failedSell.push({ launch, reason: check.status, detail: sellDetail(check, pool) });
      if (check.status === 'honeypot') honeypots.push({ launch, symbol: meta.symbol, check });
      return;
    }
    if (check.status === 'passed' && Math.max(check.buyTax, check.sellTax) > window.maxTax) {
      failedSell.push({ launch, reason: 'high_tax', detail: `simulated buy tax ${pct(check.buyTax)}, sell tax ${pct(check.sellTax)} (over ${pct(window.maxTax)})` });
      taxed.push({ launch, symbol: meta.symbol, buyTax: check.buyTax, sellTax: check.sellTax });
      return;
    }
    if (check.status === 'unchecked') unchecked.push({ pool: pool.ref.address, reason: check.reason });
    ranked.push(rankedPool(entry, check, reads, swapLogsOf, window));
  });
  ranked.sort((a, b) => b.momentum - a.momentum || b.liquidityQuote - a.liquidityQuote);
  return { ranked, failedSell, unchecked, honeypots, taxed };
}

/** A pool's logs in chain order: its swaps in the window and, for a new pool, its first Sync/Initialize. */
function poolLogs(launch: PoolLaunch, reads: LaunchReads, swapLogsOf: ReadonlyMap<string, PoolLog[]>): PoolLog[] {
  const key = launch.pool.toLowerCase();
  const logs = [...(swapLogsOf.get(key) ?? []), ...(reads.launchLogsOf.get(key) ?? [])];
  return logs.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
}

/**
 * One pool's row. A new pool: age, swaps and traders since launch, price change since its first
 * price (unknown when the launch-price scan did not reach back to its creation). An older pool:
 * the same over the window, price change since the window's start; "age" for momentum's rates is
 * the window's length.
 */
function rankedPool({ launch, pool, meta, liquidityUsd, liquidityQuote }: PricedLaunch, check: SellCheck, reads: LaunchReads, swapLogsOf: ReadonlyMap<string, PoolLog[]>, window: RankWindow): RankedPool {
  const isNew = launch.createdBlock !== null;
  const created = isNew ? (reads.timeOf.get(launch.createdBlock!) ?? window.now) : null;
  const observedHours = Number(window.now - (created ?? window.fromTimestamp)) / 3600;
  const activity = poolActivity(poolLogs(launch, reads, swapLogsOf), pool.ref, pool.decimals);
  const launchPriceKnown = isNew && launch.createdBlock! >= reads.launchPrices.coveredFrom;
  const startPrice = isNew ? (launchPriceKnown ? activity.launchPrice : null) : scaleStartPrice(reads.startPrices[indexOf(reads, launch)], pool.decimals, pool.ref);
  const priceChange = percentChange(pool.state.price, startPrice);
  const volumeQuote = units(activity.quoteVolumeRaw, pool.decimals.quote);
  const volumeUsd = usdValue(activity.quoteVolumeRaw, pool.decimals.quote, pool.quoteUsd);
  const score = momentum({
    volume: volumeQuote,
    liquidity: liquidityQuote,
    ageHours: observedHours,
    uniqueTraders: activity.uniqueTraders,
    swaps: activity.fills.length,
    buys: activity.buys,
    sells: activity.sells,
    priceChange,
  });
  const priceUsd = poolPriceUsd(pool);
  return {
    isNew,
    pool: pool.ref.address,
    dex: pool.ref.dex,
    version: pool.ref.version,
    feeTier: pool.ref.feeTier,
    stable: pool.ref.version === 'solidly' ? (pool.ref.stable ?? false) : null,
    token: { address: meta.address, name: meta.name, symbol: meta.symbol, decimals: meta.decimals! },
    quoteToken: { address: pool.ref.quote, symbol: pool.quoteSymbol },
    createdBlock: isNew ? launch.createdBlock!.toString() : null,
    createdAt: created === null ? null : new Date(Number(created) * 1000).toISOString(),
    ageHours: created === null ? null : Math.round(observedHours * 100) / 100,
    liquidityUsd,
    liquidityQuote,
    priceNative: pool.state.price ? formatRatio(pool.state.price) : null,
    priceUsd: priceUsd ? formatRatio(priceUsd) : null,
    priceChange,
    swaps: activity.fills.length,
    buys: activity.buys,
    sells: activity.sells,
    uniqueTraders: activity.uniqueTraders,
    buySellRatio: activity.sells === 0 ? null : activity.buys / activity.sells,
    volumeUsd,
    volumeQuote,
    momentum: score.score,
    momentumComponents: score.components,
    sellCheck: check.status === 'passed' ? 'passed' : 'unchecked',
    buyTax: check.status === 'passed' ? check.buyTax : null,
    sellTax: check.status === 'passed' ? check.sellTax : null,
  };
}

/** The index of `launch` among the analysed pools (`startPrices` is in that order). */
function indexOf(reads: LaunchReads, launch: PoolLaunch): number {
  return reads.order.get(launch.pool.toLowerCase()) ?? -1;
}

const pct = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;

function sellDetail(check: SellCheck, pool: PricedPool): string {
  if (check.status === 'cannot_buy') return `simulated buy with ${check.quoteIn} raw ${pool.quoteSymbol ?? 'quote'} ${check.reason}`;
  if (check.status === 'honeypot') {
    return `simulated buy with ${check.quoteIn} raw ${pool.quoteSymbol ?? 'quote'} received ${check.baseReceived} raw tokens; selling them ${check.reason}`;
  }
  return '';
}
