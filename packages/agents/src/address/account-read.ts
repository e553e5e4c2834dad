import { beaconAbi, EIP1967_SLOTS, slotToAddress, type ChainClient } from '@oca/chain';
import type { ProxyInfo } from '@oca/contracts';
import { encodeFunctionData, getAddress, keccak256, size, slice, type Address, type Hex } from 'viem';
import { probeCall } from '../dex';

const IMPLEMENTATION_CALL = encodeFunctionData({ abi: beaconAbi, functionName: 'implementation' });

/** Everything about the account itself at one block, before token detection. */
export interface AccountState {
  balanceWei: bigint;
  nonce: number;
  code: Hex;
  codeSize: number;
  /** keccak256 of the runtime code; null when there is none. */
  codeHash: Hex | null;
  /** Raw EIP-1967 slot words, kept for the finding's evidence. */
  slots: { implementation: Hex; admin: Hex; beacon: Hex };
  /** EIP-7702 delegation target when the code is a delegation designator. */
  delegatedTo: Address | null;
}

/** Six reads at one block, issued together so they travel as one JSON-RPC batch. */
export async function readAccount(client: ChainClient, address: Address, blockNumber: bigint): Promise<AccountState> {
  const [balanceWei, nonce, code, implementation, admin, beacon] = await Promise.all([
    client.getBalance({ address, blockNumber }),
    client.getTransactionCount({ address, blockNumber }),
    client.getCode({ address, blockNumber }),
    client.getStorageAt({ address, slot: EIP1967_SLOTS.implementation, blockNumber }),
    client.getStorageAt({ address, slot: EIP1967_SLOTS.admin, blockNumber }),
    client.getStorageAt({ address, slot: EIP1967_SLOTS.beacon, blockNumber }),
  ]);
  const runtime = code ?? '0x';
  const codeSize = runtime === '0x' ? 0 : size(runtime);
  return {
    balanceWei,
    nonce,
    code: runtime,
    codeSize,
    codeHash: codeSize > 0 ? keccak256(runtime) : null,
    slots: { implementation: word(implementation), admin: word(admin), beacon: word(beacon) },
    delegatedTo: delegationTarget(runtime),
  };
}

/**
 * EIP-1967 proxy info from the slots; null unless the implementation or beacon slot is set. An
 * admin slot alone is not a proxy (nothing to delegate to).
 */
export function proxyFromSlots(slots: AccountState['slots']): ProxyInfo | null {
  const implementation = slotToAddress(slots.implementation);
  const beacon = slotToAddress(slots.beacon);
  if (implementation === null && beacon === null) return null;
  return { standard: 'EIP-1967', implementation, admin: slotToAddress(slots.admin), beacon };
}

/** The implementation a beacon points at, at the same block; null when the beacon does not say. */
export async function readBeaconImplementation(client: ChainClient, beacon: Address, blockNumber: bigint): Promise<Address | null> {
  const data = await probeCall(client, beacon, IMPLEMENTATION_CALL, blockNumber);
  // An ABI-encoded address is a left-padded word, the same shape as an EIP-1967 slot.
  return data !== null && size(data) >= 32 ? slotToAddress(slice(data, 0, 32)) : null;
}

/** EIP-7702: an EOA's code is exactly `0xef0100 ‖ address` while it delegates to that address. */
export function delegationTarget(code: Hex): Address | null {
  if (code === '0x' || size(code) !== 23 || !code.toLowerCase().startsWith('0xef0100')) return null;
  return getAddress(slice(code, 3));
}

/** Some nodes return an empty slot as '0x' or omit leading zeros; normalise to a 32-byte word. */
function word(value: Hex | undefined): Hex {
  const digits = (value ?? '0x').slice(2);
  return `0x${digits.padStart(64, '0')}`;
}
