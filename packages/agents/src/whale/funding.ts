import { firstFunders, HistoryUnavailableError, isHistoryUnavailable, LogBudgetExceededError, type AddressHistory, type AddressLabel, type ChainClient, type NativeTransfer } from '@oca/chain';
import type { Address } from 'viem';
import { percentOf } from '../tokens/concentration';
import type { Holder } from './holders';
import type { FunderCluster, WhaleData } from './whale-contract';

/** Largest unlabelled EOA holders whose first funder is looked up. */
export const FUNDING_CANDIDATES = 25;

type Funding = WhaleData['funding'];

/** The blocks the native-transfer scan covers, and how to tell wallets older than its start. */
export interface FundingScope {
  /** The token's creation block (0 on chains short enough to read whole). */
  fromBlock: bigint;
  toBlock: bigint;
  /** The addresses that held ETH or had sent a transaction at `block`. */
  olderWallets: (addresses: readonly Address[], block: bigint) => Promise<ReadonlySet<Address>>;
}

/** `FundingScope.olderWallets` from the node's state: balance and nonce of each address at `block`, one batch. */
export function olderWalletsOn(client: ChainClient): FundingScope['olderWallets'] {
  return async (addresses, block) => {
    const states = await Promise.all(
      addresses.map(async (address) => {
        const [balance, nonce] = await Promise.all([client.getBalance({ address, blockNumber: block }), client.getTransactionCount({ address, blockNumber: block })]);
        return balance > 0n || nonce > 0 ? address : null;
      }),
    );
    return new Set(states.filter((a): a is Address => a !== null));
  };
}

/**
 * Clusters of holders sharing a first funder: the largest unlabelled EOAs (contracts are not
 * funded by a person, pools and exchanges are plumbing) get their first native transfer from
 * `history`; two or more with the same sender form a cluster. A funder the registry labels as an
 * exchange, router, bridge or mixer pays many unrelated wallets, so its cluster is listed but not
 * an insider cluster.
 *
 * The scan covers the token's lifetime (`scope.fromBlock` on): a trace scan from block 0 spans a
 * mainnet-sized history that capped providers cannot serve. A wallet that already held ETH or had
 * sent a transaction before the token existed was first funded earlier; it is counted in
 * `olderWallets` and not looked up, so no funder is claimed for it.
 */
export async function fundingClusters(
  history: AddressHistory,
  holders: readonly Holder[],
  totalSupply: bigint,
  scope: FundingScope,
  labelOf: (a: Address) => AddressLabel | undefined,
  signal?: AbortSignal,
): Promise<Funding & { requests: number }> {
  const eoas = holders.filter((h) => h.kind === 'eoa' && h.label === undefined).slice(0, FUNDING_CANDIDATES);
  const base = { fromBlock: scope.fromBlock.toString() };
  let older: ReadonlySet<Address> = new Set();
  let funders: Map<Address, NativeTransfer | null>;
  let requests = 0;
  try {
    if (scope.fromBlock > 0n) older = await scope.olderWallets(eoas.map((h) => h.address), scope.fromBlock - 1n);
  } catch (err) {
    if (!isHistoryUnavailable(err)) throw err;
    const reason = `Funding data is unavailable: the node has no state at block ${scope.fromBlock - 1n} to tell wallets older than the token (not an archive node).`;
    return { ...base, available: false, source: null, reason, analysed: 0, olderWallets: 0, clusters: [], requests };
  }
  const candidates = eoas.filter((h) => !older.has(h.address));
  try {
    ({ funders, requests } = await firstFunders(history, candidates.map((h) => h.address), scope.toBlock, signal, scope.fromBlock));
  } catch (err) {
    const reason = unavailableReason(err, history.source);
    if (reason === null) throw err;
    return { ...base, available: false, source: null, reason, analysed: 0, olderWallets: 0, clusters: [], requests };
  }
  return {
    ...base,
    available: true,
    source: history.source,
    reason: null,
    analysed: candidates.length,
    olderWallets: older.size,
    clusters: clustersOf(candidates, funders, totalSupply, labelOf),
    requests,
  };
}

/** Why funding is unknown, for the errors that mean so; null for any other error. */
function unavailableReason(err: unknown, source: string): string | null {
  if (err instanceof HistoryUnavailableError) {
    return `Funding data is unavailable: the RPC node does not offer ${source} (Erigon, Reth, Nethermind and anvil do), and no Etherscan-compatible history is configured.`;
  }
  if (err instanceof LogBudgetExceededError) {
    return `Funding data is unavailable: the holders' native transfer history did not fit the read budget (${err.requests} requests, ${err.logs} traces).`;
  }
  return null;
}

/** Groups candidates by first funder; groups of two or more, largest combined balance first. */
export function clustersOf(
  candidates: readonly Holder[],
  funders: ReadonlyMap<Address, NativeTransfer | null>,
  totalSupply: bigint,
  labelOf: (a: Address) => AddressLabel | undefined,
): FunderCluster[] {
  const groups = new Map<Address, { holder: Holder; funding: NativeTransfer }[]>();
  for (const holder of candidates) {
    const funding = funders.get(holder.address);
    if (!funding) continue;
    const group = groups.get(funding.from) ?? [];
    group.push({ holder, funding });
    groups.set(funding.from, group);
  }
  const clusters = [...groups]
    .filter(([, members]) => members.length >= 2)
    .map(([funder, members]): FunderCluster & { combined: bigint } => {
      const combined = members.reduce((sum, m) => sum + m.holder.balance, 0n);
      const label = labelOf(funder);
      return {
        funder,
        funderLabel: label?.name ?? null,
        insider: label === undefined,
        members: members.map(({ holder, funding }) => ({
          address: holder.address,
          balance: holder.balance.toString(),
          percent: percentOf(holder.balance, totalSupply),
          fundedBlock: funding.blockNumber.toString(),
          fundedTx: funding.transactionHash,
          fundedWei: funding.value.toString(),
        })),
        combined,
        combinedBalance: combined.toString(),
        combinedPercent: percentOf(combined, totalSupply),
      };
    });
  clusters.sort((a, b) => (a.combined > b.combined ? -1 : a.combined < b.combined ? 1 : 0));
  return clusters.map(({ combined: _combined, ...cluster }) => cluster);
}
