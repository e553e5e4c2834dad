import { DEX_DEPLOYMENTS, type ChainClient } from '@oca/chain';
import { GovernanceParams, GovernanceResult, type GovernanceData, type GovernanceProposal, type GovernorInfo, type SafeTreasury, type Treasury, type VotingPower } from '@oca/contracts';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { readTokenMeta } from '../dex';
import { PermanentAgentError } from '../errors';
import type { Agent, AgentContext } from '../types';
import { governanceFindings, governanceSummary } from './governance-report';
import { readGovernorDetails, type GovernorDetails } from './governor-info';
import { identifyGovernor, probeGovernor, probeVotesStyle, type GovernorIdentity, type GovernorProbe } from './governor-detect';
import { historyStart } from './log-history';
import { describeAction, type TreasuryHoldings } from './proposal-actions';
import { readProposals, type ProposalFacts, type ProposalScan } from './proposals';
import { holdingsOf, readTreasuryBalances, valueTreasury } from './treasury';
import { readSafe, type SafeFacts } from './safe';
import { nakamotoCoefficient, percentOf, readDelegates, topDelegates, type DelegateVotes } from './voting-power';

/** The governor as identified in the first round trips. */
interface Identified {
  address: Address;
  probe: GovernorProbe;
  identity: GovernorIdentity;
}

/**
 * Tally/Boardroom-style governance figures from the chain at one block: which governor it is
 * (OpenZeppelin, Bravo, Alpha), its proposals with state, votes, quorum progress, eta and decoded
 * actions, the delegates' voting power and its concentration, and the timelock's treasury in USD
 * (and a Safe's, with its owners and threshold, when one is named).
 *
 * Round trips: latest block; governor probes (1); the token's votes style (1); then side by side
 * the governor's quorum and timelock (1), and for each of token, governor and timelock its
 * creation block (on chains past 1,000 blocks) and log scan; then per-proposal reads, delegate
 * votes and treasury balances (1); prices (2). A Safe given in params is probed beside the token
 * (VERSION, owners, threshold, modules) and scanned and priced beside the timelock.
 */
