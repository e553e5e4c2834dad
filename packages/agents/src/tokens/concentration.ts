/**
 * Concentration figures over a list of balances, in exact integer arithmetic so the same balances
 * always give the same figures (tests recompute them independently).
 */

/** `part / whole` in percent to 6 decimals, signed, 0 when `whole` is not positive. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 100_000_000n) / whole) / 1_000_000;
}

/**
 * Gini coefficient of positive balances, 6 decimals: with x ascending and i from 1,
 * G = (2·Σ i·xᵢ − (n + 1)·Σ xᵢ) / (n·Σ xᵢ). 0 when every holder holds the same, (n − 1)/n when one
 * holds everything. 0 for no holders.
 */
export function gini(balances: readonly bigint[]): number {
  const sorted = balances.filter((b) => b > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(sorted.length);
  const total = sorted.reduce((sum, b) => sum + b, 0n);
  if (n === 0n || total === 0n) return 0;
  const weighted = sorted.reduce((sum, b, i) => sum + BigInt(i + 1) * b, 0n);
  return Number(((2n * weighted - (n + 1n) * total) * 1_000_000n) / (n * total)) / 1_000_000;
}

/** Fewest balances (largest first) that together reach at least half of `supply`; their count. */
export function holdersForHalf(balances: readonly bigint[], supply: bigint): number {
  const sorted = [...balances].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  let held = 0n;
  for (let i = 0; i < sorted.length; i++) {
    held += sorted[i]!;
    if (held * 2n >= supply) return i + 1;
  }
  return sorted.length;
}
