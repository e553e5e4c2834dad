/**
 * Adaptive `eth_getLogs` paging. Providers cap a query by result count (Infura, Alchemy: 10,000
 * logs), by block span (many: 2,000–10,000 blocks) or by response size, and each says so in its
 * own words. The pager asks for the whole range first; when the node refuses because the answer
 * is too large, it splits the range in two halves and asks for both at once (so they travel in
 * one JSON-RPC batch), recursively, until every piece is answered or the budget runs out.
 */

/** Options for `pageLogs`. */
export interface LogPagerOptions {
  /**
   * Most requests to make in total, splits included, before giving up.
   * @default 512
   */
  maxRequests?: number;
  /**
   * Most logs to collect before giving up (memory bound for tokens with millions of transfers).
   * @default 200_000
   */
  maxLogs?: number;
  /** Checked before every request. */
  signal?: AbortSignal;
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

/** What a paged scan returns, with the request count so callers can report their round trips. */
export interface LogScan<T> {
  logs: T[];
  /** getLogs requests made, including refused ones. */
  requests: number;
  /** Largest recursion depth reached: the number of sequential round trips the scan needed. */
  depth: number;
}

const DEFAULT_MAX_REQUESTS = 512;
const DEFAULT_MAX_LOGS = 200_000;

/**
 * Provider messages for "the answer is too big, narrow the range". Rate limits share code -32005
 * with some of these, so they are recognised by text, and "rate"/"too many requests" never match.
 */
const RANGE_MESSAGE =
  /more than \d+ (results|logs)|too many (results|logs|blocks)|response size (exceeded|is larger)|log response size|(block )?range (is )?too (large|wide|big)|exceeds? (the )?max(imum)? (block )?range|block range (limit|exceeded|should)|query timeout|returned too many|limit of \d+|maximum \[?\d+\]? (blocks|results)|eth_getLogs is limited/i;
const RATE_MESSAGE = /rate.?limit|too many requests|throughput|compute units/i;

/** True when `err` (or a cause) is a node refusing a getLogs range as too large. */
export function isLogRangeError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 16 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { message?: unknown; details?: unknown; shortMessage?: unknown; cause?: unknown };
    const texts = [e.message, e.details, e.shortMessage].filter((t): t is string => typeof t === 'string');
    if (texts.some((t) => RANGE_MESSAGE.test(t)) && !texts.some((t) => RATE_MESSAGE.test(t))) return true;
    if (e.cause === current) break;
    current = e.cause;
  }
  return false;
}

/**
 * Reads `[fromBlock, toBlock]` with `fetchRange`, halving any range the node refuses as too large
 * (see `isLogRangeError`). Any other error propagates unchanged. Results are in block order.
 *
 * @throws LogBudgetExceededError when the budget runs out.
 */
export async function pageLogs<T>(
  fetchRange: (fromBlock: bigint, toBlock: bigint) => Promise<T[]>,
  fromBlock: bigint,
  toBlock: bigint,
  options: LogPagerOptions = {},
): Promise<LogScan<T>> {
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
  let requests = 0;
  let collected = 0;
  let deepest = 0;

  async function read(from: bigint, to: bigint, depth: number): Promise<T[]> {
    options.signal?.throwIfAborted();
    if (requests >= maxRequests) throw new LogBudgetExceededError(requests, collected, 'requests');
    requests += 1;
    deepest = Math.max(deepest, depth);
    try {
      const logs = await fetchRange(from, to);
      collected += logs.length;
      if (collected > maxLogs) throw new LogBudgetExceededError(requests, collected, 'logs');
      return logs;
    } catch (err) {
      if (!isLogRangeError(err) || from >= to) throw err;
      const mid = from + (to - from) / 2n;
      const [left, right] = await Promise.all([read(from, mid, depth + 1), read(mid + 1n, to, depth + 1)]);
      return left.concat(right);
    }
  }

  if (toBlock < fromBlock) return { logs: [], requests: 0, depth: 0 };
  const logs = await read(fromBlock, toBlock, 1);
  return { logs, requests, depth: deepest };
}
