import { ratioToNumber, unitsRatio, type ChainClient, type DexDeployment, type LogPagerOptions, type Ratio } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import {
  fetchPoolLogs,
  liquidityUsd,
  poolState,
  quoteUsd,
  readPoolPrice,
  readPoolRaw,
  readSolidlyFee,
  readTokenMeta,
  reservesPrice,
  SOLIDLY_SYNC,
  V2_SYNC,
  V3_INITIALIZE,
  type MarketSnapshot,
  type PoolDecimals,
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
  /** New pools' Sync (V2 and Solidly) and Initialize logs in the window (their first price), keyed by lower-case pool address. */
  launchLogsOf: Map<string, PoolLog[]>;
  /** Where the launch-price scan starts (later than the window when it ran out of budget), and its cost. */
  launchPrices: { requests: number; coveredFrom: bigint };
  /** Older pools' price at the window's start (state of the block before it), per analysed pool; undefined for new ones. */
  startPrices: (StartPrice | undefined)[];
  /** Per analysed pool, in order: its fee tier (a new Solidly pool's `getFee`, read here; the others' as found). */
  feeTiers: (number | null)[];
  /** `balanceOf` storage slot per quote token, for the sell simulation. */
  slots: Map<Address, number | null>;
  /** Index of each analysed pool (lower-case address) in `raws` and `startPrices`. */
  order: Map<string, number>;
}

/**
 * An older pool's state at the window's start, before decimals are known: a raw (0/0-decimals)
 * price for V2, V3 and Solidly volatile pools; the reserves for a Solidly stable pool, whose curve
 * price does not scale with decimals.
 */
export type StartPrice = Ratio | null | { baseRaw: bigint; quoteRaw: bigint };

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
 * older pools' prices at the window's start, new Solidly pools' fees and the quote tokens' balance
 * slots, in one round trip.
 */
export async function readLaunchPools(
  client: ChainClient,
  deployment: DexDeployment,
  analysed: readonly RankableLaunch[],
  window: ReadWindow,
  logBudget: Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange'>,
  signal: AbortSignal,
): Promise<LaunchReads> {
  const { blockNumber } = window;
  const refs = analysed.map((l) => l.ref);
  const fresh = analysed.filter((l) => l.createdBlock !== null).map((l) => l.ref);
  const times = unique([window.fromBlock, ...analysed.flatMap((l) => (l.createdBlock === null ? [] : [l.createdBlock]))]);
  const [metas, raws, stamps, launchLogs, startPrices, feeTiers, slots] = await abortable(
    Promise.all([
      Promise.all(unique(analysed.map((l) => l.ref.base)).map((b) => readTokenMeta(client, b, blockNumber))),
      Promise.all(refs.map((ref) => readPoolRaw(client, ref, blockNumber))),
      Promise.all(times.map(async (n) => [n, (await client.getBlock({ blockNumber: n })).timestamp] as const)),
      fetchPoolLogs(client, fresh, [V2_SYNC, SOLIDLY_SYNC, V3_INITIALIZE], window.fromBlock, blockNumber, { ...logBudget, keepNewest: true, signal }),
      Promise.all(analysed.map((l) => (l.createdBlock === null ? startPrice(client, l.ref, window.fromBlock) : Promise.resolve(undefined)))),
      Promise.all(analysed.map((l) => (l.ref.version === 'solidly' && l.ref.feeTier === null ? readSolidlyFee(client, deployment, l.ref, blockNumber) : Promise.resolve(l.ref.feeTier)))),
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
    feeTiers,
    slots,
    order: new Map(analysed.map((l, i) => [l.pool.toLowerCase(), i])),
  };
}

/**
 * An older pool's price at the window's start, as a quote-per-base ratio needing both decimals:
 * read raw here (reserves or slot0), turned into a price once decimals are known (`priceLaunches`).
 */
async function startPrice(client: ChainClient, ref: PoolRef, fromBlock: bigint): Promise<StartPrice | undefined> {
  if (fromBlock === 0n) return undefined;
  if (ref.stable) {
    const raw = await readPoolRaw(client, ref, fromBlock - 1n);
    return raw ? { baseRaw: raw.baseRaw, quoteRaw: raw.quoteRaw } : undefined;
  }
  // Decimals 0/0: the raw ratio, scaled by `scaleStartPrice` once the token's decimals are read.
  return readPoolPrice(client, ref, { base: 0, quote: 0 }, fromBlock - 1n);
}

/** A raw (0/0-decimals) price scaled to whole units; a stable pool's start reserves priced on its curve. */
export function scaleStartPrice(raw: StartPrice | undefined, decimals: PoolDecimals, ref: Pick<PoolRef, 'stable'> = {}): Ratio | null | undefined {
  if (!raw) return raw;
  if ('baseRaw' in raw) return reservesPrice(ref, raw.baseRaw, raw.quoteRaw, decimals);
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
    const ref = { ...launch.ref, feeTier: reads.feeTiers[i] ?? launch.ref.feeTier };
    const state = poolState(raw, ref, decimals);
    const pool: PricedPool = { ref, state, decimals, quoteUsd: quoteUsd(anchor, launch.ref.quote), quoteSymbol: quoteMeta?.symbol ?? null };
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
