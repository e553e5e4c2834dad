import { setTimeout as sleep } from 'node:timers/promises';
import type { AbiEvent, Address, Chain, GetLogsReturnType, PublicClient, Transport } from 'viem';
import { isLogRangeError, isTransientRpcError, logRangeLimitOf, retryAfterMsOf } from './rpc-errors';

/**
 * The one `eth_getLogs` pager. Providers cap a query by result count (Infura, Alchemy: 10,000
 * logs), by block span (many: 2,000–10,000 blocks) or by response size, and each says so in its
 * own words (see `isLogRangeError`). The pager cuts the range into pages of at most
 * `maxBlockRange` blocks (by default one page: the whole range) and asks for all of them at once;
 * when the node refuses a page as too large, it splits that page in two halves and asks for both
 * at once, recursively, until every piece is answered or the budget runs out. Requests made in the
 * same tick travel in one JSON-RPC batch, so a scan costs one HTTP round trip per split level.
 *
 * A refusal is split at once, never asked again (`ChainClients` sends getLogs without viem's
 * retries for that reason). When the refusal names the span the node would answer (QuickNode,
 * Infura and public nodes name their cap, Alchemy a range that fits its result cap), the piece is
 * cut into pages of that span in one step, and later pieces of the scan start at that span, instead
 * of being halved level by level. Other transient failures (429, 5xx, timeouts, overloaded nodes)
 * are asked again after a back-off (the node's `Retry-After` when it sends one), a bounded number
 * of times, within the same request budget.
 */

/** Options for `pageLogs`. */
export interface LogPagerOptions {
  /**
   * Widest block span of a first request. A caller that knows its provider caps spans avoids
   * a refused round trip by paging up front; a smaller page costs bytes, not round trips.
   * @default the whole range in one request
   */
  maxBlockRange?: bigint;
  /**
   * Most requests to make in total, over every page and address group, splits and refused
   * requests included, before giving up.
   * @default 512
   */
  maxRequests?: number;
  /**
   * Most logs to collect before giving up (memory bound for tokens with millions of transfers).
   * @default 200_000
   */
  maxLogs?: number;
  /**
   * Times one piece is asked again after a transient failure (see `isTransientRpcError`) that is
   * not a range refusal. Each retry counts against `maxRequests`.
   * @default 2
   */
  retries?: number;
  /**
   * Wait before the first retry of a piece in milliseconds, doubled for each further one.
   * @default 250
   */
  retryDelayMs?: number;
  /** Checked before every request; an aborted scan stops splitting and throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * When the budget runs out, return the newest part of the range that was read whole instead of
   * throwing `LogBudgetExceededError`: pages are asked newest first, and `coveredFrom` says where
   * the returned logs start. For trailing windows (volume over 24 h, pools opened in a week) a
   * shorter window that says so beats a failed job. When the range needs several pages, the
   * newest one is asked alone first, so that a refusal naming the node's span sizes all the others
   * instead of each of them being refused in turn (one more round trip, budget saved).
   * @default false
   */
  keepNewest?: boolean;
}

/** The range could not be read within `maxRequests`/`maxLogs`; carries how far it got. */
export class LogBudgetExceededError extends Error {
  readonly code = 'log_budget_exceeded' as const;

  constructor(
    readonly requests: number,
    readonly logs: number,
    readonly limit: 'requests' | 'logs',
  ) {
    super(`log scan stopped: ${limit} budget exceeded after ${requests} requests and ${logs} logs`);
    this.name = 'LogBudgetExceededError';
  }
}

/**
 * The node refused a single block's logs as too large: there is nothing left to split, so asking
 * again (or retrying the job) cannot succeed. `isTransientRpcError` is false for it.
 */
export class LogBlockTooLargeError extends Error {
  readonly code = 'log_block_too_large' as const;
  readonly retryable = false;

