// The devnet's LP time-lock (listed in @oca/chain's LP_LOCKERS.devnet).
export { compileLpTimeLock, deployLpTimeLock, lpTimeLockAddress } from './lp-locker';
