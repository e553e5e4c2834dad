import { getAddress, isAddress, type Address, type Hash } from 'viem';
import { z } from 'zod';
import { LogBudgetExceededError } from '../log-pager';
import { checkOutboundUrl, pinnedLookup, type OutboundLookup } from '@oca/outbound';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  HistoryUnavailableError,
  type AddressActivity,
  type AddressHistoryQuery,
  type ContractCreation,
  type NativeTransfer,
  type NativeTransfers,
  type OutgoingActivity,
  type OutgoingQuery,
} from './address-history';

/** Where an Etherscan-compatible API lives and how to call it. Built by a service's env.ts (`parseExplorerApis`). */
export interface ExplorerApiConfig {
  /**
   * The API endpoint, e.g. an Etherscan V2 `…/v2/api?chainid=1`; its query parameters are kept and
   * the module/action parameters added.
   */
  baseUrl: string;
  /** Sent as `apikey`; never logged, never in an error message. */
  apiKey?: string;
  /** Let `baseUrl` be a loopback or private address (a local test server). @default false */
  allowPrivate?: boolean;
}

/** Options for `ExplorerApiHistory`. */
export interface ExplorerApiHistoryOptions extends ExplorerApiConfig {
  /**
   * Rows per page (`offset`). Etherscan answers at most 10,000 rows per query window (page × offset).
   * @default 1000
   */
  pageSize?: number;
  /** Most HTTP requests for one read, retries included. @default 128 */
  maxRequests?: number;
  /** Times a "Max rate limit reached" answer is asked again, after `rateLimitDelayMs` doubled each time. @default 3 */
  rateLimitRetries?: number;
  /** @default 1000 (free Etherscan keys allow 5 calls per second) */
  rateLimitDelayMs?: number;
  /** HTTP timeout of one request in ms. @default 10_000 */
  timeoutMs?: number;
  /** The seam for unit tests (no pinning then). @default undici's fetch through the pinned connection pool */
  fetch?: typeof fetch;
  /** @default dns lookup; see `checkOutboundUrl` */
  lookup?: OutboundLookup;
}

/** The documented envelope: `status` "1" with rows, or "0" with a reason in `message`/`result`. */
const Envelope = z.object({ status: z.string(), message: z.string(), result: z.unknown() });

/** A `txlist` row (normal transactions); fields the API documents and we read. */
const TxRow = z.object({
  blockNumber: z.string(),
  timeStamp: z.string().optional(),
  hash: z.string(),
  transactionIndex: z.string().optional(),
  from: z.string(),
  to: z.string(),
  value: z.string(),
  isError: z.string().optional(),
  contractAddress: z.string().optional(),
});
/** A `txlistinternal` row (internal transactions: calls with value and creations inside a transaction). */
const InternalRow = z.object({
  blockNumber: z.string(),
  hash: z.string(),
  from: z.string(),
  to: z.string(),
  value: z.string(),
  contractAddress: z.string().optional(),
  type: z.string().optional(),
  traceId: z.string().optional(),
  isError: z.string().optional(),
});
type TxRow = z.infer<typeof TxRow>;
type InternalRow = z.infer<typeof InternalRow>;

/** The explorer answered with an error (bad key, bad parameters, an outage); `message` comes from the API. */
export class ExplorerApiError extends Error {
  readonly code = 'explorer_api_error' as const;

