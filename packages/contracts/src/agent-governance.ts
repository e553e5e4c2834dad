import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `governance`: Tally/Boardroom-style on-chain governance, read from the chain ----

/**
 * Either a governor (everything: proposals, voting power, treasury) or a votes token alone (voting
 * power only: a token does not name its governor, and no on-chain index maps one to the other).
 */
export const GovernanceParams = z.union(
  [
    z.strictObject({
      network: Network,
      /** An OpenZeppelin Governor, a Compound Governor Bravo or a GovernorAlpha. */
      governor: Address,
      /** A Safe (Gnosis Safe) holding part of the DAO's treasury: its owners, threshold and balances are read too. */
      safe: Address.optional(),
    }),
    z.strictObject({
      network: Network,
      /** An ERC20Votes (getVotes) or Compound-style (getCurrentVotes) token. */
      token: Address,
    }),
  ],
  { error: 'params: give network and exactly one of governor or token' },
);
export type GovernanceParams = z.infer<typeof GovernanceParams>;

export const GovernorKind = z.enum(['openzeppelin', 'bravo', 'alpha']);
export type GovernorKind = z.infer<typeof GovernorKind>;

export const ProposalStateName = z.enum(['Pending', 'Active', 'Canceled', 'Defeated', 'Succeeded', 'Queued', 'Expired', 'Executed']);
export type ProposalStateName = z.infer<typeof ProposalStateName>;

/** What an action does that deserves a reviewer's eye. */
export const ActionFlag = z.enum([
  /** upgradeTo / upgradeToAndCall / ProxyAdmin upgrade / changeProxyAdmin */
  'upgrade',
  /** transferOwnership / renounceOwnership */
  'ownership',
  /** grantRole / revokeRole / renounceRole */
  'role',
  /** setPendingAdmin / acceptAdmin / changeAdmin / updateTimelock */
  'admin',
  /** An ERC-20 transfer or native value above LARGE_TRANSFER_SHARE of the treasury's balance of that asset */
  'treasury-transfer',
]);
export type ActionFlag = z.infer<typeof ActionFlag>;

export const ProposalAction = z.object({
  target: Address,
  /** Native value sent, wei, decimal string. */
  value: z.string(),
  /** Alpha/Bravo `signatures[i]`; empty for OpenZeppelin (the selector is in the calldata). */
  signature: z.string(),
  /** The full call data (selector + arguments) as executed. */
  calldata: z.string(),
  /** Decoded call, when the selector is one the agent knows; null otherwise. */
  decoded: z.object({ function: z.string(), args: z.array(z.string()) }).nullable(),
  flags: z.array(ActionFlag),
  /** Why each flag was raised, e.g. "transfers 25 % of the treasury's UNI". */
  notes: z.array(z.string()),
});
export type ProposalAction = z.infer<typeof ProposalAction>;

export const GovernanceProposal = z.object({
  /** Decimal string: OpenZeppelin ids are 256-bit hashes. */
  id: z.string(),
  proposer: Address,
  /** First line of the description, without Markdown heading marks, at most 200 characters. */
  title: z.string(),
  state: ProposalStateName,
  /** Block number (or timestamp for timestamp-clock governors) the votes are counted at. */
  voteStart: z.string(),
  voteEnd: z.string(),
  /** Raw vote weights, decimal strings; abstain is null for GovernorAlpha (it has none). */
  votes: z.object({ for: z.string(), against: z.string(), abstain: z.string().nullable() }),
  /** Addresses that cast a vote (VoteCast logs). */
  voters: z.number().int(),
  /** Votes needed, raw; null when the governor cannot say (see findings). */
  quorum: z.string().nullable(),
  /** Votes that count toward quorum: for + abstain (OpenZeppelin simple counting), for (Alpha, Bravo). */
  quorumVotes: z.string(),
  /** quorumVotes / quorum × 100; null without a quorum. */
  quorumProgressPercent: z.number().nullable(),
  quorumReached: z.boolean().nullable(),
  /** All votes cast / total supply at voteStart × 100; null when that supply is unreadable. */
  participationPercent: z.number().nullable(),
  /** Unix seconds the timelock may execute from; null when not queued. */
  eta: z.number().int().nullable(),
  actions: z.array(ProposalAction),
});
export type GovernanceProposal = z.infer<typeof GovernanceProposal>;

export const GovernanceDelegate = z.object({
  address: Address,
  /** getVotes / getCurrentVotes at the analysed block, raw decimal string. */
  votes: z.string(),
  /** Share of all delegated votes, percent. */
  sharePercent: z.number(),
});
export type GovernanceDelegate = z.infer<typeof GovernanceDelegate>;

