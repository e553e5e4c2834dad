import type { ChainClient } from '@oca/chain';
import { getAddress, zeroAddress, type Address } from 'viem';
import { sellAsHolder, type HolderSaleResult, type ProbePool, type Simulation, type TradePool } from './probe/security-probe';
import type { HolderSale, HolderSaleAnalysis, SecurityTrading } from './schemas';
import { revertReason, tax } from './trading';

/** How many of the largest holders sell for real. */
export const HOLDER_SAMPLE = 10;
const DEAD: Address = '0x000000000000000000000000000000000000dEaD';

/** A holder and what its two sales did: the whole balance, and a small amount. */
export interface HolderSaleOutcome {
  address: Address;
  balance: bigint;
  whole: HolderSaleResult;
  part: HolderSaleResult;
}

/** Who can be sampled: a candidate, its balance and code size (from the probe's inspection). */
export interface HolderCandidate {
  address: Address;
  balance: bigint;
  codeSize: number;
}

/**
 * The largest holders to sell for real: EOAs with a balance, not the zero or burn address, not a
 * pool, not the owner (who can exempt himself, so his sale proves nothing for the others).
 * Contracts (lockers, vaults, multisigs) are left out: their code cannot be replaced by the probe's
 * without changing what they are.
 */
export function sampleHolders(candidates: readonly HolderCandidate[], exclude: { owner: Address | null; pools: readonly Address[] }, size = HOLDER_SAMPLE): HolderCandidate[] {
  const skip = new Set<string>([zeroAddress, DEAD, ...exclude.pools, ...(exclude.owner ? [exclude.owner] : [])].map((a) => a.toLowerCase()));
  return candidates
    .filter((c) => c.balance > 0n && c.codeSize === 0 && !skip.has(c.address.toLowerCase()))
    .sort((a, b) => (a.balance === b.balance ? 0 : a.balance > b.balance ? -1 : 1))
    .slice(0, size);
}

/**
 * Each sampled holder sells its whole balance, and (in case a per-transaction limit stops that)
 * a small amount — 0.1 % of the pool's token reserve, what the fresh simulation trades — into
 * `pool`. All the calls go out together: one JSON-RPC batch, no extra round trip.
 */
export async function simulateHolderSales(
  client: ChainClient,
  request: { token: Address; pool: ProbePool; /** How the probe trades through `pool` (its fee). */ trade: TradePool; holders: readonly HolderCandidate[]; blockNumber: bigint },
): Promise<HolderSaleOutcome[]> {
  const { token, pool, blockNumber, trade } = request;
  const tokenIs0 = getAddress(pool.token0) === getAddress(token);
  const quote = tokenIs0 ? pool.token1 : pool.token0;
  const reserveToken = tokenIs0 ? pool.reserve0 : pool.reserve1;
  const small = reserveToken / 1000n > 0n ? reserveToken / 1000n : 1n;
  const sell = (holder: Address, amount: bigint) => sellAsHolder(client, { token, pool: trade, quote, holder, amount, blockNumber });
  return Promise.all(
    request.holders.map(async (h) => {
      const [whole, part] = await Promise.all([sell(h.address, h.balance), sell(h.address, h.balance < small ? h.balance : small)]);
      return { address: h.address, balance: h.balance, whole, part };
    }),
  );
}

/**
 * The sales as the result reports them, or null when they do not speak for this token: nothing was
 * sampled, or the fresh simulation traded through another pool (a holder's failed sale into a pool
 * the token was never tested against proves nothing), or the token is a wrapped native coin.
 */
export function holderSaleAnalysis(outcomes: readonly HolderSaleOutcome[] | null, pool: ProbePool | null, simulation: Simulation | null): HolderSaleAnalysis | null {
  if (!outcomes || outcomes.length === 0 || !pool || !simulation) return null;
  if ((simulation.route !== 1 && simulation.route !== 3) || getAddress(simulation.pair) !== getAddress(pool.pair)) return null;
  const sales = outcomes.map(toHolderSale);
  const taxes = sales.map((s) => s.sellTax).filter((t): t is number => t !== null);
  const cannotSell = sales.filter((s) => s.sold === 'none').length;
  return {
    sampled: sales.length,
    canSell: sales.length - cannotSell,
    cannotSell,
    averageTax: taxes.length > 0 ? round6(taxes.reduce((a, b) => a + b, 0) / taxes.length) : null,
    highestTax: taxes.length > 0 ? Math.max(...taxes) : null,
    sales,
  };
}

/**
 * The fresh simulation's verdict with the holders' sales: when half or more of the largest real
 * holders cannot sell their own tokens, the token is a honeypot whatever a fresh wallet's round
 * trip says.
 */
export function withHolderSales(trading: SecurityTrading, analysis: HolderSaleAnalysis | null): SecurityTrading {
  if (!analysis) return trading;
  const trapped = analysis.sampled > 0 && analysis.cannotSell * 2 >= analysis.sampled;
  if (!trapped || trading.isHoneypot) return { ...trading, holderAnalysis: analysis };
  const first = analysis.sales.find((s) => s.sold === 'none');
  return {
    ...trading,
    isHoneypot: true,
    honeypotReason: `${analysis.cannotSell} of the ${analysis.sampled} largest holders cannot sell their own tokens${first?.reason ? ` (${first.reason})` : ''}`,
    holderAnalysis: analysis,
  };
}

function toHolderSale(o: HolderSaleOutcome): HolderSale {
  // The tax is measured on the small sale: a whole balance moves the price, and the pool's promise
  // for it (getAmountOut on the reserves before) is not linear in the amount.
  const done = o.part.ok ? o.part : o.whole.ok ? o.whole : null;
  const failed = !o.whole.ok ? o.whole : null;
  return {
    address: getAddress(o.address),
    balance: o.balance.toString(),
    sold: o.whole.ok ? 'all' : o.part.ok ? 'part' : 'none',
    sellTax: done ? tax(done.received, done.expected) : null,
    reason: failed ? (revertReason(failed.revertData) ?? 'reverted without a reason') : null,
  };
}


const round6 = (x: number) => Math.round(x * 1_000_000) / 1_000_000;
