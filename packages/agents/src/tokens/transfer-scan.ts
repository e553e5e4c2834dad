import { findCreationBlock, pageLogs, type ChainClient } from '@oca/chain';
import { getAddress, keccak256, size, slice, toHex, zeroAddress, type Address, type Hash, type Hex } from 'viem';

export const TRANSFER_TOPIC = keccak256(toHex('Transfer(address,address,uint256)'));
/** WETH9-style `Deposit(address indexed dst, uint256)`: wrapping credits a balance without a Transfer. */
export const DEPOSIT_TOPIC = keccak256(toHex('Deposit(address,uint256)'));

/** How far a history scan may go before the agent reports holders as unknown. */
export const TRANSFER_SCAN_BUDGET = { maxRequests: 256, maxLogs: 100_000 } as const;
/** Public nodes answer at most 1,000 blocks per getLogs: a chain this short is one page from block 0. */
const ONE_PAGE = 1_000n;

interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  transactionHash: Hash | null;
}

/** Every address a token's Transfer (and Deposit) logs touched, per emitting contract. */
export interface TransferScan {
  /** Accounts per emitting contract (checksummed keys), in first-seen order; 0x0 included. */
  accounts: Map<Address, Address[]>;
  /** Transaction of the first mint (Transfer from 0x0) per contract, in chain order. */
  firstMintTx: Map<Address, Hash>;
  logs: number;
  /** getLogs and getCode requests (the creation-block search included). */
  requests: number;
  /** Sequential round trips: the creation-block search's rounds plus the getLogs split depth. */
  depth: number;
  /** First block scanned: where the earliest of `contracts` got its code (or the start given). */
  fromBlock: bigint;
  /** True when nothing of the history can lie before `fromBlock` (see `CreationBlock.proven`). */
  complete: boolean;
  /** The start as found, for scans of related contracts (a token's pools) to reuse. */
  start: HistoryStart;
}

/**
 * Reads the Transfer/Deposit history of `contracts` from the block the earliest of them was created
 * (`findCreationBlock`, unless `from` is given; a real chain's block 0 is millions of blocks and thousands of pages away)
 * to `toBlock` with adaptive paging (`pageLogs`: the whole range first, cut to the span the node
 * names or halved when it says the answer is too large).
 * Only the addresses are kept: balances are read afterwards at the pinned block, because logs
 * miss balance changes that emit nothing (rebases, an owner's silent `setBalance`).
 *
 * @throws LogBudgetExceededError past `TRANSFER_SCAN_BUDGET`.
 */
export async function scanTransfers(client: ChainClient, contracts: readonly Address[], toBlock: bigint, signal?: AbortSignal, from?: HistoryStart): Promise<TransferScan> {
  const fetchRange = (from: bigint, to: bigint) =>
    client.request({
      method: 'eth_getLogs',
      params: [{ address: [...contracts], topics: [[TRANSFER_TOPIC, DEPOSIT_TOPIC]], fromBlock: toHex(from), toBlock: toHex(to) }],
    }) as Promise<RpcLog[]>;
  const start = from ?? (await historyStart(client, contracts, toBlock, signal));
  const paged = await pageLogs(fetchRange, start.block, toBlock, { ...TRANSFER_SCAN_BUDGET, signal });

  const seen = new Map<Address, Set<Address>>();
  const firstMintTx = new Map<Address, Hash>();
  for (const log of paged.logs) {
    const emitter = getAddress(log.address);
    const parties = partiesOf(log);
    if (!parties) continue;
    const set = seen.get(emitter) ?? new Set<Address>();
    seen.set(emitter, set);
    for (const party of parties.accounts) set.add(party);
    if (parties.mint && log.transactionHash && !firstMintTx.has(emitter)) firstMintTx.set(emitter, log.transactionHash);
  }
  const accounts = new Map<Address, Address[]>([...seen].map(([emitter, set]) => [emitter, [...set]]));
  return {
    accounts,
    firstMintTx,
    logs: paged.logs.length,
    requests: paged.requests + start.requests,
    depth: paged.depth + start.rounds,
    fromBlock: start.block,
    complete: start.proven,
    // Reused as is, the search is not paid for twice.
    start: { ...start, requests: 0, rounds: 0 },
  };
}

/** Where the history of `contracts` starts: the earliest creation block among them. */
export interface HistoryStart {
  block: bigint;
  /** See `CreationBlock.proven`. */
  proven: boolean;
  /** getCode requests and sequential rounds the search cost (0 when it was skipped). */
  requests: number;
  rounds: number;
}

/**
 * The block a log scan of `contracts` should start at. A chain that fits one page of the strictest
 * provider cap is read from block 0 (searching would cost more round trips than it saves);
 * otherwise the earliest creation block among the contracts, found with `findCreationBlock`.
 */
export async function historyStart(client: ChainClient, contracts: readonly Address[], toBlock: bigint, signal?: AbortSignal): Promise<HistoryStart> {
  const fromGenesis = { block: 0n, proven: true, requests: 0, rounds: 0 };
  if (toBlock < ONE_PAGE) return fromGenesis;
  const found = (await Promise.all(contracts.map((contract) => findCreationBlock(client, contract, toBlock, { signal })))).filter((c) => c !== undefined);
  // A contract without code at toBlock emits nothing; from block 0 only when none has code.
  if (found.length === 0) return fromGenesis;
  const earliest = found.reduce((a, b) => (b.block < a.block ? b : a));
  return {
    block: earliest.block,
    proven: earliest.proven,
    requests: found.reduce((n, c) => n + c.requests, 0),
    rounds: Math.max(...found.map((c) => c.rounds)),
  };
}

/**
 * The addresses a log names. ERC-20 indexes `from` and `to` (topics 1–2); a few early tokens
 * index nothing and put both in the data; ERC-721's Transfer has a third topic and is not a
 * fungible balance change, so it is skipped.
 */
function partiesOf(log: RpcLog): { accounts: Address[]; mint: boolean } | null {
  const [topic0, t1, t2, t3] = log.topics;
  if (topic0 === DEPOSIT_TOPIC) return t1 ? { accounts: [topicAddress(t1)], mint: false } : null;
  if (topic0 !== TRANSFER_TOPIC || t3 !== undefined) return null;
  if (t1 && t2) {
    const from = topicAddress(t1);
    return { accounts: [from, topicAddress(t2)], mint: from === zeroAddress };
  }
  if (!t1 && size(log.data) >= 96) {
    const from = topicAddress(slice(log.data, 0, 32));
    return { accounts: [from, topicAddress(slice(log.data, 32, 64))], mint: from === zeroAddress };
  }
  return null;
}

const topicAddress = (word: Hex): Address => getAddress(slice(word, 12, 32));
