/**
 * Ground truth for the forensics suite, read from the chain by a path the agent does not take:
 * every block's transactions and receipts, internal value moves and creations from
 * `debug_traceTransaction` with geth's callTracer (the agent reads trace_filter or an explorer API),
 * and Transfer logs from one unfiltered eth_getLogs decoded with viem.
 */
import { getAddress, parseEventLogs, erc20Abi, type Address, type Hash, type Hex, type PublicClient } from 'viem';

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

export interface ChainTruth {
  /** Every successful non-zero native move, in chain order. */
  moves: Move[];
  creations: Creation[];
  tokenMoves: TokenMove[];
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
  return { moves, creations, tokenMoves, timestamps };
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
