import type { ChainClient } from '@oca/chain';
import { ProposalStateName, type GovernorKind } from '@oca/contracts';
import { getAddress, type Address, type Hex } from 'viem';
import { readOrNull } from '../dex';
import { PermanentAgentError } from '../errors';
import { ALPHA_VOTE_CAST, alphaGovernorAbi, bravoGovernorAbi, ozGovernorAbi, PROPOSAL_CREATED, VOTE_CAST, VOTE_CAST_WITH_PARAMS, votesTokenAbi } from './governance-abis';
import { scanEvents } from './log-history';
import type { RawAction } from './proposal-actions';

/** Proposals detailed in a result, most recent first; the rest are counted. */
export const MAX_PROPOSALS = 25;
const TITLE_LENGTH = 200;

/** A proposal as read at the pinned block, before its actions are judged against the treasury. */
export interface ProposalFacts {
  id: bigint;
  proposer: Address;
  title: string;
  createdBlock: bigint;
  state: ProposalStateName;
  voteStart: bigint;
  voteEnd: bigint;
  votes: { for: bigint; against: bigint; abstain: bigint | null };
  voters: number;
  quorum: bigint | null;
  quorumVotes: bigint;
  /** Total supply at voteStart; null when it cannot be read (not reached yet, pruned history). */
  supplyAtStart: bigint | null;
  eta: bigint | null;
  actions: RawAction[];
}

/** What the proposal reader needs to know about the governor. */
export interface GovernorForProposals {
  address: Address;
  kind: GovernorKind;
  token: Address;
  /** OpenZeppelin's COUNTING_MODE() ('' for Compound's Alpha/Bravo; set on OpenZeppelin's Bravo compatibility): says whether abstain counts toward quorum. */
  countingMode: string;
  /** Alpha/Bravo: quorumVotes() at the analysed block (a constant on Compound's own contracts). */
  quorumVotes: bigint | null;
}

export interface ProposalScan {
  proposals: ProposalFacts[];
  /** Every proposal found in the logs. */
  total: number;
  logRequests: number;
}

/**
 * Proposals from the governor's `ProposalCreated` logs (targets, values, signatures, calldatas and
 * description come from the event), voters from its `VoteCast` logs, then state, votes, quorum,
 * eta and the supply at each vote's start read at the pinned block in one batch.
 */
export async function readProposals(
  client: ChainClient,
  governor: GovernorForProposals,
  range: { fromBlock: bigint; toBlock: bigint; clock: bigint },
  signal: AbortSignal,
): Promise<ProposalScan> {
  const scan = await scanEvents(
    client,
    { address: governor.address, events: [PROPOSAL_CREATED, VOTE_CAST, VOTE_CAST_WITH_PARAMS, ALPHA_VOTE_CAST], fromBlock: range.fromBlock, toBlock: range.toBlock },
    signal,
  );
  const voters = new Map<bigint, Set<string>>();
  const created: { id: bigint; proposer: Address; block: bigint; voteStart: bigint; description: string; actions: RawAction[] }[] = [];
  for (const log of scan.logs) {
    if (log.eventName === 'ProposalCreated') {
      const a = log.args;
      created.push({
        id: a.proposalId,
        proposer: getAddress(a.proposer),
        block: log.blockNumber,
        voteStart: a.voteStart,
        description: a.description,
        actions: a.targets.map((target, i) => ({ target: getAddress(target), value: a.values[i] ?? 0n, signature: a.signatures[i] ?? '', calldata: (a.calldatas[i] ?? '0x') as Hex })),
      });
    } else {
      const set = voters.get(log.args.proposalId) ?? new Set<string>();
      set.add(log.args.voter.toLowerCase());
      voters.set(log.args.proposalId, set);
    }
  }
  const recent = created.reverse().slice(0, MAX_PROPOSALS);
  const proposals = await Promise.all(
    recent.map(async (p) => {
      const reads = governor.kind === 'openzeppelin' ? await readOzProposal(client, governor, p, range) : await readCompoundProposal(client, governor, p, range.toBlock);
      return { id: p.id, proposer: p.proposer, title: titleOf(p.description), createdBlock: p.block, voters: voters.get(p.id)?.size ?? 0, actions: p.actions, ...reads };
    }),
  );
  return { proposals, total: created.length, logRequests: scan.requests };
}

type ProposalReads = Pick<ProposalFacts, 'state' | 'voteStart' | 'voteEnd' | 'votes' | 'quorum' | 'quorumVotes' | 'supplyAtStart' | 'eta'>;

