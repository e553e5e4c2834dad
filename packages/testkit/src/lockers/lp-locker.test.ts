import { LP_LOCKERS } from '@oca/chain';
import { lpTimeLockAddress } from './lp-locker';

// solc-js takes a few seconds on a cold cache.
jest.setTimeout(60_000);

it('deploys the LP time-lock exactly where @oca/chain lists the devnet locker', () => {
  expect(LP_LOCKERS.devnet.map((l) => [l.address, l.read, l.nftRead])).toEqual([[lpTimeLockAddress(), 'lockedBalance', 'isNftLocked']]);
});
