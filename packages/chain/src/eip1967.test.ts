import { keccak256, toHex } from 'viem';
import { EIP1967_SLOTS, slotToAddress } from './eip1967';

const slot = (label: string) => toHex(BigInt(keccak256(toHex(label))) - 1n, { size: 32 });

describe('EIP1967_SLOTS', () => {
  it('are keccak256("eip1967.proxy.<name>") - 1', () => {
    expect(EIP1967_SLOTS.implementation).toBe(slot('eip1967.proxy.implementation'));
    expect(EIP1967_SLOTS.admin).toBe(slot('eip1967.proxy.admin'));
    expect(EIP1967_SLOTS.beacon).toBe(slot('eip1967.proxy.beacon'));
  });
});

describe('slotToAddress', () => {
  it('reads a left-padded address, checksummed', () => {
    expect(slotToAddress(`0x000000000000000000000000${'70997970c51812dc3a010c7d01b50e0d17dc79c8'}`)).toBe(
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    );
  });

  it('is null for an empty slot, a short zero and a word with high bytes set', () => {
    expect(slotToAddress(`0x${'00'.repeat(32)}`)).toBeNull();
    expect(slotToAddress('0x0')).toBeNull();
    expect(slotToAddress('0x')).toBeNull();
    expect(slotToAddress(undefined)).toBeNull();
    expect(slotToAddress(`0x01${'00'.repeat(31)}`)).toBeNull();
  });
});