  constructor(
    readonly blockNumber: bigint,
    options: { cause: unknown },
  ) {
    super(`eth_getLogs refused block ${blockNumber} alone as too large; it cannot be split further`, options);
    this.name = 'LogBlockTooLargeError';
  }
}

/** What a paged scan returns, with the request count so callers can report their round trips. */
export interface LogScan<T> {
  logs: T[];
  /** getLogs requests made, including refused ones. */
  requests: number;
  /** Largest split depth reached: the number of sequential round trips the scan needed. */
  depth: number;
  /**
   * First block whose logs are all in `logs`: the range's start, unless a `keepNewest` scan ran
   * out of budget (then `logs` holds exactly the logs of `[coveredFrom, toBlock]`).
   */
  coveredFrom: bigint;
}

/** One `eth_getLogs` over `[fromBlock, toBlock]`, whatever the filter. */
export type FetchLogRange<T> = (fromBlock: bigint, toBlock: bigint) => Promise<T[]>;

const DEFAULT_MAX_REQUESTS = 512;
const DEFAULT_MAX_LOGS = 200_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 250;
/** Longest `Retry-After` honoured; a node asking for more is treated as failing. */
const MAX_RETRY_AFTER_MS = 10_000;

/**
 * Reads `[fromBlock, toBlock]` with `fetchRange`, paged and split as described above. Any error
 * other than a range refusal propagates unchanged once its retries (if transient) are spent, and
 * stops the rest of the scan from making new requests. Results are in block order.
 *
 * @throws LogBudgetExceededError when the budget runs out.
 * @throws LogBlockTooLargeError when a single block is refused as too large.
 */
export function pageLogs<T>(fetchRange: FetchLogRange<T>, fromBlock: bigint, toBlock: bigint, options: LogPagerOptions = {}): Promise<LogScan<T>> {
  return scanLogs([fetchRange], fromBlock, toBlock, options);
}

/**
 * `pageLogs` over several filters (one `fetchRange` each) sharing one budget; the logs of each
 * filter follow those of the previous one.
 */
