import { firstFunders, type AddressActivity, type AddressLabel, type NativeTransfer } from '@oca/chain';
import type { Address } from 'viem';
import type { FundingHop } from './forensics-contract';

/** The trail and what reading it cost. */
export interface FundingTrail {
  hops: Omit<FundingHop, 'timestamp'>[];
  stoppedBecause: string | null;
  requests: number;
}

/**
 * Follows first funders back from `address`, one `history` read per hop: the sender of the
 * earliest non-zero native transfer into the current address becomes the next. Stops at `depth`,
 * at a funder with no transfer on record (genesis, rewards, a balance set outside transfers), at a
 * labelled funder (an exchange or a router pays everyone: behind it the trail says nothing of the
 * owner; a mixer is where a trail is meant to end), or at an address already on the trail.
 *
 * @throws what `history` throws (HistoryUnavailableError: the caller says funding is unavailable).
 */
export async function traceFunding(
  history: AddressActivity,
  address: Address,
  depth: number,
  toBlock: bigint,
  labelOf: (a: Address) => AddressLabel | undefined,
  /** The address's own first funding when the caller has read it already (null: none on record). */
  known?: NativeTransfer | null,
  signal?: AbortSignal,
): Promise<FundingTrail> {
  const hops: FundingTrail['hops'] = [];
  const path: Address[] = [address];
  let requests = 0;
  let current = address;
  for (let hop = 1; hop <= depth; hop++) {
    let first = hop === 1 ? known : undefined;
    if (first === undefined) {
      const read = await firstFunders(history, [current], toBlock, signal);
      requests += read.requests;
      first = read.funders.get(current);
    }
    if (!first) return { hops, stoppedBecause: `${current} has no native funding on record (genesis allocation, rewards, or never funded)`, requests };
    const label = labelOf(first.from);
    path.push(first.from);
    hops.push({
      hop,
      funded: current,
      funder: first.from,
      funderLabel: label?.name ?? null,
      funderKind: label?.kind ?? null,
      value: first.value.toString(),
      blockNumber: first.blockNumber.toString(),
      transactionHash: first.transactionHash,
      internal: first.traceAddress.length > 0,
      path: [...path],
    });
    if (label) return { hops, stoppedBecause: `${first.from} is labelled (${label.name}): the trail ends at a ${label.kind}`, requests };
    if (path.indexOf(first.from) < path.length - 1) return { hops, stoppedBecause: `${first.from} is already on the trail (a funding loop)`, requests };
    current = first.from;
  }
  return { hops, stoppedBecause: null, requests };
}
