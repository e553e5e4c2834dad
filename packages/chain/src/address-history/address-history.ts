import type { Address, Hash } from 'viem';

/** One movement of the native coin (ETH, BNB, …) into or out of an address. */
export interface NativeTransfer {
  from: Address;
  to: Address;
  /** Wei; never 0 (zero-value calls move nothing). */
  value: bigint;
  blockNumber: bigint;
  transactionHash: Hash;
  /** Position of the call inside its transaction ([] for the transaction itself). */
  traceAddress: readonly number[];
}

/** Options for a history read. */
export interface AddressHistoryQuery {
  /** Transfers into any of these addresses. */
  to: readonly Address[];
  fromBlock: bigint;
  toBlock: bigint;
  signal?: AbortSignal;
}

/** What a history read returned and what it cost. */
export interface NativeTransfers {
  /** In chain order (block, then transaction, then call order). */
  transfers: NativeTransfer[];
  /** Requests made, refused ones included. */
  requests: number;
}

/**
 * Where native transfers come from. They are not logs: a plain ETH payment or a contract's
 * internal `call{value}` leaves no event, so reading them needs traces (`trace_filter`, see
 * `TraceFilterHistory`) or an indexer (an Etherscan-compatible `txlist`/`txlistinternal`, see
 * `ExplorerApiHistory`); `PickedHistory` chooses between them.
 */
export interface AddressHistory {
  /** Names the data source in results ("trace_filter"). */
  readonly source: string;
  /**
   * Every native transfer with a non-zero value into `query.to` within the block range, internal
   * calls included, failed calls left out.
   *
   * @throws HistoryUnavailableError when the source cannot answer at all (no trace API).
   */
  nativeTransfersTo(query: AddressHistoryQuery): Promise<NativeTransfers>;
}

/** A contract an address created (a top-level creation transaction or a CREATE/CREATE2 inside one). */
export interface ContractCreation {
  creator: Address;
  contract: Address;
  blockNumber: bigint;
  transactionHash: Hash;
}

/** Options for a read of what one address sent. */
export interface OutgoingQuery {
  from: Address;
  fromBlock: bigint;
  toBlock: bigint;
  signal?: AbortSignal;
}

/** Native transfers out of an address and the contracts it created, with the cost of the read. */
export interface OutgoingActivity {
  /** In chain order. */
  transfers: NativeTransfer[];
  creations: ContractCreation[];
  requests: number;
}

/**
 * An `AddressHistory` that also reads the other direction: what an address sent and deployed.
 * Both implementations (`TraceFilterHistory`, `ExplorerApiHistory`) offer it; the forensics agent
 * needs it, the whale agent only reads incoming transfers.
 */
export interface AddressActivity extends AddressHistory {
  /**
   * Every non-zero native transfer out of `query.from` (internal calls included, failed ones left
   * out) and every contract it created, within the block range.
   *
   * @throws HistoryUnavailableError when the source cannot answer at all.
   */
  outgoing(query: OutgoingQuery): Promise<OutgoingActivity>;
}

/** The first native transfer each address received, or null when none is on record. */
export interface FirstFunders {
  funders: Map<Address, NativeTransfer | null>;
  requests: number;
}

/**
 * The first funder of each address: the sender of the earliest non-zero native transfer into it
 * from `fromBlock` (default 0) to `toBlock`. An address funded in the genesis block, by a block
 * reward or a withdrawal (which are not transfers) has none on record and maps to null. With
 * `fromBlock` > 0 the answer is the first funder only for addresses that held nothing before it.
 */
export async function firstFunders(history: AddressHistory, addresses: readonly Address[], toBlock: bigint, signal?: AbortSignal, fromBlock = 0n): Promise<FirstFunders> {
  const funders = new Map<Address, NativeTransfer | null>(addresses.map((a) => [a, null]));
  if (addresses.length === 0) return { funders, requests: 0 };
  const byLower = new Map(addresses.map((a) => [a.toLowerCase(), a]));
  const { transfers, requests } = await history.nativeTransfersTo({ to: addresses, fromBlock, toBlock, signal });
  for (const transfer of transfers) {
    const address = byLower.get(transfer.to.toLowerCase());
    if (address !== undefined && funders.get(address) === null) funders.set(address, transfer);
  }
  return { funders, requests };
}

/** The history source cannot answer (no trace API on this node); results say funding is unknown. */
export class HistoryUnavailableError extends Error {
  readonly code = 'history_unavailable' as const;

  constructor(
    readonly source: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'HistoryUnavailableError';
  }
}
