import type { ChainClient, DexDeployment } from '@oca/chain';
import type { NftHolding } from '@oca/contracts';
import { getAddress, parseAbi, type Address } from 'viem';
import { readOrNull } from '../dex';
import type { WalletTransfer } from './wallet-history';

const nftAbi = parseAbi([
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function balanceOfBatch(address[] accounts, uint256[] ids) view returns (uint256[])',
  'function balanceOf(address account, uint256 id) view returns (uint256)',
  'function name() view returns (string)',
  'function symbol() view returns (string)',
]);

/**
 * Token ids confirmed on chain per analysis (one `ownerOf` each for ERC-721, one slot of a
 * collection's `balanceOfBatch` for ERC-1155); past it the newest arrivals are read first and
 * `nftScan` says how many were left.
 */
export const NFT_IDS_READ = 500;

export const NFT_VALUE_NOTE = 'Unpriced: no NFT price source is read (floor prices and sales are the nft agent’s), so the value is unknown and left out of the total.';

/** The NFTs the wallet holds at the block, and how many candidate ids the reads covered. */
export interface NftHoldings {
  nfts: NftHolding[];
  candidates: number;
  checked: number;
}

/**
 * NFTs the history shows arriving at the wallet, confirmed at the block: ERC-721 ids whose
 * `ownerOf` is the wallet (tokens of listed V3 position managers are left to the position reading),
 * ERC-1155 ids with a positive `balanceOfBatch` (one call per collection; per-id `balanceOf` when
 * the batch call fails). Balances replayed from logs are never trusted alone: a transfer outside the
 * read history, or a contract that moves tokens without logging, would make them wrong.
 */
export async function readNftHoldings(client: ChainClient, deployment: DexDeployment, wallet: Address, transfers: readonly WalletTransfer[], blockNumber: bigint): Promise<NftHoldings> {
  const managers = new Set(deployment.v3Factories.flatMap((f) => (f.positionManager ? [f.positionManager.toLowerCase()] : [])));
  // Newest arrival last in `transfers`: walk backwards so the cap keeps the newest.
  const wanted = new Map<string, { standard: 'erc721' | 'erc1155'; collection: Address; tokenId: bigint }>();
  for (const t of [...transfers].reverse()) {
    if ((t.kind !== 'erc721' && t.kind !== 'erc1155') || t.to !== wallet || t.tokenId === null) continue;
    if (t.kind === 'erc721' && managers.has(t.contract.toLowerCase())) continue;
    wanted.set(`${t.kind}:${t.contract}:${t.tokenId}`, { standard: t.kind, collection: t.contract, tokenId: t.tokenId });
  }
  const read = [...wanted.values()].slice(0, NFT_IDS_READ);
  const byCollection = new Map<string, { standard: 'erc721' | 'erc1155'; collection: Address; ids: bigint[] }>();
  for (const c of read) {
    const key = `${c.standard}:${c.collection}`;
    (byCollection.get(key) ?? byCollection.set(key, { standard: c.standard, collection: c.collection, ids: [] }).get(key)!).ids.push(c.tokenId);
  }
  const nfts = await Promise.all(
    [...byCollection.values()].map(async ({ standard, collection, ids }): Promise<NftHolding | null> => {
      ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const [amounts, name, symbol] = await Promise.all([
        standard === 'erc721' ? ownedOnes(client, collection, wallet, ids, blockNumber) : balances1155(client, collection, wallet, ids, blockNumber),
        readOrNull(client, { address: collection, abi: nftAbi, functionName: 'name', blockNumber }),
        readOrNull(client, { address: collection, abi: nftAbi, functionName: 'symbol', blockNumber }),
      ]);
      const tokens = ids.map((id, i) => ({ tokenId: id.toString(), amount: amounts[i]!.toString() })).filter((t) => t.amount !== '0');
      if (tokens.length === 0) return null;
      return { standard, collection: getAddress(collection), name, symbol, tokens, valueUsd: null, valueNote: NFT_VALUE_NOTE };
    }),
  );
  return {
    nfts: nfts.filter((n): n is NftHolding => n !== null).sort((a, b) => b.tokens.length - a.tokens.length || a.collection.localeCompare(b.collection) || a.standard.localeCompare(b.standard)),
    candidates: wanted.size,
    checked: read.length,
  };
}

/** 1 where `ownerOf(id)` is the wallet at the block, else 0 (burnt and reverting ids included). */
async function ownedOnes(client: ChainClient, collection: Address, wallet: Address, ids: readonly bigint[], blockNumber: bigint): Promise<bigint[]> {
  const owners = await Promise.all(ids.map((id) => readOrNull(client, { address: collection, abi: nftAbi, functionName: 'ownerOf', args: [id], blockNumber })));
  return owners.map((o) => (o !== null && getAddress(o) === wallet ? 1n : 0n));
}

/** The wallet's units of each id: one `balanceOfBatch`, or `balanceOf` per id when the batch call fails or answers the wrong length. */
async function balances1155(client: ChainClient, collection: Address, wallet: Address, ids: readonly bigint[], blockNumber: bigint): Promise<bigint[]> {
  const batch = await readOrNull(client, { address: collection, abi: nftAbi, functionName: 'balanceOfBatch', args: [ids.map(() => wallet), ids], blockNumber });
  if (batch !== null && batch.length === ids.length) return [...batch];
  const one = await Promise.all(ids.map((id) => readOrNull(client, { address: collection, abi: nftAbi, functionName: 'balanceOf', args: [wallet, id], blockNumber })));
  return one.map((b) => b ?? 0n);
}
