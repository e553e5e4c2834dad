import { encodeAbiParameters, stringToHex } from 'viem';
import { decodeTokenText } from './token-text';

describe('decodeTokenText', () => {
  it('decodes an ABI string', () => {
    expect(decodeTokenText(encodeAbiParameters([{ type: 'string' }], ['Demo Token']))).toBe('Demo Token');
  });

  it('decodes a bytes32 (MKR-style) and drops NUL padding, byte by byte', () => {
    expect(decodeTokenText(stringToHex('MKR', { size: 32 }))).toBe('MKR');
    // "AP" = 0x4150: an odd number of significant nibbles once zeros are trimmed per nibble.
    expect(decodeTokenText(stringToHex('AP', { size: 32 }))).toBe('AP');
    expect(decodeTokenText(stringToHex('Maker', { size: 32 }))).toBe('Maker');
  });

  it('keeps non-ASCII UTF-8 names', () => {
    expect(decodeTokenText(encodeAbiParameters([{ type: 'string' }], ['Ðoge 🐕']))).toBe('Ðoge 🐕');
  });

  it('returns an empty string for an all-zero bytes32 and an empty ABI string', () => {
    expect(decodeTokenText(`0x${'00'.repeat(32)}`)).toBe('');
    expect(decodeTokenText(encodeAbiParameters([{ type: 'string' }], ['']))).toBe('');
  });

  it('returns null for no data, garbage or a binary word', () => {
    expect(decodeTokenText(undefined)).toBeNull();
    expect(decodeTokenText('0x')).toBeNull();
    expect(decodeTokenText('0x1234')).toBeNull();
    expect(decodeTokenText(`0x${'ff'.repeat(32)}`)).toBeNull(); // not UTF-8
    expect(decodeTokenText(`0x${'00'.repeat(31)}12`)).toBeNull(); // a number, not text
    expect(decodeTokenText(`0x${'00'.repeat(31)}20${'00'.repeat(31)}ff`)).toBeNull(); // offset ok, length overflows
  });
});
