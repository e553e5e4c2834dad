import type { ChainClient } from '@oca/chain';
import type { GovernanceDelegate } from '@oca/contracts';
import { getAddress, type Address } from 'viem';
import { readOrNull } from '../dex';
import { DELEGATE_VOTES_CHANGED, votesTokenAbi } from './governance-abis';
import type { VotesStyle } from './governor-detect';
import { scanEvents } from './log-history';

/** Delegates listed in the result; the coefficients use all of them. */
export const TOP_DELEGATES = 20;
/** Delegates whose votes are read at the pinned block; past this, the last logged balance stands in (equal by construction). */
export const MAX_VOTE_READS = 1_000;

/** Every delegate's votes at the pinned block, largest first. */
export interface DelegateVotes {
  delegates: { address: Address; votes: bigint }[];
  /** Delegates whose figure is the logged balance, not a read (past MAX_VOTE_READS). */
  fromLogsOnly: number;
  logRequests: number;
}

/**
 * Delegates from the token's `DelegateVotesChanged` history (each log carries the delegate's new
 * balance, so the last one per delegate is its votes at the scan's end), then `getVotes` /
 * `getCurrentVotes` of each at the pinned block: the figure reported.
 */
export async function readDelegates(
  client: ChainClient,
  token: Address,
  style: VotesStyle,
  range: { fromBlock: bigint; toBlock: bigint },
  signal: AbortSignal,
): Promise<DelegateVotes> {
  const scan = await scanEvents(client, { address: token, events: [DELEGATE_VOTES_CHANGED], ...range }, signal);
  const logged = new Map<Address, bigint>();
  for (const log of scan.logs) logged.set(getAddress(log.args.delegate), log.args.newBalance);
  const candidates = [...logged.entries()].filter(([, votes]) => votes > 0n).sort((a, b) => compareDesc(a[1], b[1]));
  const toRead = candidates.slice(0, MAX_VOTE_READS);
  const read = await Promise.all(
    toRead.map(([address]) => readOrNull(client, { address: token, abi: votesTokenAbi, functionName: style, args: [address], blockNumber: range.toBlock })),
  );
  const delegates = candidates.map(([address, votes], i) => ({ address, votes: i < read.length ? (read[i] ?? votes) : votes }));
  delegates.sort((a, b) => compareDesc(a.votes, b.votes));
  return { delegates: delegates.filter((d) => d.votes > 0n), fromLogsOnly: Math.max(0, candidates.length - toRead.length), logRequests: scan.requests };
}

function compareDesc(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

/**
 * The Nakamoto coefficient: how many of the largest delegates it takes for their votes together to
 * reach `threshold` (`strictlyAbove`: to exceed it). null when all of them together fall short.
 * `sortedVotes` must be largest first.
 */
export function nakamotoCoefficient(sortedVotes: readonly bigint[], threshold: bigint, strictlyAbove = false): number | null {
  let sum = 0n;
  for (let i = 0; i < sortedVotes.length; i++) {
    sum += sortedVotes[i]!;
    if (strictlyAbove ? sum > threshold : sum >= threshold) return i + 1;
  }
  return null;
}

/** Percent with the precision a share needs, from raw integers. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number((part * 100_000_000n) / whole) / 1_000_000;
}

/** The ranked list as the result shows it. */
export function topDelegates(delegates: readonly { address: Address; votes: bigint }[], delegatedVotes: bigint): GovernanceDelegate[] {
  return delegates.slice(0, TOP_DELEGATES).map((d) => ({ address: d.address, votes: d.votes.toString(), sharePercent: percentOf(d.votes, delegatedVotes) }));
}