export const governanceAgent: Agent<GovernanceParams, GovernanceResult> = {
  name: 'governance',
  params: GovernanceParams,
  result: GovernanceResult,

  async run(params: GovernanceParams, ctx: AgentContext): Promise<GovernanceResult> {
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
    const blockNumber = latest.number;
    const block = { number: blockNumber, timestamp: latest.timestamp };

    const governor = 'governor' in params ? await abortable(identify(client, checksummedAddress(params.governor, 'governor'), blockNumber), signal) : null;
    const token = governor ? governor.identity.token : checksummedAddress((params as { token: string }).token, 'token');
    const safeAddress = 'governor' in params && params.safe ? checksummedAddress(params.safe, 'safe') : null;
    const [style, safe] = await abortable(Promise.all([probeVotesStyle(client, token, blockNumber), safeAddress ? readSafe(client, safeAddress, blockNumber) : null]), signal);
    if (safeAddress && safe === null) {
      throw new PermanentAgentError('invalid_params', `safe: ${safeAddress} is not a Safe (VERSION, getOwners and a non-zero getThreshold do not all answer)`, 'safe');
    }
    if (style === null) {
      throw new PermanentAgentError('invalid_params', `${governor ? 'governor token' : 'token'}: ${token} answers neither getVotes nor getCurrentVotes`, governor ? 'governor' : 'token');
    }
    const timelock = governor?.probe.timelock ?? null;

    const [details, meta, delegates, proposals, balances, safeBalances] = await abortable(
      Promise.all([
        governor ? readGovernorDetails(client, governor.address, governor.identity, governor.probe, block) : Promise.resolve(null),
        readTokenMeta(client, token, blockNumber),
        scanFrom(client, token, blockNumber, signal, (fromBlock) => readDelegates(client, token, style, { fromBlock, toBlock: blockNumber }, signal)),
        governor ? scanFrom(client, governor.address, blockNumber, signal, (fromBlock) => proposalScan(client, governor, fromBlock, block, signal)) : Promise.resolve(null),
        timelock ? scanFrom(client, timelock, blockNumber, signal, (fromBlock) => readTreasuryBalances(client, timelock, [token], { fromBlock, toBlock: blockNumber }, signal)) : Promise.resolve(null),
        safe ? scanFrom(client, safe.address, blockNumber, signal, (fromBlock) => readTreasuryBalances(client, safe.address, [token], { fromBlock, toBlock: blockNumber }, signal)) : Promise.resolve(null),
      ]),
      signal,
    );
    if (meta.totalSupply === null) throw new PermanentAgentError('invalid_params', `token: ${token} answers no totalSupply()`, governor ? 'governor' : 'token');

    const nativeSymbol = client.chain.nativeCurrency.symbol;
    const value = (held: { result: Parameters<typeof valueTreasury>[2] } | null) =>
      held ? valueTreasury(client, DEX_DEPLOYMENTS[params.network], held.result, client.chain.nativeCurrency, blockNumber) : Promise.resolve(null);
    const [treasury, safeTreasury] = await abortable(Promise.all([value(balances), value(safeBalances)]), signal);
    const holdings = holdingsOf(balances?.result ?? null, nativeSymbol);
    const votingPower = votingPowerOf(meta, delegates.result, delegates.fromBlock, details?.quorum ?? null);
    const data: GovernanceData = {
      governor: governor && details && proposals ? governorInfo(governor, details, proposals) : null,
      proposals: proposals ? proposals.result.proposals.map((p) => proposalView(p, holdings)) : [],
      votingPower,
      treasury,
      safe: safe && safeTreasury ? safeView(safe, timelock, safeTreasury) : null,
    };
    const facts = {
      data,
      blockTimestamp: Number(latest.timestamp),
      proposalTotal: proposals?.result.total ?? 0,
      delegatesFromLogsOnly: delegates.result.fromLogsOnly,
      nativeSymbol,
    };
    ctx.logger.debug({ network: params.network, governor: governor?.address, token, blockNumber: blockNumber.toString(), proposals: facts.proposalTotal }, 'governance agent read');
    return {
      agent: 'governance',
      network: params.network,
      target: governor?.address ?? token,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: governanceSummary(facts),
      findings: governanceFindings(facts),
      data,
    };
  },
};

async function identify(client: ChainClient, address: Address, blockNumber: bigint): Promise<Identified> {
  const probe = await probeGovernor(client, address, blockNumber);
  const identity = identifyGovernor(probe);
  if (!identity) {
    throw new PermanentAgentError(
      'invalid_params',
      `governor: ${address} is not an OpenZeppelin Governor (COUNTING_MODE, ERC-165, token), a Governor Bravo or a GovernorAlpha (quorumVotes, proposalCount, proposals, token getter)`,
      'governor',
    );
  }
  return { address, probe, identity };
}

/** Runs `scan` from the contract's history start; both are reported. */
async function scanFrom<T>(client: ChainClient, contract: Address, toBlock: bigint, signal: AbortSignal, scan: (fromBlock: bigint) => Promise<T>): Promise<{ fromBlock: bigint; result: T }> {
  const fromBlock = await historyStart(client, contract, toBlock, signal);
  return { fromBlock, result: await scan(fromBlock) };
}

/** Proposals read against the clock the governor counts in (OpenZeppelin governors may use timestamps). */
async function proposalScan(client: ChainClient, governor: Identified, fromBlock: bigint, block: { number: bigint; timestamp: bigint }, signal: AbortSignal): Promise<ProposalScan> {
  const { probe, identity } = governor;
  const clock = probe.clockMode?.includes('mode=timestamp') ? block.timestamp : block.number;
  return readProposals(
    client,
    { address: governor.address, kind: identity.kind, token: identity.token, countingMode: probe.countingMode ?? '', quorumVotes: probe.quorumVotes },
    { fromBlock, toBlock: block.number, clock },
    signal,
  );
}

