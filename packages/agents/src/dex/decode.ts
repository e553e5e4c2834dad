import { hexToBigInt, size, slice, type Hex } from 'viem';

/** The first 32-byte word of return data as a uint256; null when there is less than a word. */
export function decodeUint(data: Hex | null): bigint | null {
  if (data === null || data === '0x' || size(data) < 32) return null;
  return hexToBigInt(slice(data, 0, 32));
}

/**
 * An ABI `bool`: exactly 0 or 1 in the first word. Anything else (no data, a longer value) is
 * null, because ERC-165 detection must not mistake a fallback's arbitrary output for "true".
 */
export function decodeBool(data: Hex | null): boolean | null {
  const n = decodeUint(data);
  if (n === 0n) return false;
  if (n === 1n) return true;
  return null;
}

/** ERC-20 `decimals()` is a uint8; a larger word is not a decimals answer. */
export function decodeDecimals(data: Hex | null): number | null {
  const n = decodeUint(data);
  return n !== null && n <= 255n ? Number(n) : null;
}
