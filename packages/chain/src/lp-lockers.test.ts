import { getAddress } from 'viem';
import { LABEL_SOURCES } from './labels/sources';
import { LP_LOCKERS } from './lp-lockers';

describe('LP_LOCKERS', () => {
  it('lists checksummed, distinct addresses per network, each with a way to read what is locked and its source', () => {
    const sources = new Set<string>(Object.values(LABEL_SOURCES));
    for (const [network, lockers] of Object.entries(LP_LOCKERS)) {
      for (const locker of lockers) {
        // EIP-55: a typo in a mixed-case address fails its checksum.
        expect({ network, address: locker.address }).toEqual({ network, address: getAddress(locker.address) });
        expect(['lockedBalance', 'held']).toContain(locker.read);
        if (locker.nftRead !== undefined) expect(locker.nftRead).toBe('isNftLocked');
        expect(sources).toContain(locker.source);
      }
      expect(new Set(lockers.map((l) => l.address)).size).toBe(lockers.length);
    }
  });

  it('knows the lockers users meet: UNCX V2 and V3, Team Finance, PinkLock and Unicrypt on BSC', () => {
    const names = (network: keyof typeof LP_LOCKERS) => LP_LOCKERS[network].map((l) => l.name).join(' | ');
    expect(names('ethereum')).toMatch(/UNCX Uniswap V2.*UNCX Uniswap V3.*Team Finance.*PinkLock/);
    expect(names('bsc')).toMatch(/UNCX PancakeSwap V2.*UNCX PancakeSwap V3.*Team Finance.*PinkLock v1.*PinkLock v2/);
    for (const network of ['polygon', 'arbitrum', 'optimism', 'base'] as const) expect(names(network)).toMatch(/UNCX .*V3 locker/);
    // None of the real lockers is read for unlock times: what they hold is an upper bound, said so.
    for (const [network, lockers] of Object.entries(LP_LOCKERS)) {
      if (network !== 'devnet') expect(lockers.every((l) => l.read === 'held' && l.nftRead === undefined)).toBe(true);
    }
  });
});
