import type { ChainClient, DexDeployment } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import {
  fetchPoolLogs,
  liquidityUsd,
  poolState,
  quoteUsd,
  readPoolRaw,
  readTokenMeta,
  V2_SWAP,
  V2_SYNC,
  V3_INITIALIZE,
  V3_SWAP,
  type MarketSnapshot,
  type PoolLog,
  type PoolRaw,
  type PoolRef,
  type PricedPool,
  type TokenMeta,
} from '../dex';
import type { PoolLaunch } from './launches';
import { findBalanceSlots } from './sell-check';
import type { Excluded } from './trend-report';
import type { TrendWindow } from './trend-window';

/** A launch with exactly one quote-token side, so it can be priced and ranked. */
export type RankableLaunch = PoolLaunch & { ref: PoolRef };

/** A launch whose pool holds at least the liquidity floor. */
export interface PricedLaunch {
  launch: RankableLaunch;
  pool: PricedPool;
  meta: TokenMeta;
  liquidity: number;
}

/** What one round trip reads for the analysed launches, at the window's end block. */
export interface LaunchReads {
  /** Keyed by the base token's lower-case address. */
  metaOf: Map<string, TokenMeta>;
  /** Per analysed launch, in order; null when the pool could not be read. */
  raws: (PoolRaw | null)[];
  /** Creation block → its timestamp. */
  timeOf: Map<bigint, bigint>;
  /** Swap, Sync and Initialize logs in the window, keyed by the pool's lower-case address. */
  logsOf: Map<string, PoolLog[]>;
  /** `balanceOf` storage slot per quote token, for the sell simulation. */
  slots: Map<Address, number | null>;
}

/** The launches to analyse (newest first, at most `max`), and those left out for their quote sides. */
export function selectLaunches(launches: readonly PoolLaunch[], max: number): { analysed: RankableLaunch[]; skipped: Excluded[]; truncated: number } {
  const skipped: Excluded[] = [];
  for (const launch of launches) {
    if (launch.skip) skipped.push({ launch, reason: launch.skip, detail: skipDetail(launch) });
  }
  const rankable = launches.filter((l): l is RankableLaunch => l.ref !== null);
  // Newest first, so a capped run keeps the freshest pools.
  const analysed = rankable.slice(-max).reverse();
  return { analysed, skipped, truncated: rankable.length - analysed.length };
}

/** Pool states, token metadata, creation times, pool logs and the quote tokens' balance slots, in one round trip. */
export async function readLaunchPools(client: ChainClient, analysed: readonly RankableLaunch[], window: TrendWindow, signal: AbortSignal): Promise<LaunchReads> {
  const { blockNumber } = window;
  const refs = analysed.map((l) => l.ref);
  const [metas, raws, times, poolLogs, slots] = await abortable(
    Promise.all([
      Promise.all(unique(analysed.map((l) => l.ref.base)).map((b) => readTokenMeta(client, b, blockNumber))),
      Promise.all(refs.map((ref) => readPoolRaw(client, ref, blockNumber))),
      Promise.all(unique(analysed.map((l) => l.createdBlock)).map(async (n) => [n, (await client.getBlock({ blockNumber: n })).timestamp] as const)),
      fetchPoolLogs(client, refs, [V2_SWAP, V3_SWAP, V2_SYNC, V3_INITIALIZE], window.fromBlock, blockNumber, { signal }),
      findBalanceSlots(client, unique(analysed.map((l) => l.ref.quote)), blockNumber),
    ]),
    signal,
  );
  return { metaOf: new Map(metas.map((m) => [m.address.toLowerCase(), m])), raws, timeOf: new Map(times), logsOf: groupLogs(poolLogs.logs), slots };
}

/** Each launch's pool priced in USD; those that cannot be read or hold less than `minLiquidityUsd` are left out. */
export function priceLaunches(
  analysed: readonly RankableLaunch[],
  reads: LaunchReads,
  anchor: MarketSnapshot,
  deployment: DexDeployment,
  minLiquidityUsd: number,
): { priced: PricedLaunch[]; belowFloor: Excluded[] } {
  const priced: PricedLaunch[] = [];
  const belowFloor: Excluded[] = [];
  analysed.forEach((launch, i) => {
    const meta = reads.metaOf.get(launch.ref.base.toLowerCase());
    const quoteMeta = anchor.quoteMeta.get(launch.ref.quote.toLowerCase());
    const quoteDecimals = quoteMeta?.decimals ?? null;
    const raw = reads.raws[i];
    if (!meta || meta.decimals === null || quoteDecimals === null || !raw) {
      belowFloor.push({ launch, reason: 'below_liquidity_floor', detail: 'the pool or its token could not be read (no decimals), so it holds no measurable liquidity' });
      return;
    }
    const decimals = { base: meta.decimals, quote: quoteDecimals };
    const pool: PricedPool = {
      ref: launch.ref,
      state: poolState(raw, launch.ref, decimals),
      decimals,
      quoteUsd: quoteUsd(anchor, launch.ref.quote),
      quoteSymbol: quoteMeta?.symbol ?? null,
    };
    const liquidity = liquidityUsd(pool) ?? 0;
    if (liquidity < minLiquidityUsd) {
      belowFloor.push({ launch, reason: 'below_liquidity_floor', detail: `liquidity $${liquidity.toFixed(2)} < $${minLiquidityUsd}` });
      return;
    }
    priced.push({ launch, pool, meta, liquidity });
  });
  return { priced, belowFloor };
}

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
