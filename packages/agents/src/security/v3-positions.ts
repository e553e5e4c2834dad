import { getLogsPaged, LogBlockTooLargeError, LogBudgetExceededError, uniswapV3PoolPositionsAbi, uniswapV3PositionManagerAbi, type ChainClient, type LpLocker } from '@oca/chain';
import { encodePacked, getAbiItem, getAddress, keccak256, toEventSelector, type Address, type Hash } from 'viem';
import { readOrNull } from '../dex';
import { positions, type ProbePool, type ProbePosition } from './probe/security-probe';
import { historyStart, type HistoryStart } from '../tokens/transfer-scan';

const MINT = getAbiItem({ abi: uniswapV3PoolPositionsAbi, name: 'Mint' });
const INCREASE_LIQUIDITY = toEventSelector(getAbiItem({ abi: uniswapV3PositionManagerAbi, name: 'IncreaseLiquidity' }));

/**
 * How far the V3 position read goes per pool. Past it the rest of the liquidity is reported as
 * unattributed (or, for the Mint history, the pool's LP figures as unknown), never guessed.
 */
export const V3_POSITION_BUDGET = { maxRequests: 64, maxLogs: 20_000, maxReceipts: 500 } as const;

/** A raw pool position: `positions(keccak256(owner, tickLower, tickUpper))` of the pool. */
interface RawPosition {
  owner: Address;
  tickLower: number;
  tickUpper: number;
  key: Hash;
}

/** Step 4: the pool's Mint logs — which raw positions exist, and the transactions that made them. */
export type V3MintHistory = { ok: true; positions: RawPosition[]; txs: Hash[]; owners: Address[] } | { ok: false; reason: string };

export async function readMintHistory(client: ChainClient, pool: Address, blockNumber: bigint, signal: AbortSignal, from?: HistoryStart): Promise<V3MintHistory> {
  try {
    const start = from ?? (await historyStart(client, [pool], blockNumber, signal));
    const { logs } = await getLogsPaged(
      client,
      { address: pool, events: [MINT], fromBlock: start.block, toBlock: blockNumber },
      // The whole range first, as the Transfer scan does; the pager cuts what a node refuses.
      { maxBlockRange: blockNumber - start.block + 1n, maxRequests: V3_POSITION_BUDGET.maxRequests, maxLogs: V3_POSITION_BUDGET.maxLogs, signal },
    );
    const byKey = new Map<Hash, RawPosition>();
    const txs = new Set<Hash>();
    for (const log of logs) {
      const { owner, tickLower, tickUpper } = log.args as { owner: Address; tickLower: number; tickUpper: number };
      const key = keccak256(encodePacked(['address', 'int24', 'int24'], [owner, tickLower, tickUpper]));
      if (!byKey.has(key)) byKey.set(key, { owner: getAddress(owner), tickLower, tickUpper, key });
      if (log.transactionHash) txs.add(log.transactionHash);
    }
    const positionList = [...byKey.values()];
    return { ok: true, positions: positionList, txs: [...txs], owners: [...new Set(positionList.map((p) => p.owner))] };
  } catch (err) {
    if (err instanceof LogBudgetExceededError) return { ok: false, reason: `The pool's Mint history could not be read within the budget (${err.requests} getLogs requests, ${err.logs} logs).` };
    if (err instanceof LogBlockTooLargeError) return { ok: false, reason: `The RPC node refuses the pool's Mint logs of block ${err.blockNumber} as too large to return.` };
    throw err;
  }
}

/**
 * Step 5: each raw position's liquidity and owner's code size, which Mint owners are position
 * managers of this pool's factory, and their candidate NFT ids.
 */
export interface V3Candidates {
  positions: readonly RawPosition[];
  liquidity: Map<Hash, bigint>;
  /** Code size of each Mint owner at the block: 0 for an EOA, which owns its raw positions itself. */
  ownerCodeSizes: Map<Address, number>;
  /** Position managers (a Mint owner whose `factory()` is the pool's) with the token ids their IncreaseLiquidity logs named in the Mint transactions. */
  managers: Map<Address, bigint[]>;
  /** Some Mint transactions were past `maxReceipts` (or their receipts pruned). */
  receiptsIncomplete: boolean;
}

