import { NETWORKS, type Network } from '@oca/contracts';
import { createPublicClient, fallback, http, type Chain, type PublicClient, type Transport } from 'viem';
import { NetworkNotConfiguredError } from './errors';
import { CHAINS, hasMulticall3 } from './networks';

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
   * @default 1
   */
  retryCount?: number;
};

/** A public client bound to one network's chain definition. */
export type ChainClient = PublicClient<Transport, Chain>;

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_COUNT = 1;

/**
 * One viem public client per configured network, created on first use and then shared: viem
 * batches concurrent requests per client, so sharing is what keeps round trips low.
 *
 * Concurrent reads in the same tick go out as one JSON-RPC batch (HTTP batching); on chains with
 * a known Multicall3, concurrent `eth_call`s at the same block are also folded into one
 * `aggregate3` call.
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

  /** Networks with at least one RPC URL, in the order of `NETWORKS`. */
  configured(): Network[] {
    return NETWORKS.filter((network) => this.has(network));
  }

  private create(network: Network, urls: string[]): ChainClient {
    const chain = CHAINS[network];
    const timeout = this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Each http transport gives up at once so the fallback moves on to the next URL; the
    // fallback owns the retry budget across all of them.
    const transports = urls.map((url) => http(url, { batch: true, timeout, retryCount: 0 }));
    return createPublicClient({
      chain,
      transport: fallback(transports, { retryCount: this.config.retryCount ?? DEFAULT_RETRY_COUNT }),
      batch: hasMulticall3(chain) ? { multicall: true } : undefined,
    });
  }
}