  constructor(
    message: string,
    /** Rate limits and HTTP 5xx may pass; a refused key does not. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ExplorerApiError';
  }
}

/**
 * `AddressActivity` over an Etherscan-compatible API (Etherscan V2, Blockscout's compatible
 * endpoints, …), for nodes without `trace_filter`: `module=account&action=txlist` (the address's
 * transactions) and `txlistinternal` (value moves and creations inside transactions), paged with
 * `page`/`offset` from `startblock` to `endblock`, ascending. "No transactions found" is an empty
 * answer; "Max rate limit reached" is asked again after a back-off; any other status "0" is an
 * `ExplorerApiError`. The base URL passes `checkOutboundUrl` before the first request, and every
 * connection goes to the addresses that check approved (a pinned lookup: a DNS answer that changes
 * afterwards cannot point the client at an internal address); redirects are refused, not followed.
 */
export class ExplorerApiHistory implements AddressActivity {
  readonly source = 'explorer-api';
  /** The connection pool, pinned to the addresses the URL check approved (made at the first request). */
  private pinned: Promise<Agent> | undefined;

  constructor(private readonly options: ExplorerApiHistoryOptions) {}

  async nativeTransfersTo(query: AddressHistoryQuery): Promise<NativeTransfers> {
    const budget = { requests: 0 };
    const transfers: NativeTransfer[] = [];
    for (const address of query.to) {
      const { txs, internal } = await this.both(address, query, budget);
      const target = address.toLowerCase();
      transfers.push(...txs.map(transferOfTx).filter((t): t is NativeTransfer => t !== null && t.to.toLowerCase() === target));
      transfers.push(...internal.map(transferOfInternal).filter((t): t is NativeTransfer => t !== null && t.to.toLowerCase() === target));
    }
    return { transfers: chainOrder(transfers), requests: budget.requests };
  }

  async outgoing(query: OutgoingQuery): Promise<OutgoingActivity> {
    const budget = { requests: 0 };
    const { txs, internal } = await this.both(query.from, query, budget);
    const from = query.from.toLowerCase();
    const transfers = [...txs.map(transferOfTx), ...internal.map(transferOfInternal)].filter((t): t is NativeTransfer => t !== null && t.from.toLowerCase() === from);
    const creations = [...txs.map(creationOfTx), ...internal.map(creationOfInternal)].filter((c): c is ContractCreation => c !== null && c.creator.toLowerCase() === from);
    return { transfers: chainOrder(transfers), creations: creations.sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0)), requests: budget.requests };
  }

  private async both(address: Address, range: { fromBlock: bigint; toBlock: bigint; signal?: AbortSignal }, budget: { requests: number }) {
    const txs = (await this.list('txlist', address, range, budget)).map((r) => TxRow.parse(r));
    const internal = (await this.list('txlistinternal', address, range, budget)).map((r) => InternalRow.parse(r));
    return { txs, internal };
  }

  /** Every row of one action for one address, page after page until a page comes back short. */
  private async list(action: 'txlist' | 'txlistinternal', address: Address, range: { fromBlock: bigint; toBlock: bigint; signal?: AbortSignal }, budget: { requests: number }): Promise<unknown[]> {
    const pageSize = this.options.pageSize ?? 1000;
    const rows: unknown[] = [];
    for (let page = 1; ; page++) {
      const params = { module: 'account', action, address, startblock: range.fromBlock.toString(), endblock: range.toBlock.toString(), page: String(page), offset: String(pageSize), sort: 'asc' };
      const answer = await this.call(params, budget, range.signal);
      rows.push(...answer);
      if (answer.length < pageSize) return rows;
    }
  }

  /** One request, asked again while the API says its rate limit is reached. */
  private async call(params: Record<string, string>, budget: { requests: number }, signal?: AbortSignal): Promise<unknown[]> {
    const dispatcher = await (this.pinned ??= checkOutboundUrl(this.options.baseUrl, { allowPrivate: this.options.allowPrivate, lookup: this.options.lookup }).then(
      (addresses) => new Agent({ connect: { lookup: pinnedLookup(addresses) } }),
      (err: Error) => {
        throw new HistoryUnavailableError(this.source, `the explorer API URL is refused: ${err.message}`, { cause: err });
      },
    ));
    const url = new URL(this.options.baseUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    if (this.options.apiKey) url.searchParams.set('apikey', this.options.apiKey);
    const retries = this.options.rateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      if (budget.requests >= (this.options.maxRequests ?? 128)) throw new LogBudgetExceededError(budget.requests, 0, 'requests');
      budget.requests++;
      const outcome = await this.fetchOnce(url, dispatcher, signal);
      if (outcome.rows) return outcome.rows;
      if (!outcome.error.transient || attempt >= retries) throw outcome.error;
      await sleep((this.options.rateLimitDelayMs ?? 1000) * 2 ** attempt, signal);
    }
  }

