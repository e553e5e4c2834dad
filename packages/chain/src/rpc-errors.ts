/**
 * Retry-or-fail classification for errors thrown while reading a chain. The agent-executor retries
 * a job (through its TTL retry queues) only when this says the failure is transient; anything else
 * fails the job at once, so the default for an unrecognised error is "not transient".
 *
 * Errors are matched by `name` and `code` rather than `instanceof`, so errors from another copy of
 * viem (or wrapped by callers) classify the same way.
 */

/** JSON-RPC error codes that mean "the node is overloaded or rate-limiting; try again later". */
const TRANSIENT_RPC_CODES: ReadonlySet<number> = new Set([
  -32005, // EIP-1474 limit exceeded (Infura, many providers' rate limits)
  -32002, // EIP-1474 resource unavailable
  -32603, // internal error: upstream node failures behind load balancers
  -32007, // QuickNode request rate limit
  429, // rate limit sent as a JSON-RPC code inside HTTP 200 (Alchemy batch mode)
]);

/** HTTP statuses worth retrying: timeouts, throttling, server-side failures. */
const TRANSIENT_HTTP_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Socket-level failures reported by Node (undici) under `cause.code`. */
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Error names that mean the EVM ran the call and it failed: the contract's answer, not a glitch. */
const EXECUTION_NAMES: ReadonlySet<string> = new Set([
  'ExecutionRevertedError',
  'ContractFunctionRevertedError',
  // viem's Multicall3 path reports a failed sub-call (allowFailure) this way.
  'RawContractError',
]);

/**
 * Node messages for EVM halts. Nodes disagree on codes: anvil sends -32603 "EVM error OutOfGas",
 * geth -32000 "invalid opcode: INVALID", so a halt is recognised by its text.
 */
const EXECUTION_MESSAGE =
  /execution reverted|\brevert|out of gas|invalid opcode|invalid jump|bad jump|stack (underflow|overflow|limit)|evm error|write protection|return data out of bounds/i;

/**
 * Node messages for "this node has not seen that block yet". Agents pin reads to the latest block
 * number; behind a load balancer the next request can land on a node a block behind, which
 * catches up within seconds.
 */
const LAGGING_NODE_MESSAGE = /header not found|unknown block|block not found/i;

/** Error names that are an answer from the node (bad input, unsupported), never a flaky transport. */
const PERMANENT_NAMES: ReadonlySet<string> = new Set([
  'ContractFunctionZeroDataError',
  'InvalidParamsRpcError',
  'InvalidRequestRpcError',
  'MethodNotFoundRpcError',
  'MethodNotSupportedRpcError',
  'ParseRpcError',
  'AbiDecodingZeroDataError',
  'AbiDecodingDataSizeTooSmallError',
  'AbortError',
  // The log pager's "a single block is too large": splitting is exhausted, a retry gets the same.
  'LogBlockTooLargeError',
]);

/** Error names that always mean the transport failed, whatever else they carry. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError', // viem's request timeout and DOMException from AbortSignal.timeout()
  'SocketClosedError',
  'WebSocketRequestError',
  'LimitExceededRpcError',
  'ResourceUnavailableRpcError',
]);

type Verdict = 'transient' | 'permanent' | undefined;

/**
 * True when `err` says the EVM executed a call and it failed: a revert, out of gas, an invalid
 * opcode. That is the contract's answer ("does not implement this"), so a probing caller may
 * record "no answer" instead of failing; transport and request errors return false.
 */
export function isExecutionError(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (isExecutionLink(e)) return true;
  }
  return false;
}

function isExecutionLink(e: Record<string, unknown>): boolean {
  if (typeof e.name === 'string' && EXECUTION_NAMES.has(e.name)) return true;
  // Only RPC errors (numeric code) are matched by text, so a transport error whose message
  // happens to contain "revert" (a URL, say) is not mistaken for one.
  if (typeof e.code !== 'number') return false;
  return [e.message, e.details].some((text) => typeof text === 'string' && EXECUTION_MESSAGE.test(text));
}

/**
 * True when `err` (or anything in its `cause` chain) is a timeout, a network failure, an HTTP
 * 408/425/429/5xx, a JSON-RPC rate-limit/overload code, or a node that has not seen the pinned
 * block yet ("header not found"). False for EVM failures (reverts, out of
 * gas — see `isExecutionError`), invalid params,
 * unsupported methods, aborts by the caller, and anything unrecognised.
 *
 * The chain is walked from the outside in and the first recognised error decides, so a revert
 * wrapped in `ContractFunctionExecutionError` is permanent even though the wrapper says nothing.
 */
export function isTransientRpcError(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const verdict = classify(e);
    if (verdict !== undefined) return verdict === 'transient';
  }
  return false;
}

function classify(e: Record<string, unknown>): Verdict {
  if (isExecutionLink(e)) return 'permanent';
  const name = typeof e.name === 'string' ? e.name : '';
  if (PERMANENT_NAMES.has(name)) return 'permanent';
  if (TRANSIENT_NAMES.has(name)) return 'transient';
  if (name === 'HttpRequestError') {
    // viem raises HttpRequestError without a status when fetch itself failed (refused, reset, DNS).
    if (typeof e.status !== 'number') return 'transient';
    return TRANSIENT_HTTP_STATUSES.has(e.status) ? 'transient' : 'permanent';
  }
  if (typeof e.code === 'number' && TRANSIENT_RPC_CODES.has(e.code)) return 'transient';
  if (typeof e.code === 'number' && [e.message, e.details].some((t) => typeof t === 'string' && LAGGING_NODE_MESSAGE.test(t))) {
    return 'transient';
  }
  if (typeof e.code === 'string' && TRANSIENT_SOCKET_CODES.has(e.code)) return 'transient';
  if (typeof e.status === 'number' && TRANSIENT_HTTP_STATUSES.has(e.status)) return 'transient';
  return undefined;
}

