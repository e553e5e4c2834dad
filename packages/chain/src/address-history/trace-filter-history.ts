import { getAddress, toHex, type Hash } from 'viem';
import type { ChainClient } from '../chain-clients';
import { pageLogs, type LogPagerOptions } from '../log-pager';
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

/** A Parity/OpenEthereum-style trace as `trace_filter` returns it (Erigon, Reth, Nethermind, anvil). */
export interface RpcTrace {
  type: 'call' | 'create' | 'suicide' | 'reward' | string;
  action: { from?: string; to?: string; value?: string; address?: string; refundAddress?: string; balance?: string; callType?: string };
  result?: { address?: string } | null;
  error?: string;
  blockNumber: number;
  transactionHash?: string | null;
  traceAddress: number[];
}

/** Options for `TraceFilterHistory`. */
export interface TraceFilterHistoryOptions {
  /**
   * Budget of the paged read (see `LogPagerOptions`): ranges the node refuses as too large are
   * split like getLogs ranges.
   * @default { maxRequests: 64, maxLogs: 50_000 }
   */
  pager?: Pick<LogPagerOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange'>;
}

const DEFAULT_PAGER = { maxRequests: 64, maxLogs: 50_000 } as const;

/**
 * `AddressHistory` over `trace_filter`, offered by Erigon, Reth, Nethermind, anvil and several
 * providers (geth does not have it). Block numbers go as hex strings: anvil refuses `latest`.
 * Value moves are calls with a value, contract creations with an endowment, and self-destructs
 * (the balance goes to the refund address); failed calls and block rewards are left out.
 */
export class TraceFilterHistory implements AddressActivity {
  readonly source = 'trace_filter';

  constructor(
    private readonly client: ChainClient,
    private readonly options: TraceFilterHistoryOptions = {},
  ) {}

  async nativeTransfersTo(query: AddressHistoryQuery): Promise<NativeTransfers> {
    const toAddress = query.to.map((a) => a.toLowerCase());
    const scan = await this.scan({ toAddress }, query);
    const wanted = new Set(toAddress);
    const transfers = scan.logs.map(nativeTransferOf).filter((t): t is NativeTransfer => t !== null && wanted.has(t.to.toLowerCase()));
    return { transfers, requests: scan.requests };
  }

  async outgoing(query: OutgoingQuery): Promise<OutgoingActivity> {
    const from = query.from.toLowerCase();
    const scan = await this.scan({ fromAddress: [from] }, query);
    const transfers = scan.logs.map(nativeTransferOf).filter((t): t is NativeTransfer => t !== null && t.from.toLowerCase() === from);
    const creations = scan.logs.map(creationOf).filter((c): c is ContractCreation => c !== null && c.creator.toLowerCase() === from);
    return { transfers, creations, requests: scan.requests };
  }

  /** `trace_filter` over the range with one address filter, paged like getLogs. */
  private async scan(filter: { toAddress: string[] } | { fromAddress: string[] }, query: { fromBlock: bigint; toBlock: bigint; signal?: AbortSignal }) {
    const fetchRange = (fromBlock: bigint, toBlock: bigint) =>
      this.client.request({ method: 'trace_filter' as never, params: [{ fromBlock: toHex(fromBlock), toBlock: toHex(toBlock), ...filter }] as never }) as Promise<RpcTrace[]>;
    try {
      return await pageLogs(fetchRange, query.fromBlock, query.toBlock, { ...DEFAULT_PAGER, ...this.options.pager, signal: query.signal });
    } catch (err) {
      if (isMethodUnsupported(err)) throw new HistoryUnavailableError(this.source, 'the RPC node does not offer trace_filter', { cause: err });
      throw err;
    }
  }
}

/** The contract a successful `create` trace made, or null for anything else. */
export function creationOf(trace: RpcTrace): ContractCreation | null {
  if (trace.type !== 'create' || trace.error !== undefined || !trace.transactionHash || !trace.action.from || !trace.result?.address) return null;
  return { creator: getAddress(trace.action.from), contract: getAddress(trace.result.address), blockNumber: BigInt(trace.blockNumber), transactionHash: trace.transactionHash as Hash };
}

/** The value a trace moved, or null for failed calls, rewards and zero-value calls. */
export function nativeTransferOf(trace: RpcTrace): NativeTransfer | null {
  if (trace.error !== undefined || !trace.transactionHash) return null;
  const { action } = trace;
  let from: string | undefined;
  let to: string | undefined;
  let value: string | undefined;
  if (trace.type === 'call') {
    // delegatecall and staticcall carry the caller's value without moving it.
    if (action.callType !== undefined && action.callType !== 'call') return null;
    [from, to, value] = [action.from, action.to, action.value];
  } else if (trace.type === 'create') {
    [from, to, value] = [action.from, trace.result?.address ?? undefined, action.value];
  } else if (trace.type === 'suicide') {
    [from, to, value] = [action.address, action.refundAddress, action.balance];
  }
  if (!from || !to || !value || BigInt(value) === 0n) return null;
  return {
    from: getAddress(from),
    to: getAddress(to),
    value: BigInt(value),
    blockNumber: BigInt(trace.blockNumber),
    transactionHash: trace.transactionHash as Hash,
    traceAddress: trace.traceAddress,
  };
}

/** Node messages for "this method does not exist here" (geth, providers without trace APIs). */
const METHOD_UNSUPPORTED = /method not found|does not exist|is not available|not supported|unsupported method|method .* not (found|enabled|allowed)/i;

/**
 * True when `err` (or a cause) says the node does not offer the method: JSON-RPC -32601, viem's
 * MethodNotFoundRpcError / MethodNotSupportedRpcError, or the message providers send.
 */
export function isMethodUnsupported(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 16 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; details?: unknown; cause?: unknown };
    if (e.code === -32601 || e.name === 'MethodNotFoundRpcError' || e.name === 'MethodNotSupportedRpcError') return true;
    if ([e.message, e.details].some((t) => typeof t === 'string' && METHOD_UNSUPPORTED.test(t))) return true;
    current = e.cause === current ? undefined : e.cause;
  }
  return false;
}
