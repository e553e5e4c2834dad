import { findCreationBlock, getLogsPaged, pageLogs, type ChainClient } from '@oca/chain';
import type { AbiEvent, Address, Hex } from 'viem';
import { pad, toHex } from 'viem';

/** Public nodes answer at most 1,000 blocks per getLogs: a chain this short is one page from block 0. */
const ONE_PAGE = 1_000n;
/**
 * Most getLogs requests per scan. A governor's whole history in one range is what most providers
 * answer; behind a 10,000-block cap, 512 pages reach five million blocks back (Uniswap's
 * governance since 2020 is past that: the scan fails as too long rather than reading partly).
 */
export const GOVERNANCE_LOG_BUDGET = { maxRequests: 512, maxLogs: 200_000 } as const;

/**
 * The block a contract's log history starts at: 0 on a chain shorter than one page, otherwise its
 * creation block (`findCreationBlock`: a few batched rounds instead of millions of empty blocks).
 */
export async function historyStart(client: ChainClient, contract: Address, toBlock: bigint, signal: AbortSignal): Promise<bigint> {
  if (toBlock < ONE_PAGE) return 0n;
  const found = await findCreationBlock(client, contract, toBlock, { signal });
  return found?.block ?? 0n;
}

/** Decoded logs of `events` from `address` over `[fromBlock, toBlock]`, the whole range asked at once and split only on refusal. */
export async function scanEvents<const E extends readonly AbiEvent[]>(
  client: ChainClient,
  query: { address: Address; events: E; fromBlock: bigint; toBlock: bigint },
  signal: AbortSignal,
) {
  return getLogsPaged(client, query, { ...GOVERNANCE_LOG_BUDGET, maxBlockRange: query.toBlock - query.fromBlock + 1n, signal });
}

/** Contracts that emitted a `topic0` event with `recipient` as the second indexed topic (ERC-20/721 Transfer to it). */
export async function scanRecipientEmitters(
  client: ChainClient,
  query: { topic0: Hex; recipient: Address; fromBlock: bigint; toBlock: bigint },
  signal: AbortSignal,
): Promise<{ emitters: Address[]; requests: number }> {
  const topics = [query.topic0, null, pad(query.recipient.toLowerCase() as Hex)];
  const fetchRange = (from: bigint, to: bigint) =>
    client.request({ method: 'eth_getLogs', params: [{ topics, fromBlock: toHex(from), toBlock: toHex(to) }] }) as Promise<{ address: Address }[]>;
  const scan = await pageLogs(fetchRange, query.fromBlock, query.toBlock, { ...GOVERNANCE_LOG_BUDGET, signal });
  return { emitters: [...new Set(scan.logs.map((l) => l.address.toLowerCase() as Address))], requests: scan.requests };
}