async function scanLogs<T>(fetches: readonly FetchLogRange<T>[], fromBlock: bigint, toBlock: bigint, options: LogPagerOptions): Promise<LogScan<T>> {
  if (toBlock < fromBlock || fetches.length === 0) return { logs: [], requests: 0, depth: 0, coveredFrom: fromBlock };
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const keepNewest = options.keepNewest ?? false;
  const pageSpan = options.maxBlockRange ?? toBlock - fromBlock + 1n;
  if (pageSpan < 1n) throw new RangeError(`maxBlockRange must be at least 1, got ${pageSpan}`);
  let requests = 0;
  let collected = 0;
  let deepest = 0;
  /** The widest span a refusal named; pieces wider than it are cut to it before being asked. */
  let learnedSpan: bigint | undefined;
  let failure: { error: unknown } | undefined;
  /** keepNewest only: the budget ran out, so pieces not yet read are given up, not failed. */
  let exhausted = false;

  /** Records the scan's first failure, so pieces still in flight make no new requests. */
  function fail(error: unknown): never {
    failure ??= { error };
    throw error;
  }

  /** Every piece of a failed scan rejects with the first failure, whichever Promise.all sees. */
  function throwIfFailed(): void {
    if (failure) throw failure.error;
  }

  /** Out of budget: fails the scan, or (keepNewest) gives up the piece so the scan can end short. */
  function overBudget(limit: 'requests' | 'logs'): typeof GIVEN_UP {
    if (!keepNewest) fail(new LogBudgetExceededError(requests, collected, limit));
    exhausted = true;
    return GIVEN_UP;
  }

  /** One request, counted against the budget; none once the scan has failed or been aborted. */
  async function request(fetchRange: FetchLogRange<T>, from: bigint, to: bigint, depth: number): Promise<T[] | typeof GIVEN_UP> {
    throwIfFailed();
    if (options.signal?.aborted) fail(options.signal.reason);
    if (exhausted) return GIVEN_UP;
    if (requests >= maxRequests) return overBudget('requests');
    requests += 1;
    deepest = Math.max(deepest, depth);
    return fetchRange(from, to);
  }

  /** `request`, asked again after a back-off while it fails transiently for another reason than the range. */
  async function fetchWithRetries(fetchRange: FetchLogRange<T>, from: bigint, to: bigint, depth: number): Promise<T[] | typeof GIVEN_UP> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(fetchRange, from, to, depth);
      } catch (err) {
        if (failure || attempt >= retries || isLogRangeError(err) || !isTransientRpcError(err)) throw err;
        const asked = retryAfterMsOf(err);
        if (asked !== undefined && asked > MAX_RETRY_AFTER_MS) throw err;
        await sleep(asked ?? retryDelayMs * 2 ** attempt, undefined, { signal: options.signal });
      }
    }
  }

  async function read(fetchRange: FetchLogRange<T>, from: bigint, to: bigint, depth: number): Promise<Segment<T>[]> {
    if (learnedSpan !== undefined && to - from + 1n > learnedSpan) return readPages(fetchRange, from, to, learnedSpan, depth);
    let logs: T[] | typeof GIVEN_UP;
    try {
      logs = await fetchWithRetries(fetchRange, from, to, depth);
    } catch (err) {
      throwIfFailed();
      // Also reached when the back-off sleep is aborted: report the signal's reason, not its AbortError.
      if (options.signal?.aborted) fail(options.signal.reason);
      if (!isLogRangeError(err)) fail(err);
      if (from >= to) fail(new LogBlockTooLargeError(from, { cause: err }));
      const named = logRangeLimitOf(err);
      if (named !== undefined && named >= 1n && named < to - from + 1n) {
        learnedSpan = learnedSpan === undefined || named < learnedSpan ? named : learnedSpan;
        return readPages(fetchRange, from, to, named, depth + 1);
      }
      const mid = from + (to - from) / 2n;
      const [left, right] = await Promise.all([read(fetchRange, from, mid, depth + 1), read(fetchRange, mid + 1n, to, depth + 1)]);
      return left.concat(right);
    }
    if (logs !== GIVEN_UP && collected + logs.length > maxLogs) {
      // Failing reports the count that broke the budget; a kept-newest scan drops this piece.
      if (!keepNewest) collected += logs.length;
      logs = overBudget('logs');
    }
    if (logs === GIVEN_UP) return [{ from, to, logs: null }];
    collected += logs.length;
    return [{ from, to, logs }];
  }

  /** `[from, to]` cut into pages of `span` blocks, all asked at once (newest first for keepNewest); in block order. */
  async function readPages(fetchRange: FetchLogRange<T>, from: bigint, to: bigint, span: bigint, depth: number): Promise<Segment<T>[]> {
    const bounds: [bigint, bigint][] = [];
    for (let start = from; start <= to; start += span) bounds.push([start, start + span - 1n < to ? start + span - 1n : to]);
    // Requests go out in the order they are made: the newest pages get the budget first.
    if (keepNewest) bounds.reverse();
    const pages = await Promise.all(bounds.map(([start, end]) => read(fetchRange, start, end, depth)));
    if (keepNewest) pages.reverse();
    return pages.flat();
  }

  /** The whole range of one filter; keepNewest asks the newest page alone first when there are several. */
  async function readRange(fetchRange: FetchLogRange<T>): Promise<Segment<T>[]> {
    if (!keepNewest || toBlock - fromBlock + 1n <= pageSpan) return readPages(fetchRange, fromBlock, toBlock, pageSpan, 1);
    const newestFrom = toBlock - pageSpan + 1n;
    const newest = await read(fetchRange, newestFrom, toBlock, 1);
    const older = await readPages(fetchRange, fromBlock, newestFrom - 1n, learnedSpan !== undefined && learnedSpan < pageSpan ? learnedSpan : pageSpan, 2);
    return older.concat(newest);
  }

  const perFilter = await Promise.all(fetches.map(readRange));
  // The newest block range every filter read whole; older logs are dropped so the answer is exact for it.
  let coveredFrom = fromBlock;
  for (const segments of perFilter) for (const s of segments) if (s.logs === null && s.to + 1n > coveredFrom) coveredFrom = s.to + 1n;
  const logs = perFilter.flatMap((segments) => segments.filter((s) => s.from >= coveredFrom).flatMap((s) => s.logs ?? []));
  return { logs, requests, depth: deepest, coveredFrom };
}

