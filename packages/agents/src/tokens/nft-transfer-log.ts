import { decodeAbiParameters, getAddress, keccak256, slice, toHex, type Address, type Hash, type Hex } from 'viem';
import { TRANSFER_TOPIC } from './transfer-scan';

/**
 * NFT movements as the standards log them, shared by the agents that read them (nft, portfolio,
 * forensics): ERC-721 `Transfer` (from, to and id indexed: four topics) and ERC-1155
 * `TransferSingle` / `TransferBatch` (operator, from, to indexed; ids and values in the data).
 */
export const TRANSFER_SINGLE_TOPIC = keccak256(toHex('TransferSingle(address,address,address,uint256,uint256)'));
export const TRANSFER_BATCH_TOPIC = keccak256(toHex('TransferBatch(address,address,address,uint256[],uint256[])'));
/** ERC-1155's two transfer events, for a topic0 filter. */
export const ERC1155_TRANSFER_TOPICS = [TRANSFER_SINGLE_TOPIC, TRANSFER_BATCH_TOPIC] as const;

/** One token movement: an ERC-721 Transfer, or one id of an ERC-1155 TransferSingle/TransferBatch. */
export interface NftTransfer {
  from: Address;
  to: Address;
  tokenId: bigint;
  /** 1 for ERC-721; the units moved for ERC-1155. */
  amount: bigint;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hash;
}

/** A log as eth_getLogs returns it (pending logs have null positions). */
export interface RpcLog {
  address?: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex | null;
  logIndex: Hex | null;
  transactionHash: Hash | null;
}

/** Which standard a log's event belongs to; null for anything else (an ERC-20 Transfer has three topics). */
export function nftStandardOf(log: Pick<RpcLog, 'topics'>): 'erc721' | 'erc1155' | null {
  const topic0 = log.topics[0];
  if (topic0 === TRANSFER_TOPIC) return log.topics.length === 4 ? 'erc721' : null;
  return topic0 === TRANSFER_SINGLE_TOPIC || topic0 === TRANSFER_BATCH_TOPIC ? 'erc1155' : null;
}

const word = (w: Hex): Address => getAddress(slice(w, 12, 32));

/** The movements one log records; none for an ERC-20 Transfer (three topics) or a malformed log. */
export function decodeNftTransfer(log: RpcLog): NftTransfer[] {
  if (log.blockNumber === null || log.logIndex === null || log.transactionHash === null) return [];
  const at = { blockNumber: BigInt(log.blockNumber), logIndex: Number(log.logIndex), transactionHash: log.transactionHash };
  const [topic0, t1, t2, t3] = log.topics;
  try {
    if (topic0 === TRANSFER_TOPIC && t1 && t2 && t3 && log.topics.length === 4) return [{ from: word(t1), to: word(t2), tokenId: BigInt(t3), amount: 1n, ...at }];
    if (topic0 === TRANSFER_SINGLE_TOPIC && t2 && t3) {
      const [id, value] = decodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], log.data);
      return [{ from: word(t2), to: word(t3), tokenId: id, amount: value, ...at }];
    }
    if (topic0 === TRANSFER_BATCH_TOPIC && t2 && t3) {
      const [ids, values] = decodeAbiParameters([{ type: 'uint256[]' }, { type: 'uint256[]' }], log.data);
      return ids.map((id, i) => ({ from: word(t2), to: word(t3), tokenId: id, amount: values[i] ?? 0n, ...at }));
    }
  } catch {
    return [];
  }
  return [];
}