  private async fetchOnce(url: URL, dispatcher: Agent, signal?: AbortSignal): Promise<{ rows: unknown[]; error?: undefined } | { rows?: undefined; error: ExplorerApiError }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    const init = { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' }, redirect: 'error' as const };
    let response: Pick<Response, 'status' | 'ok' | 'json'>;
    try {
      response = await (this.options.fetch ? this.options.fetch(url, init) : undiciFetch(url, { ...init, dispatcher }));
    } catch (err) {
      signal?.throwIfAborted();
      // The URL carries the key: name the failure, not the address.
      throw new HistoryUnavailableError(this.source, `the explorer API did not answer (${(err as Error).name})`);
    }
    if (response.status === 429 || response.status >= 500) return { error: new ExplorerApiError(`the explorer API answered HTTP ${response.status}`, true) };
    if (!response.ok) return { error: new ExplorerApiError(`the explorer API answered HTTP ${response.status}`, false) };
    const envelope = Envelope.safeParse(await response.json().catch(() => null));
    if (!envelope.success) return { error: new ExplorerApiError('the explorer API answered outside the documented {status, message, result} envelope', false) };
    const { status, message, result } = envelope.data;
    if (status === '1' && Array.isArray(result)) return { rows: result };
    if (/no (transactions|records) found/i.test(message) && (result === null || (Array.isArray(result) && result.length === 0))) return { rows: [] };
    const reason = typeof result === 'string' ? result : message;
    return { error: new ExplorerApiError(`the explorer API refused: ${reason}`, /rate limit/i.test(reason)) };
  }
}

/** A normal transaction's value move; the receiver of a creation is the new contract. */
function transferOfTx(row: TxRow): NativeTransfer | null {
  const to = row.to || row.contractAddress || '';
  if (row.isError === '1' || BigInt(row.value) === 0n || !isAddress(row.from) || !isAddress(to)) return null;
  return { from: getAddress(row.from), to: getAddress(to), value: BigInt(row.value), blockNumber: BigInt(row.blockNumber), transactionHash: row.hash as Hash, traceAddress: [] };
}

function transferOfInternal(row: InternalRow): NativeTransfer | null {
  const to = row.to || row.contractAddress || '';
  if (row.isError === '1' || BigInt(row.value) === 0n || !isAddress(row.from) || !isAddress(to)) return null;
  return { from: getAddress(row.from), to: getAddress(to), value: BigInt(row.value), blockNumber: BigInt(row.blockNumber), transactionHash: row.hash as Hash, traceAddress: traceAddressOf(row.traceId) };
}

function creationOfTx(row: TxRow): ContractCreation | null {
  if (row.isError === '1' || row.to || !row.contractAddress || !isAddress(row.contractAddress)) return null;
  return { creator: getAddress(row.from), contract: getAddress(row.contractAddress), blockNumber: BigInt(row.blockNumber), transactionHash: row.hash as Hash };
}

function creationOfInternal(row: InternalRow): ContractCreation | null {
  if (row.isError === '1' || !row.type?.startsWith('create') || !row.contractAddress || !isAddress(row.contractAddress)) return null;
  return { creator: getAddress(row.from), contract: getAddress(row.contractAddress), blockNumber: BigInt(row.blockNumber), transactionHash: row.hash as Hash };
}

/** Etherscan's `traceId` ("0_1_2") as a trace address ([0, 1, 2]). */
function traceAddressOf(traceId: string | undefined): number[] {
  return traceId ? traceId.split('_').map(Number).filter(Number.isInteger) : [];
}

/** Block order; a transaction's own transfer before the calls inside it (stable otherwise: the API's order). */
function chainOrder(transfers: NativeTransfer[]): NativeTransfer[] {
  return transfers
    .map((t, i) => ({ t, i }))
    .sort((a, b) => (a.t.blockNumber !== b.t.blockNumber ? (a.t.blockNumber < b.t.blockNumber ? -1 : 1) : a.t.traceAddress.length - b.t.traceAddress.length || a.i - b.i))
    .map(({ t }) => t);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
