import { getAddress, hexToBigInt, type Address, type Hex } from 'viem';

/**
 * EIP-1967 storage slots: `bytes32(uint256(keccak256('eip1967.proxy.<name>')) - 1)`. The `- 1`
 * makes the preimage unknown, so no Solidity mapping or array can collide with them.
 */
export const EIP1967_SLOTS = {
  implementation: '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
  admin: '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103',
  beacon: '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50',
} as const satisfies Record<string, Hex>;

export type Eip1967Slot = keyof typeof EIP1967_SLOTS;

const ADDRESS_MASK = (1n << 160n) - 1n;

/**
 * The address stored in a slot, checksummed; null when the slot is empty or holds something that
 * is not a left-padded address (high 12 bytes set), which is then not EIP-1967 usage.
 */
export function slotToAddress(value: Hex | undefined): Address | null {
  if (value === undefined || value === '0x') return null;
  const n = hexToBigInt(value);
  if (n === 0n || n > ADDRESS_MASK) return null;
  return getAddress(`0x${n.toString(16).padStart(40, '0')}`);
}
