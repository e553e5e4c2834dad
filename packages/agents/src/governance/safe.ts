import type { ChainClient } from '@oca/chain';
import { getAddress, type Address } from 'viem';
import { readOrNull } from '../dex';
import { safeAbi } from './governance-abis';

/** Safe's linked lists start (and end) at address 1. */
const SENTINEL: Address = '0x0000000000000000000000000000000000000001';
/** Modules read in one page (Safe's own UI reads 10 per page; a DAO Safe has a handful at most). */
export const MODULE_PAGE = 50;

/** A Safe's signers and modules at the pinned block. */
export interface SafeFacts {
  address: Address;
  version: string;
  owners: Address[];
  threshold: number;
  /** null when the Safe answers no getModulesPaginated (before 1.1): unknown, not none. */
  modules: Address[] | null;
}

/**
 * Recognises a Safe by the three reads every Safe 1.x answers — `VERSION()`, `getOwners()` and
 * `getThreshold()` (non-zero) — in one batch with its first page of modules; null when it is not one.
 */
export async function readSafe(client: ChainClient, address: Address, blockNumber: bigint): Promise<SafeFacts | null> {
  const read = <F extends 'VERSION' | 'getOwners' | 'getThreshold'>(functionName: F) => readOrNull(client, { address, abi: safeAbi, functionName, blockNumber });
  const [version, owners, threshold, modules] = await Promise.all([
    read('VERSION'),
    read('getOwners'),
    read('getThreshold'),
    readOrNull(client, { address, abi: safeAbi, functionName: 'getModulesPaginated', args: [SENTINEL, BigInt(MODULE_PAGE)], blockNumber }),
  ]);
  return safeFacts(address, version, owners, threshold, modules);
}

/** The probes' answers as a Safe, or null when any of the three identifying reads failed. */
export function safeFacts(
  address: Address,
  version: string | null,
  owners: readonly Address[] | null,
  threshold: bigint | null,
  modules: readonly [readonly Address[], Address] | null,
): SafeFacts | null {
  if (version === null || owners === null || threshold === null || threshold === 0n || owners.length === 0) return null;
  return {
    address,
    version,
    owners: owners.map((o) => getAddress(o)),
    threshold: Number(threshold),
    modules: modules === null ? null : modules[0].map((m) => getAddress(m)),
  };
}
