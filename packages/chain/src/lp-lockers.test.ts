import { getAddress } from 'viem';
import { LP_LOCKERS } from './lp-lockers';

describe('LP_LOCKERS', () => {
  it('lists checksummed, distinct addresses per network, each with a way to read what is locked', () => {
    for (const [network, lockers] of Object.entries(LP_LOCKERS)) {
      for (const locker of lockers) {
        expect({ network, address: locker.address }).toEqual({ network, address: getAddress(locker.address) });
        expect(['lockedBalance', 'held']).toContain(locker.read);
        if (locker.nftRead !== undefined) expect(locker.nftRead).toBe('isNftLocked');
      }
      expect(new Set(lockers.map((l) => l.address)).size).toBe(lockers.length);
    }
  });
});
