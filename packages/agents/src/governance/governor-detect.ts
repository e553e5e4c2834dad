import type { ChainClient } from '@oca/chain';
import type { GovernorKind } from '@oca/contracts';
import { encodeFunctionData, getAddress, size, zeroAddress, type Address, type Hex } from 'viem';
import { probeCall, readOrNull } from '../dex';
import { alphaGovernorAbi, ozGovernorAbi, votesTokenAbi } from './governance-abis';

/** ERC-165's own interface id: every OpenZeppelin Governor answers true. */
const ERC165_ID = '0x01ffc9a7';
/** `proposals(uint256)` answers nine words on GovernorAlpha, ten on Bravo (its abstain count). */
const ALPHA_PROPOSAL_BYTES = 9 * 32;
const BRAVO_PROPOSAL_BYTES = 10 * 32;

/** What a governor address answered to the probes, all at one block. */
export interface GovernorProbe {
  erc165: boolean | null;
  countingMode: string | null;
  clockMode: string | null;
  name: string | null;
  token: Address | null;
  timelock: Address | null;
  votingDelay: bigint | null;
  votingPeriod: bigint | null;
  proposalThreshold: bigint | null;
  quorumVotes: bigint | null;
  proposalCount: bigint | null;
  guardian: Address | null;
  /** Alpha/Bravo token getters: Compound's `comp()`, Uniswap's `uni()`. */
  comp: Address | null;
  uni: Address | null;
  /** Bytes `proposals(0)` returned; null when it reverted or is absent. */
  proposalBytes: number | null;
}

/** The recognised governor and what identified it. */
export interface GovernorIdentity {
  kind: GovernorKind;
  token: Address;
  evidence: string;
}

/** Every probe in one batch (one Multicall3 where the chain has it). */
export async function probeGovernor(client: ChainClient, governor: Address, blockNumber: bigint): Promise<GovernorProbe> {
  const oz = <F extends Parameters<typeof readOz>[3]>(fn: F, args?: readonly unknown[]) => readOz(client, governor, blockNumber, fn, args);
  const alpha = <F extends Parameters<typeof readAlpha>[3]>(fn: F) => readAlpha(client, governor, blockNumber, fn);
  const proposalsData = encodeFunctionData({ abi: alphaGovernorAbi, functionName: 'proposals', args: [0n] });
  const [erc165, countingMode, clockMode, name, token, timelock, votingDelay, votingPeriod, proposalThreshold, quorumVotes, proposalCount, guardian, comp, uni, proposals] =
    await Promise.all([
      oz('supportsInterface', [ERC165_ID]),
      oz('COUNTING_MODE'),
      oz('CLOCK_MODE'),
      oz('name'),
      oz('token'),
      oz('timelock'),
      oz('votingDelay'),
      oz('votingPeriod'),
      oz('proposalThreshold'),
      alpha('quorumVotes'),
      alpha('proposalCount'),
      alpha('guardian'),
      alpha('comp'),
      alpha('uni'),
      probeCall(client, governor, proposalsData, blockNumber),
    ]);
  return {
    erc165: erc165 as boolean | null,
    countingMode: countingMode as string | null,
    clockMode: clockMode as string | null,
    name: name as string | null,
    token: nonZero(token as Address | null),
    timelock: nonZero(timelock as Address | null),
    votingDelay: votingDelay as bigint | null,
    votingPeriod: votingPeriod as bigint | null,
    proposalThreshold: proposalThreshold as bigint | null,
    quorumVotes: quorumVotes as bigint | null,
    proposalCount: proposalCount as bigint | null,
    guardian: nonZero(guardian as Address | null),
    comp: nonZero(comp as Address | null),
    uni: nonZero(uni as Address | null),
    proposalBytes: proposals === null || proposals === '0x' ? null : size(proposals as Hex),
  };
}

