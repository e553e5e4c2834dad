import { DEX_DEPLOYMENTS, formatRatio, type DexDeployment, type LogPagerOptions } from '@oca/chain';
import type { LogCoverage } from '@oca/contracts';
import { abortable } from '../abort';
import { stablecoinView, type PoolLog } from '../dex';
import type { Agent, AgentContext } from '../types';
import { busiestPools, identifyPools, scanSwaps } from './active-pools';
import { priceLaunches, readLaunchPools, selectLaunches } from './launch-pools';
import { findLaunches, type PoolLaunch } from './launches';
import { MOMENTUM_FORMULA } from './momentum';
import { checkSells, rankLaunches, type RankedPool } from './ranking';
import { TrendParams, TrendResult, type TrendData, type TrendExclusionReason, type TrendPool } from './trend-contract';
import { trendFindings, trendSummary, type Excluded } from './trend-report';
import { readTrendWindow, type TrendWindow } from './trend-window';

/** New pools analysed per run at most (newest first); the rest are counted, not read. */
export const MAX_ANALYSED_POOLS = 300;
/** Older pools traded in the window analysed per run at most (busiest first). */
export const MAX_ACTIVE_POOLS = 100;

type ScanBudget = Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange'>;

/**
 * Budgets of the three log scans. A week on Arbitrum is 2.4 M blocks: 2,400 pages behind a public
 * node's 1,000-block cap, and every Swap of every pool on a busy chain is far past 150,000 logs in
 * a day. Past a budget a scan keeps its newest blocks, the whole analysis narrows to the window
 * every scan covered, and the result says so (`window.complete`, `scans`).
 */
export const TREND_LOG_BUDGET: Readonly<Record<'launches' | 'swaps' | 'launchPrices', ScanBudget>> = {
  launches: { maxRequests: 128, maxLogs: 50_000 },
  swaps: { maxRequests: 256, maxLogs: 150_000 },
  launchPrices: { maxRequests: 128, maxLogs: 100_000 },
};

/** Options for `createTrendAgent`. */
export interface TrendAgentOptions {
  /**
   * Budgets per log scan, merged over `TREND_LOG_BUDGET`; tests shrink them to force a narrowed window.
   * @default TREND_LOG_BUDGET, 5,000-block pages
   */
  logs?: Partial<Record<keyof typeof TREND_LOG_BUDGET, ScanBudget>>;
}

/**
 * Trending tokens: the pools opened at the network's listed factories in the window
 * (PairCreated/PoolCreated, Solidly's PoolCreated too) and the busiest older pools traded in it (every Swap log, no address
 * filter), priced against their quote token (stablecoins checked against each other), with age,
 * liquidity, swaps, unique traders, buy/sell ratio, price change (since launch, or since the
 * window's start) and a momentum score (`MOMENTUM_FORMULA`). Pools that cannot be priced, hold less
 * than `minLiquidityUsd`, fail a simulated buy-then-sell (honeypots) or lose more than
 * `maxTaxPercent` to the token in it are left out and counted per reason.
 *
 * Round trips: latest block; the window's start block (2–4 rounds) beside the USD anchor and the
 * pegs (2); creation and Swap logs (1, more behind span caps); the older pools' factory and tokens
 * beside nothing else (1); pool states, token metadata, creation times, first prices, older pools'
 * start prices and the quote tokens' balance slots (1); the sell simulations (1).
 */
export function createTrendAgent(options: TrendAgentOptions = {}): Agent<TrendParams, TrendResult> {
  const budgets = {
    launches: { ...TREND_LOG_BUDGET.launches, ...options.logs?.launches },
    swaps: { ...TREND_LOG_BUDGET.swaps, ...options.logs?.swaps },
    launchPrices: { ...TREND_LOG_BUDGET.launchPrices, ...options.logs?.launchPrices },
  };
  return { name: 'trend', params: TrendParams, result: TrendResult, run: (params, ctx) => analyse(params, ctx, budgets) };
}

export const trendAgent = createTrendAgent();

