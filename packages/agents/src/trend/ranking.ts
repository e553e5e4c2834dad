import { formatRatio, type ChainClient } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { percentChange, poolPriceUsd, usdValue, type PricedPool } from '../dex';
import type { LaunchReads, PricedLaunch } from './launch-pools';
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

/** A buy-then-sell simulation per priced pool, all in one round trip. */
export function checkSells(client: ChainClient, priced: readonly PricedLaunch[], reads: LaunchReads, blockNumber: bigint, signal: AbortSignal): Promise<SellCheck[]> {
  return abortable(
    Promise.all(priced.map(({ pool }) => checkSell(client, pool.ref, pool.state.quoteRaw / PROBE_FRACTION, reads.slots.get(pool.ref.quote) ?? null, blockNumber))),
    signal,
  );
}

/**
 * Honeypots and pools that cannot be bought are left out; the rest get their figures and momentum
 * score, highest first (ties by liquidity). `now` is the window's end timestamp, for pool ages.
 */
export function rankLaunches(
  priced: readonly PricedLaunch[],
  checks: readonly SellCheck[],
  reads: LaunchReads,
  now: bigint,
): { ranked: RankedPool[]; failedSell: Excluded[]; unchecked: TrendFacts['unchecked']; honeypots: TrendFacts['honeypots'] } {
  const ranked: RankedPool[] = [];
  const failedSell: Excluded[] = [];
  const unchecked: { pool: Address; reason: string }[] = [];
  const honeypots: { launch: PoolLaunch; symbol: string | null; check: SellCheck }[] = [];
  priced.forEach((entry, i) => {
    const check = checks[i]!;
    const { launch, pool, meta } = entry;
    if (check.status === 'honeypot' || check.status === 'cannot_buy') {
      failedSell.push({ launch, reason: check.status, detail: sellDetail(check, pool) });
      if (check.status === 'honeypot') honeypots.push({ launch, symbol: meta.symbol, check });
      return;
    }
    if (check.status === 'unchecked') unchecked.push({ pool: pool.ref.address, reason: check.reason });
    ranked.push(rankedPool(entry, check, reads, now));
  });
  ranked.sort((a, b) => b.momentum - a.momentum || b.liquidityUsd - a.liquidityUsd);
  return { ranked, failedSell, unchecked, honeypots };
}

/** One pool's row: age, liquidity, price, swaps and traders since launch, and its momentum. */
function rankedPool({ launch, pool, meta, liquidity }: PricedLaunch, check: SellCheck, reads: LaunchReads, now: bigint): RankedPool {
  const created = reads.timeOf.get(launch.createdBlock) ?? now;
  const ageHours = Number(now - created) / 3600;
  const activity = poolActivity(reads.logsOf.get(pool.ref.address.toLowerCase()) ?? [], pool.ref, pool.decimals);
  const volumeUsd = usdValue(activity.quoteVolumeRaw, pool.decimals.quote, pool.quoteUsd) ?? 0;
  const priceChange = percentChange(pool.state.price, activity.launchPrice);
  const score = momentum({
    volumeUsd,
    liquidityUsd: liquidity,
    ageHours,
    uniqueTraders: activity.uniqueTraders,
    swaps: activity.fills.length,
    buys: activity.buys,
    sells: activity.sells,
    priceChange,
  });
  const priceUsd = poolPriceUsd(pool);
  return {
    pool: pool.ref.address,
    dex: pool.ref.dex,
    version: pool.ref.version,
    feeTier: pool.ref.feeTier,
    token: { address: meta.address, name: meta.name, symbol: meta.symbol, decimals: meta.decimals! },
    quoteToken: { address: pool.ref.quote, symbol: pool.quoteSymbol },
    createdBlock: launch.createdBlock.toString(),
    createdAt: new Date(Number(created) * 1000).toISOString(),
    ageHours: Math.round(ageHours * 100) / 100,
    liquidityUsd: liquidity,
    priceNative: pool.state.price ? formatRatio(pool.state.price) : null,
    priceUsd: priceUsd ? formatRatio(priceUsd) : null,
    priceChange,
    swaps: activity.fills.length,
    buys: activity.buys,
    sells: activity.sells,
    uniqueTraders: activity.uniqueTraders,
    buySellRatio: activity.sells === 0 ? null : activity.buys / activity.sells,
    volumeUsd,
    momentum: score.score,
    momentumComponents: score.components,
    sellCheck: check.status === 'passed' ? 'passed' : 'unchecked',
  };
}

function sellDetail(check: SellCheck, pool: PricedPool): string {
  if (check.status === 'cannot_buy') return `simulated buy with ${check.quoteIn} raw ${pool.quoteSymbol ?? 'quote'} ${check.reason}`;
  if (check.status === 'honeypot') {
    return `simulated buy with ${check.quoteIn} raw ${pool.quoteSymbol ?? 'quote'} received ${check.baseReceived} raw tokens; selling them ${check.reason}`;
  }
  return '';
}