/**
 * Provider messages for "the answer is too big, narrow the range". Rate limits share code -32005
 * with some of these, so they are recognised by text, and "rate"/"too many requests" never match.
 */
const LOG_RANGE_MESSAGE =
  /more than \d+ (results|logs)|too many (results|logs|blocks)|response size (exceeded|is larger)|log response size|(block )?range (is )?too (large|wide|big)|exceeds? (the )?max(imum)? (block )?range|block range (limit|exceeded|should)|query timeout|returned too many|limit of \d+|maximum \[?\d+\]? (blocks|results)|eth_getLogs is limited/i;
const RATE_LIMIT_MESSAGE = /rate.?limit|too many requests|throughput|compute units/i;

/**
 * True when `err` (or a cause) is a node refusing an `eth_getLogs` range as too large: the log
 * pager splits the range instead of failing. Deliberately separate from `isTransientRpcError`,
 * which is also true for rate limits and overloads, where asking twice as often would not help.
 */
export function isLogRangeError(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const texts = [e.message, e.details, e.shortMessage].filter((t): t is string => typeof t === 'string');
    if (texts.some((t) => LOG_RANGE_MESSAGE.test(t)) && !texts.some((t) => RATE_LIMIT_MESSAGE.test(t))) return true;
  }
  return false;
}

/** The error and its causes, outermost first; bounded so a cyclic `cause` cannot loop forever. */
function* causeChain(err: unknown): Generator<Record<string, unknown>> {
  let current: unknown = err;
  for (let depth = 0; depth < 16 && typeof current === 'object' && current !== null; depth++) {
    const e = current as Record<string, unknown>;
    yield e;
    if (e.cause === current) return;
    current = e.cause;
  }
}

/** Spans providers name in their refusals: "limited to a 10,000 range", "exceeds limit of 10000", "max block range of 1000". */
const NAMED_SPAN = /limited to an? ([\d,]+) (?:block )?range|range \d+ exceeds limit of (\d+)|max(?:imum)? block range (?:of |is )?([\d,]+)/i;
/** Alchemy names a range that would work: "this block range should work: [0x…, 0x…]". */
const SUGGESTED_RANGE = /range should work: \[(0x[0-9a-f]+), ?(0x[0-9a-f]+)\]/i;

/**
 * The widest block span the node says it would answer, when its `eth_getLogs` refusal names one
 * (QuickNode, Infura and public nodes name their span cap; Alchemy names a range that fits its
 * result cap). Undefined when the refusal names none: the pager then halves the range.
 */
export function logRangeLimitOf(err: unknown): bigint | undefined {
  for (const e of causeChain(err)) {
    for (const text of [e.message, e.details, e.shortMessage]) {
      if (typeof text !== 'string') continue;
      const suggested = SUGGESTED_RANGE.exec(text);
      if (suggested) {
        const span = BigInt(suggested[2]!) - BigInt(suggested[1]!) + 1n;
        return span > 0n ? span : undefined;
      }
      const named = NAMED_SPAN.exec(text);
      const digits = named?.slice(1).find((group) => group !== undefined);
      if (digits) return BigInt(digits.replaceAll(',', ''));
    }
  }
  return undefined;
}

/** The wait an HTTP 429/503 asked for in `Retry-After` (seconds or an HTTP date), in milliseconds. */
export function retryAfterMsOf(err: unknown, now = Date.now()): number | undefined {
  for (const e of causeChain(err)) {
    const headers = e.headers as { get?: (name: string) => string | null } | undefined;
    const value = typeof headers?.get === 'function' ? headers.get('retry-after') : null;
    if (!value) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/**
 * Node messages for an `eth_call` whose third parameter (state overrides) the node does not take:
 * geth before overrides and nodes that never had them count the params ("too many arguments, want
 * at most 2"), others name the feature.
 */
const STATE_OVERRIDE_UNSUPPORTED = /too many (arguments|params)|want at most 2|state ?overrides? (is |are )?not supported|unsupported.*state ?override|does not support state ?override/i;

/** True when `err` says the node refused an `eth_call` because it does not take state overrides. */
export function isStateOverrideUnsupported(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if ([e.message, e.details, e.shortMessage].some((text) => typeof text === 'string' && STATE_OVERRIDE_UNSUPPORTED.test(text))) return true;
  }
  return false;
}

/** Node messages for "I do not have the state of that block" (pruned, or before the node's first block). */
const HISTORY_UNAVAILABLE = /missing trie node|state (is )?not available|historical state|pruned|block ?out ?of ?range|block height is|header not found|unknown block|requires an archive|not (an )?archive/i;

/** True when `err` (or a cause) is the node refusing a block's state as pruned or out of its range. */
export function isHistoryUnavailable(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if ([e.message, e.details].some((text) => typeof text === 'string' && HISTORY_UNAVAILABLE.test(text))) return true;
  }
  return false;
}
