import { decodeAbiParameters, hexToBytes, size, type Hex } from 'viem';

// fatal: a bytes32 that is not UTF-8 (a number, a hash) is not a name.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the return data of a token's `name()`/`symbol()`: an ABI `string`, or a `bytes32` for
 * early tokens such as MKR. Null when the data is neither (empty, too short, garbage) — the
 * caller reports "not exposed" rather than inventing a value. Trailing NULs are dropped.
 */
export function decodeTokenText(data: Hex | undefined): string | null {
  if (data === undefined || data === '0x') return null;
  if (size(data) === 32) return bytes32ToText(data);
  try {
    const [text] = decodeAbiParameters([{ type: 'string' }], data);
    return stripNul(text);
  } catch {
    return null;
  }
}

function bytes32ToText(data: Hex): string | null {
  const bytes = hexToBytes(data);
  let end = bytes.length;
  // Right-padded with NUL bytes; trimmed per byte (viem's trim works per nibble).
  while (end > 0 && bytes[end - 1] === 0) end--;
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(0, end));
  } catch {
    return null;
  }
  // Control characters inside mean binary data that happens to be valid UTF-8.
  return /\p{Cc}/u.test(text) ? null : text;
}

function stripNul(text: string): string {
  return text.replace(/\0+$/u, '');
}
