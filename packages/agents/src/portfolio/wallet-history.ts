import { pageLogs, type ChainClient } from '@oca/chain';
import { getAddress, hexToBigInt, pad, size, slice, toHex, type Address, type Hash, type Hex } from 'viem';
import { DEPOSIT_TOPIC, TRANSFER_TOPIC } from '../tokens/transfer-scan';
import { decodeNftTransfer, ERC1155_TRANSFER_TOPICS, nftStandardOf } from '../tokens/nft-transfer-log';

/**
 * One token movement naming the wallet: an ERC-20 Transfer, an ERC-721 Transfer, one id of an
 * ERC-1155 TransferSingle/TransferBatch, or a WETH9-style Deposit (a credit without a Transfer).
 */
export interface WalletTransfer {
  contract: Address;
  kind: 'erc20' | 'erc721' | 'erc1155' | 'deposit';
  from: Address;
  to: Address;
  /** ERC-20 and Deposit amount, ERC-1155 units; null for an ERC-721. */
  amount: bigint | null;
  /** ERC-721 or ERC-1155 token id; null otherwise. */
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
 * Every Transfer (ERC-20 and ERC-721) with the wallet as sender (topic1) or recipient (topic2),
 * WETH9 Deposits to it, and ERC-1155 TransferSingle/TransferBatch with the wallet as sender
 * (topic2) or recipient (topic3), from any contract, through the log pager: three filters (ERC-1155
 * sends share the topic2 filter of ERC-20/721 receipts), each paged newest first within
 * `WALLET_SCAN_BUDGET`.
 */
export async function readWalletHistory(client: ChainClient, wallet: Address, toBlock: bigint, signal?: AbortSignal): Promise<WalletHistory> {
  const topic = pad(wallet.toLowerCase() as Hex, { size: 32 });
  const scan = (topics: (Hex | Hex[] | null)[]) =>
    pageLogs((from, to) => client.request({ method: 'eth_getLogs', params: [{ topics, fromBlock: toHex(from), toBlock: toHex(to) }] }) as Promise<RpcLog[]>, 0n, toBlock, {
      ...WALLET_SCAN_BUDGET,
      keepNewest: true,
      signal,
    });
  const [sent, received, received1155] = await Promise.all([
    scan([[TRANSFER_TOPIC, DEPOSIT_TOPIC], topic]),
    scan([[TRANSFER_TOPIC, ...ERC1155_TRANSFER_TOPICS], null, topic]),
    scan([[...ERC1155_TRANSFER_TOPICS], null, null, topic]),
  ]);
  const scans = [sent, received, received1155];
  const coveredFrom = scans.reduce((max, s) => (s.coveredFrom > max ? s.coveredFrom : max), 0n);
  const seen = new Set<string>();
  const transfers: WalletTransfer[] = [];
  for (const log of scans.flatMap((s) => s.logs)) {
    const key = `${log.transactionHash}:${log.logIndex}`;
    // A self-transfer matches two filters; a log before the common start is dropped so every side covers the same range.
    if (log.blockNumber === null || BigInt(log.blockNumber) < coveredFrom || seen.has(key)) continue;
    seen.add(key);
    transfers.push(...decodeWalletLog(log));
  }
  transfers.sort((a, b) => (a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex));
  return { transfers, fromBlock: 0n, coveredFrom, requests: scans.reduce((n, s) => n + s.requests, 0) };
}

/**
 * ERC-20 Transfer: 3 topics and a 32-byte amount; ERC-721: 4 topics; ERC-1155 TransferSingle (one
 * movement) and TransferBatch (one per id) through the shared NFT decoder; Deposit(dst indexed,
 * wad). Anything else is skipped (no movement).
 */
export function decodeWalletLog(log: RpcLog): WalletTransfer[] {
  if (log.blockNumber === null || log.logIndex === null || log.transactionHash === null) return [];
  const [t0, t1, t2] = log.topics;
  const at = { contract: getAddress(log.address), blockNumber: BigInt(log.blockNumber), logIndex: Number(log.logIndex), transactionHash: log.transactionHash };
  const addr = (word: Hex) => getAddress(slice(word, 12, 32));
  if (t0 === DEPOSIT_TOPIC && t1 && size(log.data) === 32) {
    return [{ ...at, kind: 'deposit', from: at.contract, to: addr(t1), amount: hexToBigInt(log.data), tokenId: null }];
  }
  const nft = nftStandardOf(log);
  if (nft !== null) {
    return decodeNftTransfer(log).map((m) => ({ ...at, kind: nft, from: m.from, to: m.to, amount: nft === 'erc1155' ? m.amount : null, tokenId: m.tokenId }));
  }
  if (t0 !== TRANSFER_TOPIC || !t1 || !t2 || log.topics.length !== 3 || size(log.data) !== 32) return [];
  return [{ ...at, kind: 'erc20', from: addr(t1), to: addr(t2), amount: hexToBigInt(log.data), tokenId: null }];
}
