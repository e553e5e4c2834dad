import type { ChainClient, Ratio } from '@oca/chain';
import { decodeEventLog, getAddress, keccak256, parseAbiItem, slice, toEventSelector, zeroAddress, type Address, type Hash, type Hex } from 'viem';
import { TRANSFER_TOPIC } from '../tokens/transfer-scan';
import type { NftTransfer, RpcLog } from '../tokens/nft-transfer-log';
import { isBurn, isMint } from './nft-transfers';

/** Newest transactions whose receipts are read for payments; older ones are counted as skipped. */
export const MAX_SALE_TRANSACTIONS = 1_000;

const ORDER_FULFILLED = parseAbiItem(
  'event OrderFulfilled(bytes32 orderHash, address indexed offerer, address indexed zone, address recipient, (uint8 itemType, address token, uint256 identifier, uint256 amount)[] offer, (uint8 itemType, address token, uint256 identifier, uint256 amount, address recipient)[] consideration)',
);
export const ORDER_FULFILLED_TOPIC = toEventSelector(ORDER_FULFILLED);

/**
 * Flash-loan events of the lenders Dune's `flashloans` covers most volume of: Aave V2
 * (`FlashLoan(address,address,address,uint256,uint256,uint16)`), Aave V3
 * (`FlashLoan(address,address,address,uint256,uint8,uint256,uint16)`), Balancer V2's vault
 * (`FlashLoan(address,address,uint256,uint256)`), dYdX Solo (`LogOperation` holds no loan flag, so
 * it is not listed) and Uniswap V3 pools' `Flash`.
 */
export const FLASH_LOAN_TOPICS: ReadonlySet<Hex> = new Set(
  [
    'FlashLoan(address,address,address,uint256,uint256,uint16)',
    'FlashLoan(address,address,address,uint256,uint8,uint256,uint16)',
    'FlashLoan(address,address,uint256,uint256)',
    'Flash(address,address,uint256,uint256,uint256,uint256)',
  ].map((s) => keccak256(new TextEncoder().encode(s))),
);

/** One sale before valuation and wash filters. */
export interface RawSale {
  transfer: NftTransfer;
  timestamp: bigint;
  seller: Address;
  buyer: Address;
  marketplace: 'seaport' | 'direct';
  /** null: native coin. */
  currency: Address | null;
  price: bigint;
  flashLoan: boolean;
}

export interface SaleScan {
  sales: RawSale[];
  transactionsRead: number;
  transactionsSkipped: number;
  unpaidTransfers: number;
  requests: number;
}

interface RpcReceipt {
  logs: (RpcLog & { address: Hex })[];
}
interface RpcTransaction {
  from: Hex;
  value: Hex;
}

/**
 * Sales reconstructed from the chain, as Dune's `nft.trades` does: a transaction that moves a
 * token between two holders is a sale when it pays for it. The payment is read from the receipt:
 * a Seaport `OrderFulfilled` naming the token (its fungible items on the other side of the order
 * are the price, fees included); otherwise ERC-20 Transfers from the buyer to the seller (WETH or
 * any token); otherwise the transaction's native value when the buyer sent it. A payment covering
 * several tokens is split evenly. Mints and burns are not sales.
 */
export async function readSales(client: ChainClient, collection: Address, transfers: readonly NftTransfer[], signal?: AbortSignal): Promise<SaleScan> {
  const moves = transfers.filter((t) => !isMint(t) && !isBurn(t));
  const byTx = new Map<Hash, NftTransfer[]>();
  for (const t of moves) byTx.set(t.transactionHash, [...(byTx.get(t.transactionHash) ?? []), t]);
  const all = [...byTx.keys()];
  const read = all.slice(-MAX_SALE_TRANSACTIONS);
  signal?.throwIfAborted();
  const [receipts, txs] = await Promise.all([
    Promise.all(read.map((hash) => client.request({ method: 'eth_getTransactionReceipt', params: [hash] } as never) as Promise<RpcReceipt | null>)),
    Promise.all(read.map((hash) => client.request({ method: 'eth_getTransactionByHash', params: [hash] } as never) as Promise<RpcTransaction | null>)),
  ]);
  const blocks = [...new Set(read.map((h) => byTx.get(h)![0]!.blockNumber))];
  const stamps = await Promise.all(blocks.map((blockNumber) => client.getBlock({ blockNumber })));
  const timeOf = new Map(stamps.map((b) => [b.number, b.timestamp]));

  const sales: RawSale[] = [];
  let unpaid = 0;
  read.forEach((hash, i) => {
    const receipt = receipts[i];
    const tx = txs[i];
    const txMoves = byTx.get(hash)!;
    if (!receipt || !tx) return;
    const found = salesOfTransaction(collection, txMoves, receipt.logs, { from: getAddress(tx.from), value: BigInt(tx.value) }, timeOf.get(txMoves[0]!.blockNumber) ?? 0n);
    sales.push(...found);
    unpaid += txMoves.length - found.length;
  });
  return { sales, transactionsRead: read.length, transactionsSkipped: all.length - read.length, unpaidTransfers: unpaid, requests: read.length * 2 + blocks.length };
}

