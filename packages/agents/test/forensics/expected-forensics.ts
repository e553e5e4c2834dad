/**
 * Ground truth for the forensics suite, read from the chain by a path the agent does not take:
 * every block's transactions and receipts, internal value moves and creations from
 * `debug_traceTransaction` with geth's callTracer (the agent reads trace_filter or an explorer API),
 * and Transfer logs from one unfiltered eth_getLogs decoded with viem.
 */
import { getAddress, parseAbi, parseEventLogs, erc20Abi, type Address, type Hash, type Hex, type PublicClient } from 'viem';

const NFT_EVENTS = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  'event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)',
  'event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)',
]);

export interface Move {
  from: Address;
  to: Address;
  value: bigint;
  blockNumber: bigint;
  hash: Hash;
  internal: boolean;
}

export interface Creation {
  creator: Address;
  contract: Address;
  blockNumber: bigint;
  hash: Hash;
}

export interface TokenMove {
  token: Address;
  from: Address;
  to: Address;
  amount: bigint;
}

/** One NFT movement: an ERC-721 Transfer, or one id of an ERC-1155 TransferSingle/TransferBatch. */
export interface NftMove {
  collection: Address;
  standard: 'erc721' | 'erc1155';
  from: Address;
  to: Address;
  tokenId: bigint;
  amount: bigint;
}

export interface ChainTruth {
  /** Every successful non-zero native move, in chain order. */
  moves: Move[];
  creations: Creation[];
  tokenMoves: TokenMove[];
  nftMoves: NftMove[];
  timestamps: Map<bigint, bigint>;
}

interface Frame {
  type: string;
  from: string;
  to?: string;
  value?: Hex;
  error?: string;
  calls?: Frame[];
}

export async function readChainTruth(rpc: PublicClient, toBlock: bigint): Promise<ChainTruth> {
  const moves: Move[] = [];
  const creations: Creation[] = [];
  const timestamps = new Map<bigint, bigint>();
  for (let n = 0n; n <= toBlock; n++) {
    const block = await rpc.getBlock({ blockNumber: n, includeTransactions: true });
    timestamps.set(n, block.timestamp);
    for (const tx of block.transactions) {
      const trace = (await rpc.request({ method: 'debug_traceTransaction' as never, params: [tx.hash, { tracer: 'callTracer' }] as never })) as Frame;
      walk(trace, true, n, tx.hash, moves, creations);
    }
  }
  const logs = await rpc.getLogs({ fromBlock: 0n, toBlock });
  const tokenMoves = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs, strict: false })
    .filter((l) => l.topics.length === 3)
    .map((l) => ({ token: getAddress(l.address), from: getAddress(l.args.from!), to: getAddress(l.args.to!), amount: l.args.value! }));
  const nftMoves: NftMove[] = [];
  for (const l of parseEventLogs({ abi: NFT_EVENTS, logs })) {
    const collection = getAddress(l.address);
    if (l.eventName === 'Transfer') nftMoves.push({ collection, standard: 'erc721', from: l.args.from, to: l.args.to, tokenId: l.args.tokenId, amount: 1n });
    else if (l.eventName === 'TransferSingle') nftMoves.push({ collection, standard: 'erc1155', from: l.args.from, to: l.args.to, tokenId: l.args.id, amount: l.args.value });
    else l.args.ids.forEach((id, i) => nftMoves.push({ collection, standard: 'erc1155', from: l.args.from, to: l.args.to, tokenId: id, amount: l.args.values[i]! }));
  }
  return { moves, creations, tokenMoves, nftMoves, timestamps };
}

function walk(frame: Frame, top: boolean, blockNumber: bigint, hash: Hash, moves: Move[], creations: Creation[]): void {
  if (frame.error) return;
  const value = BigInt(frame.value ?? '0x0');
  const isCreate = frame.type === 'CREATE' || frame.type === 'CREATE2';
  const isCall = frame.type === 'CALL';
  if ((isCall || isCreate) && value > 0n && frame.to) moves.push({ from: getAddress(frame.from), to: getAddress(frame.to), value, blockNumber, hash, internal: !top });
  if (isCreate && frame.to) creations.push({ creator: getAddress(frame.from), contract: getAddress(frame.to), blockNumber, hash });
  for (const call of frame.calls ?? []) walk(call, false, blockNumber, hash, moves, creations);
}

/** The first non-zero native move into `a`, or undefined. */
export const firstFunding = (truth: ChainTruth, a: Address) => truth.moves.find((m) => m.to === a);
