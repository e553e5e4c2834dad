import { DEX_DEPLOYMENTS, formatRatio, type DexDeployment } from '@oca/chain';
import { abortable } from '../abort';
import type { Agent, AgentContext } from '../types';
import { priceLaunches, readLaunchPools, selectLaunches } from './launch-pools';
import { findLaunches } from './launches';
import { MOMENTUM_FORMULA } from './momentum';
import { checkSells, rankLaunches, type RankedPool } from './ranking';
import { TrendParams, TrendResult, type TrendData, type TrendExclusionReason, type TrendPool } from './trend-contract';
import { trendFindings, trendSummary, type Excluded } from './trend-report';
import { readTrendWindow, type TrendWindow } from './trend-window';

/** New pools analysed per run at most (newest first); the rest are counted, not read. */
export const MAX_ANALYSED_POOLS = 300;

/**
 * Emerging tokens: every pool opened at the network's Uniswap V2/V3 factories in the last
 * `lookbackHours` (PairCreated/PoolCreated logs), priced against its quote token, with age,
 * liquidity, swaps, unique traders, buy/sell ratio, price change since launch and a momentum score
 * (`MOMENTUM_FORMULA`). Pools that cannot be priced, hold less than `minLiquidityUsd`, or fail a
 * simulated buy-then-sell (honeypots) are left out and counted per reason.
 *
 * Round trips: latest block; the window's start block (2–4 rounds) beside the USD anchor (2);
 * creation logs (1); pool states, token metadata, creation times, pool logs and the quote tokens'
 * balance slots (1); the sell simulations (1).
 */
export const trendAgent: Agent<TrendParams, TrendResult> = {
  name: 'trend',
  params: TrendParams,
  result: TrendResult,

  async run(params: TrendParams, ctx: AgentContext): Promise<TrendResult> {
    const { signal } = ctx;
    signal.throwIfAborted();
    const deployment = DEX_DEPLOYMENTS[params.network];
    const client = ctx.chain.get(params.network);
    // 1. The window (latest block back `lookbackHours`) and the USD anchor.
    const window = await readTrendWindow(client, deployment, params.lookbackHours, signal);
    // 2. Every pool the factories opened in it; those without exactly one quote-token side are left out.
    const { launches } = await abortable(findLaunches(client, deployment, window.fromBlock, window.blockNumber, signal), signal);
    const { analysed, skipped, truncated } = selectLaunches(launches, MAX_ANALYSED_POOLS);
    // 3. Their pools, tokens, creation times and logs; the liquidity floor first, so only pools
    //    worth ranking get a sell simulation.
    const reads = await readLaunchPools(client, analysed, window, signal);
    const { priced, belowFloor } = priceLaunches(analysed, reads, window.anchor, deployment, params.minLiquidityUsd);
    // 4. Buy-then-sell simulations; honeypots out, the rest scored and ranked.
    const checks = await checkSells(client, priced, reads, window.blockNumber, signal);
    const { ranked, failedSell, unchecked, honeypots } = rankLaunches(priced, checks, reads, window.timestamp);

    const data = trendData(params, window, deployment, launches.length, ranked, [...skipped, ...belowFloor, ...failedSell]);
    const facts = { network: params.network, blockNumber: window.blockNumber, data, honeypots, unchecked, truncated };
    ctx.logger.debug({ network: params.network, blockNumber: window.blockNumber.toString(), launches: launches.length, ranked: ranked.length }, 'trend agent read');
    return {
      agent: 'trend',
      network: params.network,
      target: `new pools, last ${params.lookbackHours} h`,
      blockNumber: window.blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: trendSummary(facts),
      findings: trendFindings(facts),
      data,
    };
  },
};

/** The result's data: the window, the anchor, the top `limit` pools, and the left-out ones counted by reason. */
function trendData(params: TrendParams, window: TrendWindow, deployment: DexDeployment, poolsCreated: number, ranked: readonly RankedPool[], excluded: readonly Excluded[]): TrendData {
  const pools: TrendPool[] = ranked.slice(0, params.limit).map((p, i) => ({ rank: i + 1, ...p }));
  const counts = { no_quote_token: 0, quote_pair: 0, below_liquidity_floor: 0, honeypot: 0, cannot_buy: 0 } satisfies Record<TrendExclusionReason, number>;
  for (const e of excluded) counts[e.reason] += 1;
  const { nativeUsd } = window.anchor;
  return {
    window: {
      hours: params.lookbackHours,
      fromBlock: window.fromBlock.toString(),
      fromTimestamp: Number(window.fromTimestamp),
      toBlock: window.blockNumber.toString(),
      toTimestamp: Number(window.timestamp),
    },
    minLiquidityUsd: params.minLiquidityUsd,
    nativeUsd: {
      token: deployment.wrappedNative.address,
      symbol: deployment.wrappedNative.symbol,
      priceUsd: nativeUsd.price ? formatRatio(nativeUsd.price) : null,
      anchorPool: nativeUsd.anchor?.ref.address ?? null,
    },
    poolsCreated,
    ranked: ranked.length,
    excluded: counts,
    excludedPools: excluded.slice(0, 100).map((e) => ({ pool: e.launch.pool, token: e.launch.ref?.base ?? e.launch.token0, reason: e.reason, detail: e.detail })),
    momentumFormula: MOMENTUM_FORMULA,
    pools,
  };
}
