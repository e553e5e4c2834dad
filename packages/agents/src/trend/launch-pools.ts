import { ratioToNumber, unitsRatio, type ChainClient, type LogPagerOptions, type Ratio } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import {
  fetchPoolLogs,
  liquidityUsd,
  poolState,
  quoteUsd,
  readPoolPrice,
  readPoolRaw,
  readTokenMeta,
  V2_SYNC,
  V3_INITIALIZE,
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

/** A pool with exactly one quote-token side, so it can be priced and ranked. */
export type RankableLaunch = PoolLaunch & { ref: PoolRef };

/** A pool priced at the window's end, over the liquidity floor (or of unknown USD liquidity). */
export interface PricedLaunch {
  launch: RankableLaunch;
  pool: PricedPool;
  meta: TokenMeta;
  /** Both sides in USD; null when the quote token has no USD price. */
  liquidityUsd: number | null;
  /** Both sides in the quote token, whole units. */
  liquidityQuote: number;
}

/** The analysed window as the reads need it: its end, and where its figures start. */
export interface ReadWindow {
  blockNumber: bigint;
  /** First block of the (possibly narrowed) window. */
  fromBlock: bigint;
}

/** What one round trip reads for the analysed pools, at the window's end block. */
export interface LaunchReads {
  /** Keyed by the base token's lower-case address. */
  metaOf: Map<string, TokenMeta>;
  /** Per analysed pool, in order; null when the pool could not be read. */
  raws: (PoolRaw | null)[];
  /** Block → its timestamp: new pools' creation blocks, and the window's first block. */
  timeOf: Map<bigint, bigint>;
  /** New pools' Sync and Initialize logs in the window (their first price), keyed by lower-case pool address. */
  launchLogsOf: Map<string, PoolLog[]>;
  /** Where the launch-price scan starts (later than the window when it ran out of budget), and its cost. */
  launchPrices: { requests: number; coveredFrom: bigint };
  /** Older pools' price at the window's start (state of the block before it), per analysed pool; undefined for new ones. */
  startPrices: (Ratio | null | undefined)[];
  /** `balanceOf` storage slot per quote token, for the sell simulation. */
  slots: Map<Address, number | null>;
  /** Index of each analysed pool (lower-case address) in `raws` and `startPrices`. */
  order: Map<string, number>;
}

/** The pools to analyse (new ones newest first, at most `max`), and those left out for their quote sides. */
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

/**
 * Pool states, token metadata, creation times, the new pools' first prices (Sync/Initialize logs),
 * older pools' prices at the window's start and the quote tokens' balance slots, in one round trip.
 */
export async function readLaunchPools(
  client: ChainClient,
  analysed: readonly RankableLaunch[],
  window: ReadWindow,
  logBudget: Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange'>,
  signal: AbortSignal,
): Promise<LaunchReads> {
  const { blockNumber } = window;
  const refs = analysed.map((l) => l.ref);
  const fresh = analysed.filter((l) => l.createdBlock !== null).map((l) => l.ref);
  const times = unique([window.fromBlock, ...analysed.flatMap((l) => (l.createdBlock === null ? [] : [l.createdBlock]))]);
  const [metas, raws, stamps, launchLogs, startPrices, slots] = await abortable(
    Promise.all([
      Promise.all(unique(analysed.map((l) => l.ref.base)).map((b) => readTokenMeta(client, b, blockNumber))),
      Promise.all(refs.map((ref) => readPoolRaw(client, ref, blockNumber))),
      Promise.all(times.map(async (n) => [n, (await client.getBlock({ blockNumber: n })).timestamp] as const)),
      fetchPoolLogs(client, fresh, [V2_SYNC, V3_INITIALIZE], window.fromBlock, blockNumber, { ...logBudget, keepNewest: true, signal }),
      Promise.all(analysed.map((l) => (l.createdBlock === null ? startPrice(client, l.ref, window.fromBlock) : Promise.resolve(undefined)))),
      findBalanceSlots(client, unique(analysed.map((l) => l.ref.quote)), blockNumber),
    ]),
    signal,
  );
  return {
    metaOf: new Map(metas.map((m) => [m.address.toLowerCase(), m])),
    raws,
    timeOf: new Map(stamps),
    launchLogsOf: groupLogs(launchLogs.logs),
    launchPrices: { requests: launchLogs.requests, coveredFrom: launchLogs.coveredFrom },
    startPrices,
    slots,
    order: new Map(analysed.map((l, i) => [l.pool.toLowerCase(), i])),
  };
}

/**
 * An older pool's price at the window's start, as a quote-per-base ratio needing both decimals:
 * read raw here (reserves or slot0), turned into a price once decimals are known (`priceLaunches`).
 */
async function startPrice(client: ChainClient, ref: PoolRef, fromBlock: bigint): Promise<Ratio | null | undefined> {
  if (fromBlock === 0n) return undefined;
  // Decimals 0/0: the raw ratio, scaled by `scaleStartPrice` once the token's decimals are read.
  return readPoolPrice(client, ref, { base: 0, quote: 0 }, fromBlock - 1n);
}

/** A raw (0/0-decimals) price scaled to whole units. */
export function scaleStartPrice(raw: Ratio | null | undefined, decimals: { base: number; quote: number }): Ratio | null | undefined {
  if (!raw) return raw;
  return { num: raw.num * 10n ** BigInt(decimals.base), den: raw.den * 10n ** BigInt(decimals.quote) };
}

/**
 * Each pool priced in USD at the window's end. Pools that cannot be read, or whose USD liquidity is
 * under `minLiquidityUsd`, are left out; a pool whose quote token has no USD price keeps a null
 * USD liquidity (unknown is not $0) and is not held to the floor.
 */
export function priceLaunches(
  analysed: readonly RankableLaunch[],
  reads: LaunchReads,
  anchor: MarketSnapshot,
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
    const state = poolState(raw, launch.ref, decimals);
    const pool: PricedPool = { ref: launch.ref, state, decimals, quoteUsd: quoteUsd(anchor, launch.ref.quote), quoteSymbol: quoteMeta?.symbol ?? null };
    const usd = liquidityUsd(pool);
    if (usd !== null && usd < minLiquidityUsd) {
      belowFloor.push({ launch, reason: 'below_liquidity_floor', detail: `liquidity $${usd.toFixed(2)} < $${minLiquidityUsd}` });
      return;
    }
    priced.push({ launch, pool, meta, liquidityUsd: usd, liquidityQuote: liquidityInQuote(pool) });
  });
  return { priced, belowFloor };
}

/** Both sides in the quote token: the quote held plus the base held at the pool's own price. */
function liquidityInQuote(pool: PricedPool): number {
  const quote = ratioToNumber(unitsRatio(pool.state.quoteRaw, pool.decimals.quote));
  const price = pool.state.price;
  const base = price ? ratioToNumber(unitsRatio(pool.state.baseRaw, pool.decimals.base)) * ratioToNumber(price) : 0;
  return quote + base;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function groupLogs(logs: readonly PoolLog[]): Map<string, PoolLog[]> {
  const out = new Map<string, PoolLog[]>();
  for (const log of logs) {
    const key = log.address.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), log]);
  }
  return out;
}

function skipDetail(launch: PoolLaunch): string {
  return launch.skip === 'quote_pair'
    ? `${launch.token0}/${launch.token1}: both sides are quote tokens`
    : `${launch.token0}/${launch.token1}: neither side is a quote token of this network`;
}
