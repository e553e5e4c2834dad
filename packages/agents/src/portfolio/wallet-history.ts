import { pageLogs, type ChainClient } from '@oca/chain';
import { getAddress, hexToBigInt, pad, size, slice, toHex, type Address, type Hash, type Hex } from 'viem';
import { DEPOSIT_TOPIC, TRANSFER_TOPIC } from '../security/transfer-scan';

/** One token movement naming the wallet: an ERC-20 Transfer, an ERC-721 Transfer, or a WETH9-style Deposit (a credit without a Transfer). */
export interface WalletTransfer {
  contract: Address;
  kind: 'erc20' | 'erc721' | 'deposit';
  from: Address;
  to: Address;
  /** ERC-20 and Deposit amount; null for an NFT. */
  amount: bigint | null;
  /** ERC-721 token id; null otherwise. */
  tokenId: bigint | null;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hash;
}

/** The wallet's token history as far as the budget reached. */
export interface WalletHistory {
  transfers: WalletTransfer[];
  fromBlock: bigint;
  /** First block whose logs are all read (both directions); `fromBlock` unless the budget ran out. */
  coveredFrom: bigint;
  requests: number;
}

interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  logIndex: Hex | null;
  transactionHash: Hash | null;
}

/**
 * Per direction. A wallet is not a contract with a creation block, so the scan runs from genesis;
 * on a mainnet-shaped chain behind a span-capped provider that is thousands of pages, so the pager
 * keeps the newest blocks it could read whole (`keepNewest`) and the result says where it starts.
 */
export const WALLET_SCAN_BUDGET = { maxRequests: 96, maxLogs: 50_000 } as const;

/**
 * Every Transfer (ERC-20 and ERC-721) with the wallet as sender (topic1) or recipient (topic2), and
 * WETH9 Deposits to it, from any contract, through the log pager: two filters, each paged newest
 * first within `WALLET_SCAN_BUDGET`.
 */
export async function readWalletHistory(client: ChainClient, wallet: Address, toBlock: bigint, signal?: AbortSignal): Promise<WalletHistory> {
  const topic = pad(wallet.toLowerCase() as Hex, { size: 32 });
  const scan = (topics: (Hex | Hex[] | null)[]) =>
    pageLogs((from, to) => client.request({ method: 'eth_getLogs', params: [{ topics, fromBlock: toHex(from), toBlock: toHex(to) }] }) as Promise<RpcLog[]>, 0n, toBlock, {
      ...WALLET_SCAN_BUDGET,
      keepNewest: true,
      signal,
    });
  const [sent, received] = await Promise.all([scan([[TRANSFER_TOPIC, DEPOSIT_TOPIC], topic]), scan([TRANSFER_TOPIC, null, topic])]);
  const coveredFrom = sent.coveredFrom > received.coveredFrom ? sent.coveredFrom : received.coveredFrom;
  const seen = new Set<string>();
  const transfers: WalletTransfer[] = [];
  for (const log of [...sent.logs, ...received.logs]) {
    const t = decodeWalletLog(log);
    // A self-transfer matches both filters; a log before the common start is dropped so both sides cover the same range.
    if (!t || t.blockNumber < coveredFrom || seen.has(`${t.transactionHash}:${t.logIndex}`)) continue;
    seen.add(`${t.transactionHash}:${t.logIndex}`);
    transfers.push(t);
  }
  transfers.sort((a, b) => (a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex));
  return { transfers, fromBlock: 0n, coveredFrom, requests: sent.requests + received.requests };
}

/** ERC-20 Transfer: 3 topics and a 32-byte amount; ERC-721: 4 topics; Deposit(dst indexed, wad). Anything else is skipped. */
export function decodeWalletLog(log: RpcLog): WalletTransfer | null {
  if (log.blockNumber === null || log.logIndex === null || log.transactionHash === null) return null;
  const [t0, t1, t2, t3] = log.topics;
  const at = { contract: getAddress(log.address), blockNumber: BigInt(log.blockNumber), logIndex: Number(log.logIndex), transactionHash: log.transactionHash };
  const addr = (word: Hex) => getAddress(slice(word, 12, 32));
  if (t0 === DEPOSIT_TOPIC && t1 && size(log.data) === 32) {
    return { ...at, kind: 'deposit', from: at.contract, to: addr(t1), amount: hexToBigInt(log.data), tokenId: null };
  }
  if (t0 !== TRANSFER_TOPIC || !t1 || !t2) return null;
  if (t3) return { ...at, kind: 'erc721', from: addr(t1), to: addr(t2), amount: null, tokenId: hexToBigInt(t3) };
  if (size(log.data) !== 32) return null;
  return { ...at, kind: 'erc20', from: addr(t1), to: addr(t2), amount: hexToBigInt(log.data), tokenId: null };
}