export async function readCandidates(client: ChainClient, pool: ProbePool, history: Extract<V3MintHistory, { ok: true }>, blockNumber: bigint): Promise<V3Candidates> {
  const txs = history.txs.slice(0, V3_POSITION_BUDGET.maxReceipts);
  const [liquidities, factories, codes, receipts] = await Promise.all([
    Promise.all(history.positions.map((p) => readOrNull(client, { address: pool.pair, abi: uniswapV3PoolPositionsAbi, functionName: 'positions', args: [p.key], blockNumber }))),
    Promise.all(history.owners.map((o) => readOrNull(client, { address: o, abi: uniswapV3PositionManagerAbi, functionName: 'factory', blockNumber }))),
    Promise.all(history.owners.map((o) => client.getCode({ address: o, blockNumber }))),
    Promise.all(txs.map((hash) => receiptOrNull(client, hash))),
  ]);
  const liquidity = new Map(history.positions.map((p, i) => [p.key, liquidities[i]?.[0] ?? 0n]));
  const ownerCodeSizes = new Map(history.owners.map((o, i) => [o, codes[i] ? (codes[i].length - 2) / 2 : 0]));
  // A manager is trusted as a pool's is, by its factory: it must report the pool's own factory.
  const managerSet = new Set(history.owners.filter((_, i) => factories[i] !== null && getAddress(factories[i]!) === pool.factory));
  const managers = new Map<Address, bigint[]>([...managerSet].map((m) => [m, []]));
  for (const receipt of receipts) {
    for (const log of receipt?.logs ?? []) {
      const emitter = getAddress(log.address);
      if (log.topics[0] !== INCREASE_LIQUIDITY || !managerSet.has(emitter) || !log.topics[1]) continue;
      const ids = managers.get(emitter)!;
      const id = BigInt(log.topics[1]);
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return { positions: history.positions, liquidity, ownerCodeSizes, managers, receiptsIncomplete: txs.length < history.txs.length || receipts.some((r) => r === null) };
}

/** A Mint transaction's receipt; null when the node has pruned it (its NFTs then stay unattributed). */
async function receiptOrNull(client: ChainClient, hash: Hash) {
  try {
    return await client.getTransactionReceipt({ hash });
  } catch (err) {
    if ((err as { name?: string }).name === 'TransactionReceiptNotFoundError') return null;
    throw err;
  }
}

/** An NFT kept for this pool: its manager, id and what the probe read. */
export interface AttributedPosition extends ProbePosition {
  manager: Address;
  tokenId: bigint;
}

/** Step 6: the candidate NFTs through the probe (position, owner, owner's code size, lock), those of this pool kept. */
export async function readPositions(client: ChainClient, pool: ProbePool, candidates: V3Candidates, lockers: readonly LpLocker[], blockNumber: bigint): Promise<AttributedPosition[]> {
  const nftLockers = lockers.filter((l) => l.nftRead === 'isNftLocked').map((l) => l.address);
  const read = await Promise.all(
    [...candidates.managers].map(async ([manager, ids]) => (await positions(client, { manager, tokenIds: ids, lockers: nftLockers, blockNumber })).map((p, i) => ({ ...p, manager, tokenId: ids[i]! }))),
  );
  return read.flat().filter((p) => p.exists && p.token0 === pool.token0 && p.token1 === pool.token1 && p.fee === pool.fee && p.liquidity > 0n);
}

/**
 * NFTs whose liquidity the pool itself backs: per (manager, tickLower, tickUpper) the NFTs' sum must
 * not exceed the pool's raw position of the manager for that range (a real manager's equals it; a
 * contract misreporting positions is caught here and its range left unattributed).
 */
export function backedPositions(nfts: readonly AttributedPosition[], liquidity: ReadonlyMap<Hash, bigint>): AttributedPosition[] {
  const byRange = new Map<Hash, AttributedPosition[]>();
  for (const nft of nfts) {
    const key = keccak256(encodePacked(['address', 'int24', 'int24'], [nft.manager, nft.tickLower, nft.tickUpper]));
    byRange.set(key, [...(byRange.get(key) ?? []), nft]);
  }
  return [...byRange].flatMap(([key, group]) => (group.reduce((sum, n) => sum + n.liquidity, 0n) <= (liquidity.get(key) ?? 0n) ? group : []));
}
