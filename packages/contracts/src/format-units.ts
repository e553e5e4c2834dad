/**
 * `raw` smallest units as a decimal string in whole units, trailing zeros dropped:
 * `formatUnits(1500000n, 6)` is "1.5". The same answer as viem's `formatUnits`, written out here so
 * this package stays zod-only (the gateway renders GoPlus views without an EVM library).
 */
export function formatUnits(raw: bigint, decimals: number): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a non-negative integer, got ${decimals}`);
  const negative = raw < 0n;
  const digits = (negative ? -raw : raw).toString().padStart(decimals + 1, '0');
  const integer = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
}