async function analyse(params: TrendParams, ctx: AgentContext, budgets: typeof TREND_LOG_BUDGET): Promise<TrendResult> {
  const { signal } = ctx;
  signal.throwIfAborted();
  const deployment = DEX_DEPLOYMENTS[params.network];
  const client = ctx.chain.get(params.network);
  const minutes = params.lookbackMinutes ?? params.lookbackHours * 60;
  // 1. The window (latest block back `minutes`), the USD anchor and the stablecoin pegs.
  const window = await readTrendWindow(client, deployment, minutes, signal);
  // 2. Pools opened in it, and every Swap in it; the window every figure covers is what both read whole.
  const [launchScan, swapScan] = await abortable(
    Promise.all([
      findLaunches(client, deployment, window.fromBlock, window.blockNumber, { ...budgets.launches, keepNewest: true, signal }),
      scanSwaps(client, window.fromBlock, window.blockNumber, { ...budgets.swaps, signal }),
    ]),
    signal,
  );
  const from = launchScan.coveredFrom > swapScan.coveredFrom ? launchScan.coveredFrom : swapScan.coveredFrom;
  const launches = launchScan.launches.filter((l) => l.createdBlock !== null && l.createdBlock >= from);
  // 3. The busiest older pools traded in it, identified at the listed factories.
  const busiest = busiestPools(swapScan.logs, from, new Set(launches.map((l) => l.pool.toLowerCase())), MAX_ACTIVE_POOLS);
  const older = await abortable(identifyPools(client, deployment, busiest, window.blockNumber), signal);
  const newOnes = selectLaunches(launches, MAX_ANALYSED_POOLS);
  const olderOnes = selectLaunches(older, MAX_ACTIVE_POOLS);
  const analysed = [...newOnes.analysed, ...olderOnes.analysed];
  // 4. Their pools, tokens, times and first or start prices; the liquidity floor first, so only
  //    pools worth ranking get a sell simulation.
  const reads = await readLaunchPools(client, deployment, analysed, { blockNumber: window.blockNumber, fromBlock: from }, budgets.launchPrices, signal);
  const { priced, belowFloor } = priceLaunches(analysed, reads, window.anchor, params.minLiquidityUsd);
  // 5. Buy-then-sell simulations; honeypots and heavy taxes out, the rest scored and ranked.
  const checks = await checkSells(client, priced, reads, window.blockNumber, signal);
  // A whole window starts at its time; a narrowed one at its first block's.
  const fromTimestamp = from <= window.fromBlock ? window.fromTimestamp : (reads.timeOf.get(from) ?? window.fromTimestamp);
  const { ranked, failedSell, unchecked, honeypots, taxed } = rankLaunches(priced, checks, reads, swapsByPool(swapScan.logs, from), {
    now: window.timestamp,
    fromTimestamp,
    maxTax: params.maxTaxPercent / 100,
  });

  const coverage = {
    launches: scanCoverage(launchScan, window, reads.timeOf),
    swaps: scanCoverage(swapScan, window, reads.timeOf),
    launchPrices: scanCoverage(reads.launchPrices, { ...window, fromBlock: from }, reads.timeOf),
  };
  const excluded = [...newOnes.skipped, ...olderOnes.skipped, ...belowFloor, ...failedSell];
  const data = trendData({ params, window, deployment, from, fromTimestamp, coverage, poolsCreated: launches.length, poolsActive: activePools(swapScan.logs, from), ranked, excluded });
  const facts = { network: params.network, blockNumber: window.blockNumber, data, honeypots, taxed, unchecked, truncated: newOnes.truncated };
  ctx.logger.debug({ network: params.network, blockNumber: window.blockNumber.toString(), launches: launches.length, older: older.length, ranked: ranked.length }, 'trend agent read');
  return {
    agent: 'trend',
    network: params.network,
    target: `trending pools, last ${minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`}`,
    blockNumber: window.blockNumber.toString(),
    generatedAt: ctx.now().toISOString(),
    summary: trendSummary(facts),
    findings: trendFindings(facts),
    data,
  };
}

/** Swap logs at or after `from`, keyed by the pool's lower-case address. */
function swapsByPool(logs: readonly PoolLog[], from: bigint): Map<string, PoolLog[]> {
  const out = new Map<string, PoolLog[]>();
  for (const log of logs) {
    if (log.blockNumber < from) continue;
    const key = log.address.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), log]);
  }
  return out;
}

function activePools(logs: readonly PoolLog[], from: bigint): number {
  return new Set(logs.filter((l) => l.blockNumber >= from).map((l) => l.address.toLowerCase())).size;
}

/** What one scan covered; its start's timestamp when known (the window's start otherwise). */
function scanCoverage(scan: { requests: number; coveredFrom: bigint }, window: Pick<TrendWindow, 'fromBlock' | 'blockNumber' | 'fromTimestamp'>, timeOf: ReadonlyMap<bigint, bigint>): LogCoverage {
  const complete = scan.coveredFrom <= window.fromBlock;
  return {
    fromBlock: scan.coveredFrom.toString(),
    toBlock: window.blockNumber.toString(),
    fromTimestamp: Number(complete ? window.fromTimestamp : (timeOf.get(scan.coveredFrom) ?? window.fromTimestamp)),
    complete,
    requests: scan.requests,
  };
}

interface TrendDataInput {
  params: TrendParams;
  window: TrendWindow;
  deployment: DexDeployment;
  from: bigint;
  fromTimestamp: bigint;
  coverage: TrendData['scans'];
  poolsCreated: number;
  poolsActive: number;
  ranked: readonly RankedPool[];
  excluded: readonly Excluded[];
}

/** The result's data: the window, the anchor, the top `limit` pools, and the left-out ones counted by reason. */
function trendData(input: TrendDataInput): TrendData {
  const { params, window, deployment, from, fromTimestamp, ranked, excluded } = input;
  const pools: TrendPool[] = ranked.slice(0, params.limit).map((p, i) => ({ rank: i + 1, ...p }));
  const counts = { no_quote_token: 0, quote_pair: 0, below_liquidity_floor: 0, honeypot: 0, cannot_buy: 0, high_tax: 0 } satisfies Record<TrendExclusionReason, number>;
  for (const e of excluded) counts[e.reason] += 1;
  const { nativeUsd } = window.anchor;
  const complete = from <= window.fromBlock;
  const minutes = complete ? window.minutes : Math.max(1, Math.round(Number(window.timestamp - fromTimestamp) / 60));
  return {
    window: {
      minutes,
      hours: Math.round((minutes / 60) * 100) / 100,
      fromBlock: from.toString(),
      fromTimestamp: Number(complete ? window.fromTimestamp : fromTimestamp),
      toBlock: window.blockNumber.toString(),
      toTimestamp: Number(window.timestamp),
      complete,
      requested: { minutes: window.minutes, fromBlock: window.fromBlock.toString(), fromTimestamp: Number(window.fromTimestamp) },
    },
    scans: input.coverage,
    minLiquidityUsd: params.minLiquidityUsd,
    maxTaxPercent: params.maxTaxPercent,
    nativeUsd: {
      token: deployment.wrappedNative.address,
      symbol: deployment.wrappedNative.symbol,
      priceUsd: nativeUsd.price ? formatRatio(nativeUsd.price) : null,
      anchorPool: nativeUsd.anchor?.ref.address ?? null,
    },
    stablecoins: window.anchor.stables.map(stablecoinView),
    poolsCreated: input.poolsCreated,
    poolsActive: input.poolsActive,
    ranked: ranked.length,
    excluded: counts,
    excludedPools: excluded.slice(0, 100).map((e) => ({ pool: e.launch.pool, token: e.launch.ref?.base ?? e.launch.token0, reason: e.reason, detail: e.detail })),
    momentumFormula: MOMENTUM_FORMULA,
    pools,
  };
}

export type { PoolLaunch };
