/** Seconds in Aave's year (365 days): the rates are per year, accrued per second. */
export const SECONDS_PER_YEAR = 31_536_000;
const RAY = 10n ** 27n;

/**
 * A ray rate per year (Aave's currentLiquidityRate / currentVariableBorrowRate) as an APY, percent,
 * compounded every second as Aave's UI shows it: (1 + r / secondsPerYear)^secondsPerYear − 1.
 * log1p/expm1 keep the precision that 1 + 1e-9 would lose in a double.
 */
export function rayToApyPercent(rateRay: bigint): number {
  const rate = Number(rateRay) / Number(RAY);
  return Math.expm1(SECONDS_PER_YEAR * Math.log1p(rate / SECONDS_PER_YEAR)) * 100;
}

/** A reserve's settings packed in Aave V3's ReserveConfigurationMap (ReserveConfiguration.sol bit layout). */
export interface ReserveConfig {
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
  decimals: number;
  active: boolean;
  frozen: boolean;
  borrowingEnabled: boolean;
  stableBorrowingEnabled: boolean;
  paused: boolean;
  reserveFactorBps: number;
  /** Whole tokens; 0 = no cap. */
  borrowCap: bigint;
  supplyCap: bigint;
}

const bits = (data: bigint, from: number, width: number): bigint => (data >> BigInt(from)) & ((1n << BigInt(width)) - 1n);

export function decodeReserveConfig(data: bigint): ReserveConfig {
  return {
    ltvBps: Number(bits(data, 0, 16)),
    liquidationThresholdBps: Number(bits(data, 16, 16)),
    liquidationBonusBps: Number(bits(data, 32, 16)),
    decimals: Number(bits(data, 48, 8)),
    active: bits(data, 56, 1) === 1n,
    frozen: bits(data, 57, 1) === 1n,
    borrowingEnabled: bits(data, 58, 1) === 1n,
    stableBorrowingEnabled: bits(data, 59, 1) === 1n,
    paused: bits(data, 60, 1) === 1n,
    reserveFactorBps: Number(bits(data, 64, 16)),
    borrowCap: bits(data, 80, 36),
    supplyCap: bits(data, 116, 36),
  };
}

/** `part` of `whole` in percent (6 decimals); null when `whole` is 0. */
export function percentOf(part: bigint, whole: bigint): number | null {
  if (whole === 0n) return null;
  return Number((part * 100_000_000n) / whole) / 1_000_000;
}

/**
 * Impermanent loss of a 50/50 constant-product position for a price ratio r = then → now, against
 * holding: 2√r ÷ (1 + r) − 1, percent (0 or less).
 */
export function impermanentLossPercent(priceRatio: number): number {
  return ((2 * Math.sqrt(priceRatio)) / (1 + priceRatio) - 1) * 100;
}

/** Share-price growth over `elapsedSeconds`, annualised by compounding: (now/then)^(year/elapsed) − 1, percent. */
export function annualisedPercent(then: bigint, now: bigint, elapsedSeconds: number): number | null {
  if (then === 0n || elapsedSeconds <= 0) return null;
  const growth = Number(now - then) / Number(then);
  return Math.expm1((SECONDS_PER_YEAR / elapsedSeconds) * Math.log1p(growth)) * 100;
}