function readOz(client: ChainClient, address: Address, blockNumber: bigint, functionName: (typeof ozGovernorAbi)[number]['name'], args?: readonly unknown[]) {
  return readOrNull(client, { address, abi: ozGovernorAbi, functionName, args, blockNumber } as never) as Promise<unknown>;
}

function readAlpha(client: ChainClient, address: Address, blockNumber: bigint, functionName: (typeof alphaGovernorAbi)[number]['name']) {
  return readOrNull(client, { address, abi: alphaGovernorAbi, functionName, blockNumber } as never) as Promise<unknown>;
}

function nonZero(address: Address | null): Address | null {
  return address === null || address === zeroAddress ? null : getAddress(address);
}

/**
 * Which governor answered, from its probes:
 * - Bravo on OpenZeppelin (`GovernorCompatibilityBravo`): `COUNTING_MODE()` is "support=bravo&quorum=bravo"
 *   and `quorumVotes()` answers;
 * - OpenZeppelin: `COUNTING_MODE()` answers (only OpenZeppelin's IGovernor has it) and ERC-165 too;
 * - Compound family: `quorumVotes()` and `proposalCount()` answer; `proposals(0)` then tells
 *   Bravo (ten words, with abstain votes) from GovernorAlpha (nine).
 * null when it is none of these, or when no token getter answers.
 */
export function identifyGovernor(probe: GovernorProbe): GovernorIdentity | null {
  // OpenZeppelin's GovernorCompatibilityBravo: Bravo's interface (proposals(), quorumVotes(), for-only
  // quorum) on an OpenZeppelin core; read as Bravo. Its proposals(0) reverts (unknown id), so its
  // counting mode, not the word count, tells it.
  if (probe.countingMode?.includes('support=bravo') && probe.countingMode.includes('quorum=bravo') && probe.quorumVotes !== null && probe.token !== null) {
    return { kind: 'bravo', token: probe.token, evidence: `COUNTING_MODE() = "${probe.countingMode}" (OpenZeppelin GovernorCompatibilityBravo), quorumVotes() answers, token() = ${probe.token}` };
  }
  if (probe.countingMode !== null && probe.erc165 === true && probe.token !== null) {
    return { kind: 'openzeppelin', token: probe.token, evidence: `COUNTING_MODE() = "${probe.countingMode}", supportsInterface(ERC-165) = true, token() = ${probe.token}` };
  }
  if (probe.quorumVotes === null || probe.proposalCount === null) return null;
  const token = probe.comp ?? probe.uni ?? probe.token;
  if (token === null) return null;
  const getter = probe.comp ? 'comp()' : probe.uni ? 'uni()' : 'token()';
  const base = `quorumVotes() and proposalCount() answer, ${getter} = ${token}`;
  if (probe.proposalBytes === BRAVO_PROPOSAL_BYTES) return { kind: 'bravo', token, evidence: `${base}, proposals() returns ten words (with abstainVotes)` };
  if (probe.proposalBytes === ALPHA_PROPOSAL_BYTES) {
    return { kind: 'alpha', token, evidence: `${base}, proposals() returns nine words (no abstain)${probe.guardian ? `, guardian() = ${probe.guardian}` : ''}` };
  }
  return null;
}

/** How a votes token reports an account's current votes. */
export type VotesStyle = 'getVotes' | 'getCurrentVotes';

/** `getVotes` (ERC20Votes / ERC-5805) or `getCurrentVotes` (Comp, Uni); null when neither answers. */
export async function probeVotesStyle(client: ChainClient, token: Address, blockNumber: bigint): Promise<VotesStyle | null> {
  const [votes, current] = await Promise.all([
    readOrNull(client, { address: token, abi: votesTokenAbi, functionName: 'getVotes', args: [zeroAddress], blockNumber }),
    readOrNull(client, { address: token, abi: votesTokenAbi, functionName: 'getCurrentVotes', args: [zeroAddress], blockNumber }),
  ]);
  if (votes !== null) return 'getVotes';
  return current !== null ? 'getCurrentVotes' : null;
}