interface Payment {
  marketplace: 'seaport' | 'direct';
  currency: Address | null;
  total: bigint;
  /** How many token movements share it. */
  shares: number;
}

/** The sales in one transaction's token movements (see `readSales`). */
export function salesOfTransaction(
  collection: Address,
  moves: readonly NftTransfer[],
  logs: readonly (RpcLog & { address?: Hex })[],
  tx: { from: Address; value: bigint },
  timestamp: bigint,
): RawSale[] {
  const flashLoan = logs.some((l) => l.topics[0] !== undefined && FLASH_LOAN_TOPICS.has(l.topics[0]));
  const orders = logs.filter((l) => l.topics[0] === ORDER_FULFILLED_TOPIC).flatMap(decodeOrder);
  const out: RawSale[] = [];
  for (const move of moves) {
    const payment = seaportPayment(collection, move, orders) ?? tokenPayment(move, moves, logs) ?? nativePayment(move, moves, tx);
    if (!payment) continue;
    out.push({
      transfer: move,
      timestamp,
      seller: move.from,
      buyer: move.to,
      marketplace: payment.marketplace,
      currency: payment.currency,
      price: payment.total / BigInt(payment.shares),
      flashLoan,
    });
  }
  return out;
}

interface Order {
  nfts: { token: Address; identifier: bigint }[];
  payment: { token: Address | null; amount: bigint }[];
}

/** Fungible items on the side without NFTs: the consideration of a listing, the offer of a bid. */
function decodeOrder(log: RpcLog): Order[] {
  try {
    const { args } = decodeEventLog({ abi: [ORDER_FULFILLED], topics: log.topics as [Hex, ...Hex[]], data: log.data });
    const isNft = (t: number) => t >= 2;
    const offerNfts = args.offer.filter((i) => isNft(i.itemType));
    const considerationNfts = args.consideration.filter((i) => isNft(i.itemType));
    const paying = offerNfts.length > 0 ? args.consideration : args.offer;
    return [
      {
        nfts: [...offerNfts, ...considerationNfts].map((i) => ({ token: getAddress(i.token), identifier: i.identifier })),
        payment: paying.filter((i) => !isNft(i.itemType)).map((i) => ({ token: i.itemType === 0 ? null : getAddress(i.token), amount: i.amount })),
      },
    ];
  } catch {
    return [];
  }
}

function seaportPayment(collection: Address, move: NftTransfer, orders: readonly Order[]): Payment | null {
  const order = orders.find((o) => o.nfts.some((n) => n.token === collection && n.identifier === move.tokenId));
  if (!order || order.payment.length === 0) return null;
  const currency = order.payment[0]!.token;
  const total = order.payment.filter((p) => p.token === currency).reduce((s, p) => s + p.amount, 0n);
  return { marketplace: 'seaport', currency, total, shares: order.nfts.length };
}

/** ERC-20 Transfers from the buyer to the seller; shared by the movements between the same two. */
function tokenPayment(move: NftTransfer, moves: readonly NftTransfer[], logs: readonly (RpcLog & { address?: Hex })[]): Payment | null {
  const paid = logs.filter(
    (l) => l.topics[0] === TRANSFER_TOPIC && l.topics.length === 3 && l.address && topicAddress(l.topics[1]!) === move.to && topicAddress(l.topics[2]!) === move.from,
  );
  if (paid.length === 0) return null;
  const currency = getAddress(paid[0]!.address!);
  const total = paid.filter((l) => getAddress(l.address!) === currency).reduce((s, l) => s + BigInt(l.data === '0x' ? 0 : l.data), 0n);
  const shares = moves.filter((m) => m.from === move.from && m.to === move.to).length;
  return { marketplace: 'direct', currency, total, shares };
}

/** The transaction's value, when the buyer sent it; shared by the movements to that buyer. */
function nativePayment(move: NftTransfer, moves: readonly NftTransfer[], tx: { from: Address; value: bigint }): Payment | null {
  if (tx.value === 0n || tx.from !== move.to) return null;
  return { marketplace: 'direct', currency: null, total: tx.value, shares: moves.filter((m) => m.to === move.to).length };
}

const topicAddress = (t: Hex): Address => getAddress(slice(t, 12, 32));

/** A price in native wei: native and wrapped native 1:1, another token through both USD prices; null when either is missing. */
export function nativeValue(price: bigint, currency: Address | null, wrappedNative: Address, token: { usd: Ratio | null; decimals: number | null } | undefined, nativeUsd: Ratio | null): bigint | null {
  if (currency === null || currency === zeroAddress || currency === wrappedNative) return price;
  if (!token?.usd || token.decimals === null || !nativeUsd || nativeUsd.num === 0n) return null;
  return (price * token.usd.num * nativeUsd.den * 10n ** 18n) / (token.usd.den * nativeUsd.num * 10n ** BigInt(token.decimals));
}