async function readOzProposal(
  client: ChainClient,
  governor: GovernorForProposals,
  p: { id: bigint; voteStart: bigint },
  range: { toBlock: bigint; clock: bigint },
): Promise<ProposalReads> {
  const read = <F extends 'state' | 'proposalDeadline' | 'proposalEta' | 'proposalVotes' | 'proposalSnapshot'>(functionName: F) =>
    readOrNull(client, { address: governor.address, abi: ozGovernorAbi, functionName, args: [p.id], blockNumber: range.toBlock });
  // Quorum and supply are checkpointed: only a snapshot in the past can be asked for.
  const past = p.voteStart < range.clock;
  const [state, snapshot, deadline, eta, votes, quorum, supply] = await Promise.all([
    read('state'),
    read('proposalSnapshot'),
    read('proposalDeadline'),
    read('proposalEta'),
    read('proposalVotes'),
    past ? readOrNull(client, { address: governor.address, abi: ozGovernorAbi, functionName: 'quorum', args: [p.voteStart], blockNumber: range.toBlock }) : null,
    past ? readOrNull(client, { address: governor.token, abi: votesTokenAbi, functionName: 'getPastTotalSupply', args: [p.voteStart], blockNumber: range.toBlock }) : null,
  ]);
  const [against, forVotes, abstain] = must(votes, 'proposalVotes', p.id);
  // "quorum=for,abstain" (simple counting) or "quorum=for" / "quorum=bravo" (Bravo compatibility).
  const abstainCounts = /quorum=[^&]*abstain/.test(governor.countingMode);
  return {
    state: stateName(state),
    voteStart: must(snapshot, 'proposalSnapshot', p.id),
    voteEnd: must(deadline, 'proposalDeadline', p.id),
    votes: { for: forVotes, against, abstain },
    quorum,
    quorumVotes: abstainCounts ? forVotes + abstain : forVotes,
    supplyAtStart: supply,
    // proposalEta is 0 until queued, and absent on governors without a timelock extension.
    eta: eta || null,
  };
}

async function readCompoundProposal(client: ChainClient, governor: GovernorForProposals, p: { id: bigint; voteStart: bigint }, blockNumber: bigint): Promise<ProposalReads> {
  const bravo = governor.kind === 'bravo';
  const past = p.voteStart < blockNumber;
  // On OpenZeppelin's Bravo compatibility (it answers COUNTING_MODE) quorumVotes() is today's quorum;
  // the proposal's own is quorum(startBlock), which moves with the past supply.
  const ozQuorum = governor.countingMode !== '' && past;
  const [state, stored, supply, quorum] = await Promise.all([
    readOrNull(client, { address: governor.address, abi: alphaGovernorAbi, functionName: 'state', args: [p.id], blockNumber }),
    // Bravo's proposals() has abstainVotes before canceled/executed: words 0-6 mean the same in both.
    readOrNull(client, { address: governor.address, abi: bravo ? bravoGovernorAbi : alphaGovernorAbi, functionName: 'proposals', args: [p.id], blockNumber } as never) as Promise<
      readonly [bigint, Address, bigint, bigint, bigint, bigint, bigint, bigint | boolean, ...unknown[]] | null
    >,
    // Votes count at startBlock (getPriorVotes): the supply is the one after that block.
    past ? readOrNull(client, { address: governor.token, abi: votesTokenAbi, functionName: 'totalSupply', blockNumber: p.voteStart }) : null,
    ozQuorum ? readOrNull(client, { address: governor.address, abi: ozGovernorAbi, functionName: 'quorum', args: [p.voteStart], blockNumber }) : null,
  ]);
  const [, , eta, startBlock, endBlock, forVotes, against, abstain] = must(stored, 'proposals', p.id);
  return {
    state: stateName(state),
    voteStart: startBlock,
    voteEnd: endBlock,
    votes: { for: forVotes, against, abstain: bravo ? (abstain as bigint) : null },
    quorum: governor.countingMode === '' ? governor.quorumVotes : quorum,
    quorumVotes: forVotes,
    supplyAtStart: supply,
    eta: eta || null,
  };
}

/** A read every proposal of this governor kind answers; failing it means the governor is not what it looked like. */
function must<T>(value: T | null, what: string, id: bigint): T {
  if (value === null) throw new PermanentAgentError('agent_error', `governor did not answer ${what}(${id}) for a proposal it logged; its counting or storage is not one the agent reads`);
  return value;
}

/** The state enum shared by OpenZeppelin, Bravo and Alpha (same order in all three). */
export function stateName(state: number | null): ProposalStateName {
  const name = state === null ? undefined : ProposalStateName.options[state];
  if (!name) throw new Error(`governor answered an unknown proposal state: ${String(state)}`);
  return name;
}

/** The description's first non-empty line without Markdown heading marks, cut to TITLE_LENGTH. */
export function titleOf(description: string): string {
  const line = description.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^\s*#+\s*/, '').trim().slice(0, TITLE_LENGTH);
}
