import type { Finding, Network } from '@oca/contracts';
import type { Address } from 'viem';
import { pegFindings } from '../dex';
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
  /** Pools left out for their simulated taxes. */
  taxed: { launch: PoolLaunch; symbol: string | null; buyTax: number; sellTax: number }[];
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
  high_tax: 'taxed over the limit',
};

/** "5 min", "1 h", "24 h". */
export function windowLabel(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

export function trendSummary({ network, blockNumber, data, truncated }: TrendFacts): string {
  const top = data.pools[0];
  const lead = top ? `; top: ${top.token.symbol ?? top.token.address} (momentum ${top.momentum}${top.isNew ? ', new' : ''})` : '';
  const left = (Object.keys(data.excluded) as TrendExclusionReason[])
    .filter((r) => data.excluded[r] > 0)
    .map((r) => `${data.excluded[r]} ${REASON_TEXT[r]}`);
  const narrowed = data.window.complete ? '' : ` (narrowed from ${windowLabel(data.window.requested.minutes)} to the last ${windowLabel(data.window.minutes)} by the request budget)`;
  return (
    `${data.poolsCreated} pool${data.poolsCreated === 1 ? '' : 's'} opened and ${data.poolsActive} traded on ${network} in the ${windowLabel(data.window.minutes)} to block ${blockNumber}${narrowed}; ` +
    `${data.ranked} ranked${lead}${left.length > 0 ? `; left out: ${left.join(', ')}` : ''}` +
    `${truncated > 0 ? `; ${truncated} older new pools beyond the analysis cap not read` : ''}.`
  );
}

export function trendFindings(facts: TrendFacts): Finding[] {
  const { data, honeypots, taxed, unchecked, truncated } = facts;
  const findings: Finding[] = [...windowFindings(data)];
  for (const { launch, symbol, check } of honeypots) {
    if (check.status !== 'honeypot') continue;
    findings.push({
      severity: 'high',
      title: `Honeypot among trending pools: ${symbol ?? launch.ref?.base ?? launch.pool}`,
      evidence: `Pool ${launch.pool}${launch.createdBlock === null ? '' : ` (block ${launch.createdBlock})`}: a simulated buy of ${check.quoteIn} raw quote received ${check.baseReceived} raw tokens; selling them ${check.reason}. Excluded from the ranking.`,
    });
  }
  for (const t of taxed) {
    findings.push({
      severity: t.sellTax >= 0.5 || t.buyTax >= 0.5 ? 'high' : 'medium',
      title: `Taxed token among trending pools: ${t.symbol ?? t.launch.ref?.base ?? t.launch.pool} (sell tax ${(t.sellTax * 100).toFixed(1)} %)`,
      evidence: `Pool ${t.launch.pool}: a simulated buy kept ${(t.buyTax * 100).toFixed(1)} % and the sell of what it bought ${(t.sellTax * 100).toFixed(1)} % of what the pool promised, over the ${data.maxTaxPercent} % limit. Both trades went through, so a plain sell check passes it; excluded from the ranking.`,
    });
  }
  if (data.excluded.below_liquidity_floor > 0) {
    findings.push({
      severity: 'info',
      title: `${data.excluded.below_liquidity_floor} pool(s) under $${data.minLiquidityUsd} of liquidity`,
      evidence: data.excludedPools
        .filter((e) => e.reason === 'below_liquidity_floor')
        .map((e) => `${e.pool}: ${e.detail}`)
        .join('; '),
    });
  }
  const unknownUsd = data.pools.filter((p) => p.liquidityUsd === null);
  if (unknownUsd.length > 0) {
    findings.push({
      severity: 'low',
      title: `USD liquidity unknown for ${unknownUsd.length} ranked pool(s)`,
      evidence: `Their quote token has no USD price (${data.nativeUsd.priceUsd === null ? `no ${data.nativeUsd.symbol}/stablecoin pool prices ${data.nativeUsd.symbol}` : 'no price'}): liquidity and volume in USD are null, not $0, and the $${data.minLiquidityUsd} floor could not be applied to ${unknownUsd.map((p) => p.pool).join(', ')}. Momentum uses quote-token amounts.`,
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
  findings.push(...pegFindings(data.stablecoins));
  findings.push(topFinding(data));
  return findings;
}

/** Said when a scan ran out of budget: the window every figure covers is shorter than asked. */
function windowFindings(data: TrendData): Finding[] {
  if (data.window.complete) return [];
  const { scans, window } = data;
  const short = (Object.keys(scans) as (keyof TrendData['scans'])[]).filter((k) => !scans[k].complete);
  return [
    {
      severity: 'low',
      title: `Window narrowed to the last ${windowLabel(window.minutes)}`,
      evidence:
        `The ${short.join(' and ')} scan${short.length === 1 ? '' : 's'} of the ${windowLabel(window.requested.minutes)} from block ${window.requested.fromBlock} did not fit the request budget on this node ` +
        `(${short.map((k) => `${k}: ${scans[k].requests} requests, read from block ${scans[k].fromBlock}`).join('; ')}). Every figure covers blocks ${window.fromBlock}–${window.toBlock} ` +
        `(since ${new Date(window.fromTimestamp * 1000).toISOString()}); pools opened before that count as older pools.`,
    },
  ];
}

function topFinding(data: TrendData): Finding {
  const top = data.pools[0];
  if (!top) return { severity: 'info', title: 'No pool qualifies', evidence: `None of the ${data.poolsCreated} new and ${data.poolsActive} traded pools in the window passed the filters.` };
  const value = (n: number | null, quote: number) => (n === null ? `${quote.toFixed(4)} ${top.quoteToken.symbol ?? 'quote'}` : `$${n.toFixed(2)}`);
  return {
    severity: 'info',
    title: `Strongest momentum: ${top.token.symbol ?? top.token.address}`,
    evidence:
      `Pool ${top.pool}, ${top.isNew ? `${top.ageHours} h old` : 'older than the window'}: ${top.swaps} swaps (${top.buys} buys, ${top.sells} sells) by ${top.uniqueTraders} traders, ` +
      `volume ${value(top.volumeUsd, top.volumeQuote)} on ${value(top.liquidityUsd, top.liquidityQuote)} liquidity, price ${
        top.priceChange === null ? 'change unknown' : `${top.priceChange.toFixed(2)} % since ${top.isNew ? 'launch' : 'the window\'s start'}`
      }; momentum ${top.momentum}.`,
  };
}
