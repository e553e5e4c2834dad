import type { Finding, Network } from '@oca/contracts';
import type { Address } from 'viem';
import type { PoolLaunch } from './launches';
import type { SellCheck } from './sell-check';
import type { TrendData, TrendExclusionReason } from './trend-contract';

/** A pool left out of the ranking, and why. */
export interface Excluded {
  launch: PoolLaunch;
  reason: TrendExclusionReason;
  detail: string;
}

export interface TrendFacts {
  network: Network;
  blockNumber: bigint;
  data: TrendData;
  honeypots: { launch: PoolLaunch; symbol: string | null; check: SellCheck }[];
  /** Ranked pools whose sell simulation could not run. */
  unchecked: { pool: Address; reason: string }[];
  /** New pools beyond the analysis cap. */
  truncated: number;
}

const REASON_TEXT: Record<TrendExclusionReason, string> = {
  no_quote_token: 'without a quote token',
  quote_pair: 'between two quote tokens',
  below_liquidity_floor: 'under the liquidity floor',
  honeypot: 'honeypots',
  cannot_buy: 'that cannot be bought',
};

export function trendSummary({ network, blockNumber, data, truncated }: TrendFacts): string {
  const top = data.pools[0];
  const lead = top ? `; top: ${top.token.symbol ?? top.token.address} (momentum ${top.momentum})` : '';
  const left = (Object.keys(data.excluded) as TrendExclusionReason[])
    .filter((r) => data.excluded[r] > 0)
    .map((r) => `${data.excluded[r]} ${REASON_TEXT[r]}`);
  return (
    `${data.poolsCreated} pool${data.poolsCreated === 1 ? '' : 's'} opened on ${network} in the ${data.window.hours} h to block ${blockNumber}; ` +
    `${data.ranked} ranked${lead}${left.length > 0 ? `; left out: ${left.join(', ')}` : ''}` +
    `${truncated > 0 ? `; ${truncated} older pools beyond the analysis cap not read` : ''}.`
  );
}

export function trendFindings({ data, honeypots, unchecked, truncated }: TrendFacts): Finding[] {
  const findings: Finding[] = [];
  for (const { launch, symbol, check } of honeypots) {
    if (check.status !== 'honeypot') continue;
    findings.push({
      severity: 'high',
      title: `Honeypot among new pools: ${symbol ?? launch.ref?.base ?? launch.pool}`,
      evidence: `Pool ${launch.pool} (block ${launch.createdBlock}): a simulated buy of ${check.quoteIn} raw quote received ${check.baseReceived} raw tokens; selling them ${check.reason}. Excluded from the ranking.`,
    });
  }
  if (data.excluded.below_liquidity_floor > 0) {
    findings.push({
      severity: 'info',
      title: `${data.excluded.below_liquidity_floor} new pool(s) under $${data.minLiquidityUsd} of liquidity`,
      evidence: data.excludedPools
        .filter((e) => e.reason === 'below_liquidity_floor')
        .map((e) => `${e.pool}: ${e.detail}`)
        .join('; '),
    });
  }
  if (unchecked.length > 0) {
    findings.push({
      severity: 'low',
      title: `Sell simulation not run for ${unchecked.length} ranked pool(s)`,
      evidence: unchecked.map((u) => `${u.pool}: ${u.reason}`).join('; '),
    });
  }
  if (truncated > 0) {
    findings.push({
      severity: 'low',
      title: 'Not every new pool was analysed',
      evidence: `${truncated} of the oldest new pools in the window were beyond the per-run cap and are not ranked.`,
    });
  }
  if (data.nativeUsd.priceUsd === null) {
    findings.push({
      severity: 'low',
      title: 'No USD anchor',
      evidence: `No ${data.nativeUsd.symbol}/stablecoin pool with a price: ${data.nativeUsd.symbol}-quoted pools have no USD liquidity and fall under the floor.`,
    });
  }
  const top = data.pools[0];
  if (top) {
    findings.push({
      severity: 'info',
      title: `Strongest momentum: ${top.token.symbol ?? top.token.address}`,
      evidence:
        `Pool ${top.pool}, ${top.ageHours} h old: ${top.swaps} swaps (${top.buys} buys, ${top.sells} sells) by ${top.uniqueTraders} traders, ` +
        `volume $${top.volumeUsd.toFixed(2)} on $${top.liquidityUsd.toFixed(2)} liquidity, price ${top.priceChange === null ? 'change unknown' : `${top.priceChange.toFixed(2)} % since launch`}; momentum ${top.momentum}.`,
    });
  } else {
    findings.push({ severity: 'info', title: 'No new pool qualifies', evidence: `None of the ${data.poolsCreated} pools opened in the window passed the filters.` });
  }
  return findings;
}