/** A piece of the range and its logs; null when a keepNewest scan gave it up for the budget. */
interface Segment<T> {
  from: bigint;
  to: bigint;
  logs: T[] | null;
}

/** A piece given up because the budget ran out (keepNewest). */
const GIVEN_UP = Symbol('given up');

/** Options for `getLogsPaged`: the pager's, with a default page and an address group size. */
export interface PagedLogsOptions extends LogPagerOptions {
  /**
   * Widest block span of a first request (see `LogPagerOptions`). Public providers cap ranges
   * (Alchemy 2k–10k blocks, many free tiers 1k–10k), and DEX windows are hours to days long,
   * so these scans page up front.
   * @default 5_000n
   */
  maxBlockRange?: bigint;
  /**
   * Addresses per request; providers reject very long address filters.
   * @default 500
   */
  maxAddresses?: number;
}

/** Logs found and what it cost. */
export interface PagedLogs<E extends readonly AbiEvent[]> {
  logs: GetLogsReturnType<undefined, E, true>;
  /** `eth_getLogs` requests made, including ones refused as too big and split. */
  requests: number;
  /** Sequential getLogs round trips (1 unless the node refused pages as too large). */
  depth: number;
  /** First block whose logs are all in `logs` (see `LogScan.coveredFrom`). */
  coveredFrom: bigint;
}

const DEFAULT_MAX_BLOCK_RANGE = 5_000n;
const DEFAULT_MAX_ADDRESSES = 500;

/**
 * `pageLogs` for decoded logs: `eth_getLogs` over a block range of any length for many addresses,
 * decoded with `events` (topic0 is any of them). The addresses are cut into groups of
 * `maxAddresses`, each group paged by the one pager under one shared budget. Logs come back in
 * chain order.
 *
 * @throws LogBudgetExceededError when the budget runs out.
 * @throws LogBlockTooLargeError when a single block is refused as too large.
 */
export async function getLogsPaged<E extends readonly AbiEvent[], T extends Transport, C extends Chain | undefined>(
  client: PublicClient<T, C>,
  query: { address?: Address | readonly Address[]; events: E; fromBlock: bigint; toBlock: bigint },
  options: PagedLogsOptions = {},
): Promise<PagedLogs<E>> {
  type Log = PagedLogs<E>['logs'][number];
  const maxAddresses = options.maxAddresses ?? DEFAULT_MAX_ADDRESSES;
  const groups: (Address[] | undefined)[] =
    query.address === undefined ? [undefined] : chunk(typeof query.address === 'string' ? [query.address] : [...query.address], maxAddresses);
  const fetches = groups.map(
    (address): FetchLogRange<Log> =>
      async (fromBlock, toBlock) =>
        (await client.getLogs({ address, events: query.events, fromBlock, toBlock, strict: true })) as Log[],
  );
  const scan = await scanLogs(fetches, query.fromBlock, query.toBlock, { ...options, maxBlockRange: options.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE });
  // Each address group comes in block order; interleave them into chain order.
  scan.logs.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  return { logs: scan.logs as PagedLogs<E>['logs'], requests: scan.requests, depth: scan.depth, coveredFrom: scan.coveredFrom };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