export const VotingPower = z.object({
  token: z.object({ address: Address, name: z.string().nullable(), symbol: z.string().nullable(), decimals: z.number().int().nullable(), totalSupply: z.string() }),
  /** Delegates holding votes now (from DelegateVotesChanged logs). */
  delegateCount: z.number().int(),
  /** Sum of every delegate's votes, raw. */
  delegatedVotes: z.string(),
  /** delegatedVotes / totalSupply × 100. */
  delegatedSupplyPercent: z.number(),
  /** Ranked by votes, largest first; at most TOP_DELEGATES. */
  topDelegates: z.array(GovernanceDelegate),
  nakamoto: z.object({
    /** Fewest delegates whose votes together reach the current quorum; null without a quorum or when all of them fall short. */
    quorum: z.number().int().nullable(),
    /** Fewest delegates holding more than half of all delegated votes; null when nothing is delegated. */
    majority: z.number().int().nullable(),
  }),
  /** Block the DelegateVotesChanged scan started at (the token's creation block). */
  scannedFromBlock: z.string(),
});
export type VotingPower = z.infer<typeof VotingPower>;

export const TreasuryAsset = z.object({
  /** null for the native coin. */
  token: Address.nullable(),
  symbol: z.string().nullable(),
  decimals: z.number().int(),
  /** Raw units, decimal string. */
  balance: z.string(),
  priceUsd: z.string().nullable(),
  /** null = no DEX price (listed as unknown, never guessed). */
  valueUsd: z.number().nullable(),
  /** Where the price came from: the pool, "stablecoin" or "native anchor"; null when unpriced. */
  priceSource: z.string().nullable(),
});
export type TreasuryAsset = z.infer<typeof TreasuryAsset>;

export const Treasury = z.object({
  /** The timelock: what executes proposals and holds the DAO's assets. */
  address: Address,
  assets: z.array(TreasuryAsset),
  /** Sum of the priced assets. */
  pricedUsd: z.number(),
  /** Assets held without a USD price. */
  unpricedAssets: z.number().int(),
});
export type Treasury = z.infer<typeof Treasury>;

/** A Safe (Gnosis Safe) holding treasury: who can move it, and what it holds. */
export const SafeTreasury = z.object({
  address: Address,
  /** VERSION(), e.g. "1.4.1". */
  version: z.string(),
  /** getOwners(), in the Safe's order. */
  owners: z.array(Address),
  /** getThreshold(): signatures needed to move anything. */
  threshold: z.number().int(),
  /** Enabled modules (getModulesPaginated, first 50): each can move assets without owner signatures; null when unreadable (Safe < 1.1). */
  modules: z.array(Address).nullable(),
  /** Whether the governor's timelock is one of the owners (governance can act through the Safe). */
  timelockIsOwner: z.boolean().nullable(),
  treasury: Treasury,
});
export type SafeTreasury = z.infer<typeof SafeTreasury>;

export const GovernorInfo = z.object({
  address: Address,
  kind: GovernorKind,
  name: z.string().nullable(),
  /** OpenZeppelin's COUNTING_MODE(), e.g. "support=bravo&quorum=for,abstain". */
  countingMode: z.string().nullable(),
  /** "mode=blocknumber&from=default" or "mode=timestamp"; null before OpenZeppelin 4.9 and for Alpha/Bravo (block numbers). */
  clockMode: z.string().nullable(),
  token: Address,
  timelock: Address.nullable(),
  timelockKind: z.enum(['openzeppelin', 'compound']).nullable(),
  /** Seconds a queued proposal waits: getMinDelay() or delay(). */
  timelockDelay: z.number().int().nullable(),
  /** Whether the timelock obeys this governor: PROPOSER_ROLE (OpenZeppelin) or admin() (Compound). */
  controlsTimelock: z.boolean().nullable(),
  votingDelay: z.string().nullable(),
  votingPeriod: z.string().nullable(),
  proposalThreshold: z.string().nullable(),
  /** Quorum now, raw. */
  quorum: z.string().nullable(),
  /** GovernorAlpha's guardian, where there is one. */
  guardian: Address.nullable(),
  /** Proposals found in ProposalCreated logs. */
  proposalCount: z.number().int(),
  /** Block the governor's log scan started at. */
  scannedFromBlock: z.string(),
});
export type GovernorInfo = z.infer<typeof GovernorInfo>;

export const GovernanceData = z.object({
  /** null when only a token was given. */
  governor: GovernorInfo.nullable(),
  /** Most recent first; at most MAX_PROPOSALS. */
  proposals: z.array(GovernanceProposal),
  votingPower: VotingPower,
  /** null when there is no timelock to read. */
  treasury: Treasury.nullable(),
  /** The Safe named in params.safe; null when none was given. */
  safe: SafeTreasury.nullable(),
});
export type GovernanceData = z.infer<typeof GovernanceData>;

export const GovernanceResult = AgentResultBase.extend({ agent: z.literal('governance'), data: GovernanceData });
export type GovernanceResult = z.infer<typeof GovernanceResult>;
