import { pageLogs, type ChainClient } from '@oca/chain';
import { getAddress, keccak256, size, slice, toHex, zeroAddress, type Address, type Hash, type Hex } from 'viem';

export const TRANSFER_TOPIC = keccak256(toHex('Transfer(address,address,uint256)'));
/** WETH9-style `Deposit(address indexed dst, uint256)`: wrapping credits a balance without a Transfer. */
export const DEPOSIT_TOPIC = keccak256(toHex('Deposit(address,uint256)'));

/** How far a history scan may go before the agent reports holders as unknown. */
export const TRANSFER_SCAN_BUDGET = { maxRequests: 256, maxLogs: 100_000 } as const;

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
  requests: number;
  /** Sequential getLogs round trips (1 unless the node refused ranges as too large). */
  depth: number;
}

/**
 * Reads the Transfer/Deposit history of `contracts` from block 0 to `toBlock` with adaptive
 * paging (`pageLogs`: the whole range first, halved when the node says the answer is too large).
 * Only the addresses are kept: balances are read afterwards at the pinned block, because logs
 * miss balance changes that emit nothing (rebases, an owner's silent `setBalance`).
 *
 * @throws LogBudgetExceededError past `TRANSFER_SCAN_BUDGET`.
 */
export async function scanTransfers(client: ChainClient, contracts: readonly Address[], toBlock: bigint, signal?: AbortSignal): Promise<TransferScan> {
  const fetchRange = (from: bigint, to: bigint) =>
    client.request({
      method: 'eth_getLogs',
      params: [{ address: [...contracts], topics: [[TRANSFER_TOPIC, DEPOSIT_TOPIC]], fromBlock: toHex(from), toBlock: toHex(to) }],
    }) as Promise<RpcLog[]>;
  const paged = await pageLogs(fetchRange, 0n, toBlock, { ...TRANSFER_SCAN_BUDGET, signal });

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
  return { accounts, firstMintTx, logs: paged.logs.length, requests: paged.requests, depth: paged.depth };
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
