import { getAddress, type Address } from 'viem';
import { PermanentAgentError } from './errors';

/**
 * Returns the EIP-55 checksummed form of a 0x-prefixed 40-hex-digit address. All-lower and
 * all-upper case carry no checksum (EIP-55) and are accepted; mixed case must match the
 * checksum, because a mismatch usually means a mistyped address.
 *
 * @throws PermanentAgentError('invalid_params') naming `field`.
 */
export function checksummedAddress(value: string, field: string): Address {
  const hex = value.slice(2);
  let checksummed: Address;
  try {
    checksummed = getAddress(value.toLowerCase());
  } catch {
    throw new PermanentAgentError('invalid_params', `${field}: not a 20-byte hex address`, field);
  }
  const unchecked = hex === hex.toLowerCase() || hex === hex.toUpperCase();
  if (!unchecked && checksummed !== value) {
    throw new PermanentAgentError('invalid_params', `${field}: mixed-case address fails the EIP-55 checksum`, field);
  }
  return checksummed;
}
