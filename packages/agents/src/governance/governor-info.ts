import type { ChainClient } from '@oca/chain';
import { keccak256, toHex, type Address } from 'viem';
import { readOrNull } from '../dex';
import { ozGovernorAbi, timelockAbi } from './governance-abis';
import type { GovernorIdentity, GovernorProbe } from './governor-detect';

const PROPOSER_ROLE = keccak256(toHex('PROPOSER_ROLE'));

/** The timelock behind a governor and whether it takes the governor's orders. */
export interface TimelockInfo {
  kind: 'openzeppelin' | 'compound' | null;
  /** Seconds. */
  delay: bigint | null;
  /** OpenZeppelin: hasRole(PROPOSER_ROLE, governor); Compound: admin() == governor. */
  controlled: boolean | null;
  admin: Address | null;
}

/** Governor figures read after identification: the quorum now and its timelock. */
export interface GovernorDetails {
  /** The clock proposals count in: the block number, or its timestamp for `mode=timestamp` governors. */
  clock: bigint;
  quorum: bigint | null;
  timelock: TimelockInfo | null;
}

/** One batch: quorum at the last past timepoint and the timelock's delay and roles. */
export async function readGovernorDetails(
  client: ChainClient,
  governor: Address,
  identity: GovernorIdentity,
  probe: GovernorProbe,
  block: { number: bigint; timestamp: bigint },
): Promise<GovernorDetails> {
  const clock = probe.clockMode?.includes('mode=timestamp') ? block.timestamp : block.number;
  const at = block.number;
  const [quorum, timelock] = await Promise.all([
    identity.kind === 'openzeppelin'
      ? readOrNull(client, { address: governor, abi: ozGovernorAbi, functionName: 'quorum', args: [clock - 1n], blockNumber: at })
      : Promise.resolve(probe.quorumVotes),
    probe.timelock ? readTimelock(client, probe.timelock, governor, at) : Promise.resolve(null),
  ]);
  return { clock, quorum, timelock };
}

async function readTimelock(client: ChainClient, timelock: Address, governor: Address, blockNumber: bigint): Promise<TimelockInfo> {
  const [minDelay, isProposer, delay, admin] = await Promise.all([
    readOrNull(client, { address: timelock, abi: timelockAbi, functionName: 'getMinDelay', blockNumber }),
    readOrNull(client, { address: timelock, abi: timelockAbi, functionName: 'hasRole', args: [PROPOSER_ROLE, governor], blockNumber }),
    readOrNull(client, { address: timelock, abi: timelockAbi, functionName: 'delay', blockNumber }),
    readOrNull(client, { address: timelock, abi: timelockAbi, functionName: 'admin', blockNumber }),
  ]);
  if (minDelay !== null) return { kind: 'openzeppelin', delay: minDelay, controlled: isProposer, admin: null };
  if (delay !== null) return { kind: 'compound', delay, controlled: admin === null ? null : admin.toLowerCase() === governor.toLowerCase(), admin };
  return { kind: null, delay: null, controlled: null, admin: null };
}
