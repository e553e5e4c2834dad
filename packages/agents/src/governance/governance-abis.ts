import { parseAbi, parseAbiItem } from 'viem';

// The functions and events the governance agent reads. OpenZeppelin kept Compound's
// ProposalCreated and (Bravo's) VoteCast signatures, so one event definition serves all three.

/** OpenZeppelin Governor 4.x/5.x with simple counting and a timelock extension. */
export const ozGovernorAbi = parseAbi([
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'function COUNTING_MODE() view returns (string)',
  'function CLOCK_MODE() view returns (string)',
  'function clock() view returns (uint48)',
  'function name() view returns (string)',
  'function token() view returns (address)',
  'function timelock() view returns (address)',
  'function votingDelay() view returns (uint256)',
  'function votingPeriod() view returns (uint256)',
  'function proposalThreshold() view returns (uint256)',
  'function quorum(uint256 timepoint) view returns (uint256)',
  'function state(uint256 proposalId) view returns (uint8)',
  'function proposalSnapshot(uint256 proposalId) view returns (uint256)',
  'function proposalDeadline(uint256 proposalId) view returns (uint256)',
  'function proposalEta(uint256 proposalId) view returns (uint256)',
  'function proposalVotes(uint256 proposalId) view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)',
]);

/** Compound GovernorAlpha (and Uniswap's copy, which names its token `uni`). */
export const alphaGovernorAbi = parseAbi([
  'function quorumVotes() view returns (uint256)',
  'function proposalCount() view returns (uint256)',
  'function guardian() view returns (address)',
  'function comp() view returns (address)',
  'function uni() view returns (address)',
  'function state(uint256 proposalId) view returns (uint8)',
  'function proposals(uint256 proposalId) view returns (uint256 id, address proposer, uint256 eta, uint256 startBlock, uint256 endBlock, uint256 forVotes, uint256 againstVotes, bool canceled, bool executed)',
]);

/** Compound Governor Bravo: GovernorAlpha's functions, an abstain count and an admin. */
export const bravoGovernorAbi = parseAbi([
  'function admin() view returns (address)',
  'function proposals(uint256 proposalId) view returns (uint256 id, address proposer, uint256 eta, uint256 startBlock, uint256 endBlock, uint256 forVotes, uint256 againstVotes, uint256 abstainVotes, bool canceled, bool executed)',
]);

/** Votes tokens: ERC20Votes/ERC-5805 (`getVotes`) or Compound-style (`getCurrentVotes`). */
export const votesTokenAbi = parseAbi([
  'function getVotes(address account) view returns (uint256)',
  'function getCurrentVotes(address account) view returns (uint96)',
  'function getPastTotalSupply(uint256 timepoint) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
]);

/** OpenZeppelin TimelockController and Compound's Timelock. */
export const timelockAbi = parseAbi([
  'function getMinDelay() view returns (uint256)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function delay() view returns (uint256)',
  'function admin() view returns (address)',
]);

export const PROPOSAL_CREATED = parseAbiItem(
  'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)',
);
/** OpenZeppelin and Bravo. */
export const VOTE_CAST = parseAbiItem('event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)');
/** OpenZeppelin, when a vote carries params. */
export const VOTE_CAST_WITH_PARAMS = parseAbiItem('event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)');
/** GovernorAlpha: a bool for support, nothing indexed. */
export const ALPHA_VOTE_CAST = parseAbiItem('event VoteCast(address voter, uint256 proposalId, bool support, uint256 votes)');
export const DELEGATE_VOTES_CHANGED = parseAbiItem('event DelegateVotesChanged(address indexed delegate, uint256 previousBalance, uint256 newBalance)');
export const ERC20_TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');

/** Safe (Gnosis Safe) 1.x: who signs, how many signatures, and the modules that need none. */
export const safeAbi = parseAbi([
  'function VERSION() view returns (string)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'function getModulesPaginated(address start, uint256 pageSize) view returns (address[] array, address next)',
]);
