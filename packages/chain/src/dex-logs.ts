import type { AbiEvent, Address, Chain, GetLogsReturnType, PublicClient, Transport } from 'viem';
import { pageLogs } from './log-pager';

/** Options for `getLogsPaged`. */
export interface PagedLogsOptions {
  /**
   * Blocks per `eth_getLogs` request before any error is seen. Public providers cap ranges
   * (Alchemy 2k–10k blocks, many free tiers 1k–10k); the pages are sent together, so a smaller
   * page costs bytes, not round trips.
   * @default 5_000n
   */
  maxBlockRange?: bigint;
  /**
   * Addresses per request; providers reject very long address filters.
   * @default 500
   */
  maxAddresses?: number;
  /**
   * Requests per page, splits included, before giving up (see `pageLogs`).
   * @default 512
   */
  maxRequestsPerPage?: number;
}

/** Logs found and what it cost. */
export interface PagedLogs<E extends readonly AbiEvent[]> {
  logs: GetLogsReturnType<undefined, E, true>;
  /** `eth_getLogs` requests made, including ones refused as too big and split. */
  requests: number;
}

const DEFAULT_MAX_BLOCK_RANGE = 5_000n;
const DEFAULT_MAX_ADDRESSES = 500;

/**
 * `eth_getLogs` over a block range of any length for many addresses, decoded with `events`
 * (topic0 is any of them). The range is cut into pages of `maxBlockRange` and the addresses into
 * groups of `maxAddresses`, all requested at once (one JSON-RPC batch); a page the node refuses as
 * too big is halved by `pageLogs`. Logs come back in chain order.
 */
export async function getLogsPaged<E extends readonly AbiEvent[], T extends Transport, C extends Chain | undefined>(
  client: PublicClient<T, C>,
  query: { address?: Address | readonly Address[]; events: E; fromBlock: bigint; toBlock: bigint },
  options: PagedLogsOptions = {},
): Promise<PagedLogs<E>> {
  type Logs = PagedLogs<E>['logs'];
  const maxRange = options.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
  const maxAddresses = options.maxAddresses ?? DEFAULT_MAX_ADDRESSES;
  const groups: (Address[] | undefined)[] =
    query.address === undefined ? [undefined] : chunk(typeof query.address === 'string' ? [query.address] : [...query.address], maxAddresses);
  if (query.toBlock < query.fromBlock || groups.length === 0) return { logs: [] as unknown as Logs, requests: 0 };

  const pages: Promise<{ logs: Logs[number][]; requests: number }>[] = [];
  for (const address of groups) {
    const fetchRange = async (fromBlock: bigint, toBlock: bigint) =>
      (await client.getLogs({ address, events: query.events, fromBlock, toBlock, strict: true })) as Logs[number][];
    for (let from = query.fromBlock; from <= query.toBlock; from += maxRange) {
      const to = from + maxRange - 1n < query.toBlock ? from + maxRange - 1n : query.toBlock;
      pages.push(pageLogs(fetchRange, from, to, { maxRequests: options.maxRequestsPerPage }));
    }
  }
  const scans = await Promise.all(pages);
  const logs = scans.flatMap((s) => s.logs);
  logs.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  return { logs: logs as Logs, requests: scans.reduce((n, s) => n + s.requests, 0) };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
