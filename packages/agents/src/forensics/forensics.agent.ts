import { ExplorerApiError, HistoryUnavailableError, labelOf, LogBudgetExceededError, type AddressActivity, type NativeTransfer, type OutgoingActivity } from '@oca/chain';
import type { Network } from '@oca/contracts';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import type { Agent, AgentContext } from '../types';
import { nativeCounterparties, nftCounterparties, readTokenTransfers, tokenCounterparties, type NftTransferOf, type TokenTransferOf } from './counterparties';
import { deployedContracts } from './deployed';
import { findDepositAddresses } from './deposit-addresses';
import { ForensicsParams, ForensicsResult, type ForensicsData, type FundingHop } from './forensics-contract';
import { flaggedInteractions, forensicsFindings, forensicsSummary, riskOf, walletSignals } from './forensics-report';
import { traceFunding, type FundingTrail } from './funding-trail';

/** What the native history answered, or why it could not. */
type NativeRead =
  | { available: true; source: string; incoming: NativeTransfer[]; outgoing: OutgoingActivity; trail: FundingTrail; deposits: ForensicsData['depositAddresses']; requests: number }
  | { available: false; reason: string };

/**
 * Who is behind a wallet, from the chain at one block:
 *
 * 1. the block, the address's code and nonce;
 * 2. native history (`ChainClients.history`: trace_filter, else an Etherscan-compatible API):
 *    transfers in and out, contracts created, the funding trail back `depth` hops, and the
 *    forwarding check of the addresses it paid (exchange deposit addresses);
 * 3. ERC-20/721 Transfer and ERC-1155 TransferSingle/TransferBatch logs from and to it (the log
 *    pager, from block 0, within a budget);
 * 4. the security agent on the first deployed contracts;
 * 5. labels (`labelOf`: mixers, OFAC entries, exchanges) over the trail and the counterparties,
 *    signals and the risk level.
 *
 * What a source cannot answer the result says (`sources`), never guesses.
 */
export const forensicsAgent: Agent<ForensicsParams, ForensicsResult> = {
  name: 'forensics',
  params: ForensicsParams,
  result: ForensicsResult,

  async run(params: ForensicsParams, ctx: AgentContext): Promise<ForensicsResult> {
    const address = checksummedAddress(params.address, 'address');
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    const label = (a: string) => labelOf(params.network, a);

    // 1. The block, code and nonce.
    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
    const blockNumber = latest.number;
    const [code, nonce] = await abortable(Promise.all([client.getCode({ address, blockNumber }), client.getTransactionCount({ address, blockNumber })]), signal);
    // 2 and 3. Native history and token logs, side by side.
    const [native, tokens] = await abortable(
      Promise.all([readNative(ctx.chain.history(params.network), address, params.depth, blockNumber, params.network, signal), readTokens(ctx, params.network, address, blockNumber)]),
      signal,
    );
    // 4. The deployments and what the security agent says of them.
    const deployed = native.available ? await deployedContracts(params.network, native.outgoing.creations, ctx) : [];
    const hops = native.available ? await withTimestamps(ctx, params.network, native.trail.hops) : [];

    const nativeParties = native.available ? nativeCounterparties(address, native.incoming, native.outgoing.transfers, label) : [];
    const tokenParties = tokens.available ? tokenCounterparties(address, tokens.transfers, label) : [];
    const nftParties = tokens.available ? nftCounterparties(address, tokens.nftTransfers, label) : [];
    const firstFunded = hops[0]?.timestamp ?? null;
    const partial: Omit<ForensicsData, 'risk'> = {
      address,
      kind: code && code !== '0x' ? 'contract' : 'eoa',
      label: label(address)?.name ?? null,
      transactionCount: nonce,
      sources: {
        nativeHistory: native.available ? { available: true, source: native.source, reason: null } : { available: false, source: null, reason: native.reason },
        tokenTransfers: tokens.available ? { available: true, source: 'eth_getLogs', reason: null } : { available: false, source: null, reason: tokens.reason },
      },
      funding: { depth: params.depth, hops, stoppedBecause: native.available ? native.trail.stoppedBecause : null },
      counterparties: { native: nativeParties, tokens: tokenParties, nfts: nftParties },
      deployed,
      flagged: flaggedInteractions(address, hops, nativeParties, [...tokenParties, ...nftParties], label),
      depositAddresses: native.available ? native.deposits : [],
      signals: walletSignals(firstFunded, Number(latest.timestamp), nonce, native.available ? nativeParties.length : null),
    };
    const data: ForensicsData = { ...partial, risk: riskOf(partial) };
    ctx.logger.debug(
      { network: params.network, target: address, blockNumber: blockNumber.toString(), historyRequests: native.available ? native.requests : 0, logRequests: tokens.available ? tokens.requests : 0 },
      'forensics agent read',
    );
    return {
      agent: 'forensics',
      network: params.network,
      target: address,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: forensicsSummary(data),
      findings: forensicsFindings(data),
      data,
    };
  },
};

async function readNative(history: AddressActivity, address: Address, depth: number, toBlock: bigint, network: Network, signal: AbortSignal): Promise<NativeRead> {
  const label = (a: Address) => labelOf(network, a);
  try {
    const incoming = await history.nativeTransfersTo({ to: [address], fromBlock: 0n, toBlock, signal });
    const outgoing = await history.outgoing({ from: address, fromBlock: 0n, toBlock, signal });
    const trail = await traceFunding(history, address, depth, toBlock, label, incoming.transfers[0] ?? null, signal);
    const deposits = await findDepositAddresses(history, address, outgoing.transfers, toBlock, label, signal);
    return {
      available: true,
      source: history.source,
      incoming: incoming.transfers,
      outgoing,
      trail,
      deposits: deposits.deposits,
      requests: incoming.requests + outgoing.requests + trail.requests + deposits.requests,
    };
  } catch (err) {
    const reason = unavailableReason(err);
    if (reason === null) throw err;
    return { available: false, reason };
  }
}

async function readTokens(ctx: AgentContext, network: Network, address: Address, toBlock: bigint): Promise<{ available: true; transfers: TokenTransferOf[]; nftTransfers: NftTransferOf[]; requests: number } | { available: false; reason: string }> {
  try {
    return { available: true, ...(await readTokenTransfers(ctx.chain.get(network), address, toBlock, ctx.signal)) };
  } catch (err) {
    if (!(err instanceof LogBudgetExceededError)) throw err;
    return { available: false, reason: `Token transfers are unavailable: the address's Transfer logs did not fit the read budget (${err.requests} requests, ${err.logs} logs).` };
  }
}

/** Why native history is unknown, for the errors that mean so; null for any other error. */
function unavailableReason(err: unknown): string | null {
  if (err instanceof HistoryUnavailableError) return `Funding data is unavailable: ${err.message}.`;
  if (err instanceof LogBudgetExceededError) return `Funding data is unavailable: the native transfer history did not fit the read budget (${err.requests} requests).`;
  if (err instanceof ExplorerApiError) return `Funding data is unavailable: ${err.message}.`;
  return null;
}

/** Each hop with its block's timestamp (one batch of getBlock). */
async function withTimestamps(ctx: AgentContext, network: Network, hops: FundingTrail['hops']): Promise<FundingHop[]> {
  const client = ctx.chain.get(network);
  const blocks = await abortable(Promise.all(hops.map((h) => client.getBlock({ blockNumber: BigInt(h.blockNumber) }))), ctx.signal);
  return hops.map((h, i) => ({ ...h, timestamp: Number(blocks[i]!.timestamp) }));
}
