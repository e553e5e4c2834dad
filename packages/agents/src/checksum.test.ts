import { checksummedAddress } from './checksum';
import { PermanentAgentError } from './errors';

const CHECKSUMMED = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('checksummedAddress', () => {
  it('accepts a valid checksum and returns it unchanged', () => {
    expect(checksummedAddress(CHECKSUMMED, 'address')).toBe(CHECKSUMMED);
  });

  it('accepts all-lower and all-upper case (no checksum) and checksums them', () => {
    expect(checksummedAddress(CHECKSUMMED.toLowerCase(), 'address')).toBe(CHECKSUMMED);
    expect(checksummedAddress(`0x${CHECKSUMMED.slice(2).toUpperCase()}`, 'address')).toBe(CHECKSUMMED);
  });

  it('rejects mixed case that fails EIP-55 with invalid_params naming the field', () => {
    const bad = CHECKSUMMED.replace('C51812dc', 'c51812dc');
    let error: unknown;
    try {
      checksummedAddress(bad, 'address');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PermanentAgentError);
    expect(error).toMatchObject({ code: 'invalid_params', field: 'address', retryable: false });
    expect((error as Error).message).toMatch(/^address: .*checksum/);
  });

  it('rejects something that is not an address', () => {
    expect(() => checksummedAddress('0x1234', 'target')).toThrow(/^target: not a 20-byte hex address$/);
  });
});
