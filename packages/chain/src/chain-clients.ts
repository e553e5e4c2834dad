import { NETWORKS, type Network } from '@oca/contracts';
import { createPublicClient, custom, fallback, http, shouldThrow, type Chain, type PublicClient, type Transport } from 'viem';
import { ExplorerApiHistory, PickedHistory, TraceFilterHistory, type ExplorerApiHistoryOptions } from './address-history';
import { NetworkNotConfiguredError } from './errors';
import { CHAINS, hasMulticall3 } from './networks';
import { countRpcCall } from './rpc-call-counter';
import { isLogRangeError } from './rpc-errors';

/** Which RPC endpoints to use and how patiently. Built by a service's env.ts (see `parseRpcUrls`). */
export type ChainConfig = {
  /** RPC URLs per network, primary first; later URLs are fallbacks tried in order. */
  rpcUrls: Partial<Record<Network, string[]>>;
  /**
   * Per-request HTTP timeout in milliseconds.
   * @default 10_000
   */
  timeoutMs?: number;
  /**
   * Retries of one request across the fallback list before it fails. Kept low because the
   * agent-executor retries the whole job with back-off; stacked retries only delay the verdict.
   * Not applied to `eth_getLogs`: the log pager (`pageLogs`) retries those itself, so that a
   * range the node refuses as too large is split at once instead of being asked for again.
   * @default 1
   */
  retryCount?: number;
  /**
   * Etherscan-compatible APIs per network (`parseExplorerApis`), read for native-transfer history
   * when the node has no `trace_filter` (an `ExplorerApiConfig`, tests may tune paging and back-off).
   * @default none
   */
  explorers?: Partial<Record<Network, ExplorerApiHistoryOptions>>;
};

/** A public client bound to one network's chain definition. */
export type ChainClient = PublicClient<Transport, Chain>;

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_COUNT = 1;
/**
 * Most calls in one JSON-RPC batch. viem's default (1,000) is over what many providers accept
 * (public nodes refuse batches past a few dozen); a larger batch is sent as several HTTP requests
 * at once, which costs requests, not round trips.
 */
const MAX_BATCH = 50;

/**
 * One viem public client per configured network, created on first use and then shared: viem
 * batches concurrent requests per client, so sharing is what keeps round trips low.
 *
 * Concurrent reads in the same tick go out as one JSON-RPC batch (HTTP batching); on chains with
 * a known Multicall3, concurrent `eth_call`s at the same block are also folded into one
 * `aggregate3` call.
 *
 * `eth_getLogs` goes out without retries: viem would retry a -32005 "query returned more than
 * 10000 results" like a rate limit (same code), so every refused range would cost two requests
 * and a back-off before the pager could split it. The pager retries transient getLogs failures
 * itself and splits range refusals.
 */
export class ChainClients {
  private readonly clients = new Map<Network, ChainClient>();

  constructor(private readonly config: ChainConfig) {}

  /** @throws NetworkNotConfiguredError for an unknown network or one without RPC URLs. */
  get(network: Network): ChainClient {
    const cached = this.clients.get(network);
    if (cached) return cached;
    if (!this.has(network)) throw new NetworkNotConfiguredError(network);
    const client = this.create(network, this.config.rpcUrls[network] ?? []);
    this.clients.set(network, client);
    return client;
  }

  has(network: Network): boolean {
    return (NETWORKS as readonly string[]).includes(network) && (this.config.rpcUrls[network]?.length ?? 0) > 0;
  }

  /**
   * Where native-transfer history comes from on `network` (see `PickedHistory`): the node's
   * `trace_filter`, else the configured explorer API, else it says it is unavailable. A new object
   * per call: the choice it makes holds for one job.
   */
  history(network: Network): PickedHistory {
    const explorer = this.config.explorers?.[network];
    return new PickedHistory(new TraceFilterHistory(this.get(network)), explorer ? new ExplorerApiHistory({ timeoutMs: this.config.timeoutMs, ...explorer }) : undefined);
  }

  /** Networks with at least one RPC URL, in the order of `NETWORKS`. */
  configured(): Network[] {
    return NETWORKS.filter((network) => this.has(network));
  }

  private create(network: Network, urls: string[]): ChainClient {
    const chain = CHAINS[network];
    const timeout = this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Each http transport gives up at once so the fallback moves on to the next URL; the
    // fallback owns the retry budget across all of them.
    const transports = urls.map((url) => http(url, { batch: { batchSize: MAX_BATCH }, timeout, retryCount: 0 }));
    const reads = fallback(transports, { retryCount: this.config.retryCount ?? DEFAULT_RETRY_COUNT });
    // A range refusal is an answer, not an outage: it goes to the pager rather than to the next
    // URL. Both fallbacks share the http transports, and so their batch queues.
    const logs = fallback(transports, { retryCount: 0, shouldThrow: (err) => shouldThrow(err) || isLogRangeError(err) });
    return createPublicClient({
      chain,
      transport: routeByMethod({ eth_getLogs: logs }, reads),
      batch: hasMulticall3(chain) ? { multicall: true } : undefined,
    });
  }
}

/**
 * A transport that sends the methods in `routes` through their own transport, the rest through
 * `rest`. Every call passes here once, above the retries and the HTTP batching: where an
 * RpcCallCounter counts it.
 */
function routeByMethod(routes: Record<string, Transport>, rest: Transport): Transport {
  return (params) => {
    const fallthrough = rest(params);
    const routed = new Map(Object.entries(routes).map(([method, transport]) => [method, transport(params)]));
    // retryCount 0: the inner transports own every retry, so this layer must not add its own.
    return custom(
      {
        request: (args: { method: string }, options?: unknown) => {
          countRpcCall();
          return (routed.get(args.method) ?? fallthrough).request(args as never, options as never);
        },
      },
      { key: 'routed', name: 'Routed by method', retryCount: 0 },
    )(params);
  };
}
