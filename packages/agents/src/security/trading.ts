import { decodeErrorResult, getAddress, size, type Address, type Hex } from 'viem';
import { POOL_ATTEMPT, type ProbeLimits, type Simulation } from './probe/security-probe';
import type { SecurityTrading, SkippedPool, TradeLimit, TradeLimits } from './schemas';

/** A sell tax at or above this is a honeypot in practice: holders get (almost) nothing back. */
export const HONEYPOT_SELL_TAX = 0.9;

export const UNKNOWN_TRADING: SecurityTrading = {
  method: null,
  pool: null,
  dex: null,
  skippedPools: [],
  quoteToken: null,
  amountIn: null,
  buyTax: null,
  sellTax: null,
  transferTax: null,
  cannotBuy: null,
  cannotSellAll: null,
  isHoneypot: null,
  honeypotReason: null,
  buyGas: null,
  sellGas: null,
  holderAnalysis: null,
  limits: null,
};

/** A pool as the simulation was given it: `pools[i]` went to the probe as its i-th pool. */
export interface SimulatedPoolName {
  pair: Address;
  dexName: string;
}

/**
 * Taxes and verdicts from one simulation through `pools` (the list the probe was given, in order,
 * to name the pool traded through and the pools passed over). A tax is `1 − received / expected`, where expected is
 * what the pool promises — V2: getAmountOut on the reserves; V3: the amount the pool's swap
 * reported sending (buy), or the pool's price for the tokens it received applied to every token
 * the sell debited — or what the sender was debited (transfer), clamped to 0–1, 6 decimals.
 */
export function tradingFromSimulation(s: Simulation, pools: readonly SimulatedPoolName[] = []): SecurityTrading {
  if (s.route === 0) return UNKNOWN_TRADING;
  const pool = s.route === 1 || s.route === 3 ? getAddress(s.pair) : null;
  const base = {
    method: s.route === 2 ? ('wrap' as const) : s.route === 3 ? ('v3-pool' as const) : ('v2-pair' as const),
    pool,
    dex: pool ? (pools.find((p) => getAddress(p.pair) === pool)?.dexName ?? null) : null,
    skippedPools: skippedPools(s, pools, pool),
    quoteToken: getAddress(s.quote),
    amountIn: s.amountIn.toString(),
  };
  if (!s.buyOk || s.buyReceived === 0n) {
    return {
      ...UNKNOWN_TRADING,
      ...base,
      cannotBuy: true,
      buyGas: Number(s.buyGas),
      honeypotReason: `buy failed: ${revertReason(s.buyError) ?? 'no tokens received'}`,
    };
  }
  const buyTax = tax(s.buyReceived, s.buyExpected);
  const transferTax = s.transferOk ? tax(s.transferReceived, s.transferSent) : null;
  const sellTax = s.sellOk ? tax(s.sellReceived, s.sellExpected) : null;
  const sellFailed = !s.sellOk;
  const confiscatory = sellTax !== null && sellTax >= HONEYPOT_SELL_TAX;
  const isHoneypot = sellFailed || confiscatory;
  return {
    ...base,
    buyTax,
    sellTax,
    transferTax,
    cannotBuy: false,
    cannotSellAll: !s.soldAll,
    isHoneypot,
    honeypotReason: sellFailed
      ? `sell failed: ${revertReason(s.sellError) ?? 'reverted without a reason'}`
      : confiscatory
        ? `sell tax ${(sellTax * 100).toFixed(1)}%`
        : null,
    // Wrapping is a deposit, not a swap through the token; only the sell (withdraw) is measured.
    buyGas: s.route === 2 ? null : Number(s.buyGas),
    sellGas: s.sellOk ? Number(s.sellGas) : null,
    holderAnalysis: null,
    limits: null,
  };
}

/** Whether the fresh simulation bought (and received tokens) through `pool`. */
export function freshBuyThrough(s: Simulation | null, pool: Address | undefined): boolean {
  return s !== null && pool !== undefined && s.buyOk && s.buyReceived > 0n && getAddress(s.pair) === getAddress(pool);
}

/**
 * The probe's limits bisection as the result states it (see `TradeLimits`); null when it did not
 * run, or ran out of gas before its searches finished (a bracket cut short would pass for a limit).
 * Also null when no buy of any size went through the bisection although the fresh simulation
 * bought through the same pool (`freshBuyOk`): the two trade a pool alike (its fee, quote or
 * callback), so they disagree about the token itself, and "no buy possible" would be a false alarm.
 */
export function tradeLimits(l: ProbeLimits | null, pool: Address | null, freshBuyOk = false): TradeLimits | null {
  if (!l || !l.ok || l.budgetSpent || pool === null) return null;
  if (l.maxBuy === 0n && freshBuyOk) return null;
  const limit = (found: bigint, searchedUpTo: bigint): TradeLimit => ({ limit: found === searchedUpTo ? null : found.toString(), searchedUpTo: searchedUpTo.toString() });
  const bought = l.maxBuy > 0n;
  return {
    method: 'bisection',
    pool,
    maxBuy: limit(l.maxBuy, l.buySearchedUpTo),
    maxSell: bought ? limit(l.maxSell, l.sellSearchedUpTo) : null,
    // A wallet search that bought WALLET_BUYS times without a refusal searched up to that balance; no cap.
    maxWallet: l.walletSearchedUpTo === 0n ? null : limit(l.maxWallet === 0n ? l.walletSearchedUpTo : l.maxWallet, l.walletSearchedUpTo),
    repeatBuyBlocked: l.repeatBuyBlocked,
    trials: Number(l.trials),
  };
}

/**
 * The pools whose buy reverted and that the simulation passed over, in the order tried. When every
 * buy reverted, the first is the one reported as `pool` (the token cannot be bought) and is not
 * listed again.
 */
function skippedPools(s: Simulation, pools: readonly SimulatedPoolName[], reported: Address | null): SkippedPool[] {
  const skipped: SkippedPool[] = [];
  s.attempts.forEach((attempt, i) => {
    const pool = pools[i];
    if (attempt !== POOL_ATTEMPT.buyReverted || !pool || getAddress(pool.pair) === reported) return;
    skipped.push({ pool: getAddress(pool.pair), dex: pool.dexName, reason: revertReason(s.buyErrors[i] ?? '0x') ?? 'reverted without a reason' });
  });
  return skipped;
}

/** Why a transfer or wallet send failed, when the simulation captured it. */
export function transferFailure(s: Simulation): string | null {
  if (s.route === 0 || !s.buyOk || s.transferOk) return null;
  return revertReason(s.transferError) ?? 'returned false or reverted without a reason';
}

/** `1 − received / expected`, clamped to 0–1, 6 decimals (see `tradingFromSimulation`). */
export function tax(received: bigint, expected: bigint): number {
  if (expected <= 0n) return 0;
  if (received >= expected) return 0;
  const micro = ((expected - received) * 1_000_000n) / expected;
  return Number(micro) / 1_000_000;
}

/** `Error(string)` or `Panic(uint256)` as text; raw hex for custom errors; null for no data. */
export function revertReason(data: Hex): string | null {
  if (data === '0x' || size(data) === 0) return null;
  try {
    const decoded = decodeErrorResult({ data });
    if (decoded.errorName === 'Error') return String(decoded.args?.[0]);
    if (decoded.errorName === 'Panic') return `panic 0x${(decoded.args?.[0] as bigint).toString(16)}`;
  } catch {
    // Not a standard error: a custom error selector or free-form bytes.
  }
  if (size(data) >= 4) return `custom error ${data.slice(0, 10)}`;
  return data;
}