function governorInfo(governor: Identified, details: GovernorDetails, proposals: { fromBlock: bigint; result: ProposalScan }): GovernorInfo {
  const { probe, identity } = governor;
  const timelock = details.timelock;
  return {
    address: governor.address,
    kind: identity.kind,
    name: probe.name,
    countingMode: probe.countingMode,
    clockMode: probe.clockMode,
    token: identity.token,
    timelock: probe.timelock,
    timelockKind: timelock?.kind ?? null,
    timelockDelay: bigintToNumber(timelock?.delay),
    controlsTimelock: timelock?.controlled ?? null,
    votingDelay: probe.votingDelay?.toString() ?? null,
    votingPeriod: probe.votingPeriod?.toString() ?? null,
    proposalThreshold: probe.proposalThreshold?.toString() ?? null,
    quorum: details.quorum?.toString() ?? null,
    guardian: probe.guardian,
    proposalCount: proposals.result.total,
    scannedFromBlock: proposals.fromBlock.toString(),
  };
}

function safeView(safe: SafeFacts, timelock: Address | null, treasury: Treasury): SafeTreasury {
  return {
    address: safe.address,
    version: safe.version,
    owners: safe.owners,
    threshold: safe.threshold,
    modules: safe.modules,
    timelockIsOwner: timelock === null ? null : safe.owners.includes(timelock),
    treasury,
  };
}

function bigintToNumber(value: bigint | null | undefined): number | null {
  return typeof value === 'bigint' ? Number(value) : null;
}

function votingPowerOf(meta: { address: Address; name: string | null; symbol: string | null; decimals: number | null; totalSupply: bigint | null }, delegates: DelegateVotes, fromBlock: bigint, quorum: bigint | null): VotingPower {
  const totalSupply = meta.totalSupply ?? 0n;
  const votes = delegates.delegates.map((d) => d.votes);
  const delegated = votes.reduce((sum, v) => sum + v, 0n);
  return {
    token: { address: meta.address, name: meta.name, symbol: meta.symbol, decimals: meta.decimals, totalSupply: totalSupply.toString() },
    delegateCount: delegates.delegates.length,
    delegatedVotes: delegated.toString(),
    delegatedSupplyPercent: percentOf(delegated, totalSupply),
    topDelegates: topDelegates(delegates.delegates, delegated),
    nakamoto: {
      quorum: quorum === null ? null : nakamotoCoefficient(votes, quorum),
      majority: delegated === 0n ? null : nakamotoCoefficient(votes, delegated / 2n, true),
    },
    scannedFromBlock: fromBlock.toString(),
  };
}

function proposalView(p: ProposalFacts, holdings: TreasuryHoldings): GovernanceProposal {
  const cast = p.votes.for + p.votes.against + (p.votes.abstain ?? 0n);
  return {
    id: p.id.toString(),
    proposer: p.proposer,
    title: p.title,
    state: p.state,
    voteStart: p.voteStart.toString(),
    voteEnd: p.voteEnd.toString(),
    votes: { for: p.votes.for.toString(), against: p.votes.against.toString(), abstain: p.votes.abstain?.toString() ?? null },
    voters: p.voters,
    quorum: p.quorum?.toString() ?? null,
    quorumVotes: p.quorumVotes.toString(),
    quorumProgressPercent: p.quorum === null || p.quorum === 0n ? null : percentOf(p.quorumVotes, p.quorum),
    quorumReached: p.quorum === null ? null : p.quorumVotes >= p.quorum,
    participationPercent: p.supplyAtStart === null || p.supplyAtStart === 0n ? null : percentOf(cast, p.supplyAtStart),
    eta: p.eta === null ? null : Number(p.eta),
    actions: p.actions.map((a) => describeAction(a, holdings)),
  };
}
