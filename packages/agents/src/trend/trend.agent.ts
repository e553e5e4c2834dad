import { blockTimestampReader, DEX_DEPLOYMENTS, findBlocksByTimestamp, formatRatio, mulRatio, ratio, type Ratio } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import {
  fetchPoolLogs,
  liquidityUsd,
  percentChange,
  poolState,
  readMarketSnapshot,
  readPoolRaw,
  readTokenMeta,
  usdValue,
  V2_SWAP,
  V2_SYNC,
  V3_INITIALIZE,
  V3_SWAP,
  type PoolLog,
  type PoolRef,
  type PricedPool,
  type TokenMeta,
} from '../dex';
import type { Agent, AgentContext } from '../types';
import { findLaunches, type PoolLaunch } from './launches';
import { momentum, MOMENTUM_FORMULA } from './momentum';
import { poolActivity } from './pool-activity';
import { checkSell, findBalanceSlots, type SellCheck } from './sell-check';
import { TrendParams, TrendResult, type TrendData, type TrendExclusionReason, type TrendPool } from './trend-contract';
import { trendFindings, trendSummary, type Excluded } from './trend-report';

/** New pools analysed per run at most (newest first); the rest are counted, not read. */
export const MAX_ANALYSED_POOLS = 300;
/** The simulated buy spends this fraction of the pool's quote holdings: small enough to pass max-tx limits. */
const PROBE_FRACTION = 1000n;

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
    ctx.signal.throwIfAborted();
    const deployment = DEX_DEPLOYMENTS[params.network];
    const client = ctx.chain.get(params.network);
    const native = deployment.wrappedNative;
    const stables = deployment.usdStables.map((s) => s.address);

    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), ctx.signal);
    const blockNumber = latest.number;
    const fromTimestamp = latest.timestamp - BigInt(params.lookbackHours) * 3600n;
    const [search, anchor] = await abortable(
      Promise.all([
        findBlocksByTimestamp(blockTimestampReader(client), { number: blockNumber, timestamp: latest.timestamp }, [fromTimestamp]),
        readMarketSnapshot(client, deployment, native.address, stables, blockNumber),
      ]),
      ctx.signal,
    );
    const startBlock = search.blocks[0] ?? null;
    const fromBlock = startBlock === null ? 0n : startBlock + 1n;

    const { launches } = await abortable(findLaunches(client, deployment, fromBlock, blockNumber, ctx.signal), ctx.signal);
    const excluded: Excluded[] = [];
    for (const launch of launches) {
      if (launch.skip) excluded.push({ launch, reason: launch.skip, detail: skipDetail(launch) });
    }
    const rankable = launches.filter((l): l is PoolLaunch & { ref: PoolRef } => l.ref !== null);
    // Newest first, so a capped run keeps the freshest pools.
    const analysed = rankable.slice(-MAX_ANALYSED_POOLS).reverse();
    const truncated = rankable.length - analysed.length;

    const bases = unique(analysed.map((l) => l.ref.base));
    const quotesUsed = unique(analysed.map((l) => l.ref.quote));
    const creationBlocks = unique(analysed.map((l) => l.createdBlock));
    const refs = analysed.map((l) => l.ref);
    const [metas, raws, times, poolLogs, slots] = await abortable(
      Promise.all([
        Promise.all(bases.map((b) => readTokenMeta(client, b, blockNumber))),
        Promise.all(refs.map((ref) => readPoolRaw(client, ref, blockNumber))),
        Promise.all(creationBlocks.map(async (n) => [n, (await client.getBlock({ blockNumber: n })).timestamp] as const)),
        fetchPoolLogs(client, refs, [V2_SWAP, V3_SWAP, V2_SYNC, V3_INITIALIZE], fromBlock, blockNumber, ctx.signal),
        findBalanceSlots(client, quotesUsed, blockNumber),
      ]),
      ctx.signal,
    );
    const metaOf = new Map<string, TokenMeta>(metas.map((m) => [m.address.toLowerCase(), m]));
    const timeOf = new Map(times);
    const logsOf = groupLogs(poolLogs.logs);
    const isStable = (a: Address) => stables.includes(a);
    const quoteUsdOf = (q: Address): Ratio | null => (isStable(q) ? ratio(1n, 1n) : q === native.address ? anchor.nativeUsd.price : null);

    // Liquidity floor first: only pools worth ranking get a sell simulation.
    const priced: { launch: PoolLaunch & { ref: PoolRef }; pool: PricedPool; meta: TokenMeta; liquidity: number }[] = [];
    analysed.forEach((launch, i) => {
      const meta = metaOf.get(launch.ref.base.toLowerCase());
      const quoteDecimals = anchor.quoteMeta.get(launch.ref.quote.toLowerCase())?.decimals ?? null;
      const raw = raws[i];
      if (!meta || meta.decimals === null || quoteDecimals === null || !raw) {
        excluded.push({ launch, reason: 'below_liquidity_floor', detail: 'the pool or its token could not be read (no decimals), so it holds no measurable liquidity' });
        return;
      }
      const decimals = { base: meta.decimals, quote: quoteDecimals };
      const pool: PricedPool = {
        ref: launch.ref,
        state: poolState(raw, launch.ref, decimals),
        decimals,
        quoteUsd: quoteUsdOf(launch.ref.quote),
        quoteSymbol: anchor.quoteMeta.get(launch.ref.quote.toLowerCase())?.symbol ?? null,
      };
      const liquidity = liquidityUsd(pool) ?? 0;
      if (liquidity < params.minLiquidityUsd) {
        excluded.push({ launch, reason: 'below_liquidity_floor', detail: `liquidity $${liquidity.toFixed(2)} < $${params.minLiquidityUsd}` });
        return;
      }
      priced.push({ launch, pool, meta, liquidity });
    });

    const checks: SellCheck[] = await abortable(
      Promise.all(
        priced.map(({ pool }) => checkSell(client, pool.ref, pool.state.quoteRaw / PROBE_FRACTION, slots.get(pool.ref.quote) ?? null, blockNumber)),
      ),
      ctx.signal,
    );

    const ranked: Omit<TrendPool, 'rank'>[] = [];
    const unchecked: { pool: Address; reason: string }[] = [];
    const honeypots: { launch: PoolLaunch; symbol: string | null; check: SellCheck }[] = [];
    priced.forEach(({ launch, pool, meta, liquidity }, i) => {
      const check = checks[i]!;
      if (check.status === 'honeypot' || check.status === 'cannot_buy') {
        excluded.push({ launch, reason: check.status, detail: sellDetail(check, pool) });
        if (check.status === 'honeypot') honeypots.push({ launch, symbol: meta.symbol, check });
        return;
      }
      if (check.status === 'unchecked') unchecked.push({ pool: pool.ref.address, reason: check.reason });
      const created = timeOf.get(launch.createdBlock) ?? latest.timestamp;
      const ageHours = Number(latest.timestamp - created) / 3600;
      const activity = poolActivity(logsOf.get(pool.ref.address.toLowerCase()) ?? [], pool.ref, pool.decimals);
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
      const priceUsd = pool.state.price && pool.quoteUsd ? mulRatio(pool.state.price, pool.quoteUsd) : null;
      ranked.push({
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
      });
    });
    ranked.sort((a, b) => b.momentum - a.momentum || b.liquidityUsd - a.liquidityUsd);
    const pools: TrendPool[] = ranked.slice(0, params.limit).map((p, i) => ({ rank: i + 1, ...p }));

    const counts = { no_quote_token: 0, quote_pair: 0, below_liquidity_floor: 0, honeypot: 0, cannot_buy: 0 } satisfies Record<TrendExclusionReason, number>;
    for (const e of excluded) counts[e.reason] += 1;
    const data: TrendData = {
      window: {
        hours: params.lookbackHours,
        fromBlock: fromBlock.toString(),
        fromTimestamp: Number(fromTimestamp),
        toBlock: blockNumber.toString(),
        toTimestamp: Number(latest.timestamp),
      },
      minLiquidityUsd: params.minLiquidityUsd,
      nativeUsd: {
        token: native.address,
        symbol: native.symbol,
        priceUsd: anchor.nativeUsd.price ? formatRatio(anchor.nativeUsd.price) : null,
        anchorPool: anchor.nativeUsd.anchor?.ref.address ?? null,
      },
      poolsCreated: launches.length,
      ranked: ranked.length,
      excluded: counts,
      excludedPools: excluded.slice(0, 100).map((e) => ({ pool: e.launch.pool, token: e.launch.ref?.base ?? e.launch.token0, reason: e.reason, detail: e.detail })),
      momentumFormula: MOMENTUM_FORMULA,
      pools,
    };
    const facts = { network: params.network, blockNumber, data, honeypots, unchecked, truncated };
    ctx.logger.debug({ network: params.network, blockNumber: blockNumber.toString(), launches: launches.length, ranked: ranked.length }, 'trend agent read');
    return {
      agent: 'trend',
      network: params.network,
      target: `new pools, last ${params.lookbackHours} h`,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: trendSummary(facts),
      findings: trendFindings(facts),
      data,
    };
  },
};

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function groupLogs(logs: readonly PoolLog[]): Map<string, PoolLog[]> {
  const out = new Map<string, PoolLog[]>();
  for (const log of logs) {
    const key = log.address.toLowerCase();
    const list = out.get(key) ?? [];
    list.push(log);
    out.set(key, list);
  }
  return out;
}

function skipDetail(launch: PoolLaunch): string {
  return launch.skip === 'quote_pair'
    ? `${launch.token0}/${launch.token1}: both sides are quote tokens`
    : `${launch.token0}/${launch.token1}: neither side is a quote token of this network`;
}

function sellDetail(check: SellCheck, pool: PricedPool): string {
  if (check.status === 'cannot_buy') return `simulated buy with ${check.quoteIn} raw ${pool.quoteSymbol ?? 'quote'} ${check.reason}`;
  if (check.status === 'honeypot') {
    return `simulated buy with ${check.quoteIn} raw ${pool.quoteSymbol ?? 'quote'} received ${check.baseReceived} raw tokens; selling them ${check.reason}`;
  }
  return '';
}
