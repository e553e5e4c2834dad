import type { DefiData, Finding, Network } from '@oca/contracts';
import type { Address } from 'viem';

/** What findings and the summary are written from. */
export interface DefiFacts {
  network: Network;
  address: Address;
  blockNumber: bigint;
  data: DefiData;
}

/** A cap (supply or borrow) used at or past this share is "near its cap". */
export const NEAR_CAP_PERCENT = 90;
/** Utilization from which withdrawals may have to wait for repayments. */
export const HIGH_UTILIZATION_PERCENT = 90;
/** The largest LP's share of a V2 pool from which its liquidity can leave at once. */
export const CONCENTRATED_LP_PERCENT = 50;
/** Impermanent loss worth a word (percent, absolute). */
export const NOTABLE_IL_PERCENT = 1;

const KIND_NAMES: Record<DefiData['kind'], string> = {
  'uniswap-v2-pool': 'a Uniswap V2-style pool',
  'uniswap-v3-pool': 'a Uniswap V3-style pool',
  'aave-v3-pool': 'an Aave V3-style lending pool',
  'erc4626-vault': 'an ERC-4626 vault',
  unknown: 'not a recognised DeFi contract',
};

const usd = (n: number | null) => (n === null ? 'unpriced' : `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`);
const pct = (n: number | null, digits = 2) => (n === null ? 'n/a' : `${n.toFixed(digits)} %`);

export function defiSummary({ network, address, blockNumber, data }: DefiFacts): string {
  const head = `${address} on ${network} at block ${blockNumber} is ${KIND_NAMES[data.kind]}`;
  if (data.kind === 'unknown') return `${head} (probed ${data.probes.map((p) => p.call).join(', ')}; none of the known interfaces answered).`;
  const tvl = `TVL ${usd(data.tvl?.usd ?? null)}`;
  if (data.pool) {
    const p = data.pool;
    return `${head}: ${tvl}; ${p.swaps} swaps in ${data.window.hours} h, volume ${usd(p.volumeUsd)}, fee APY ${pct(p.feeApyPercent)}; price ${p.priceChangePercent === null ? 'change n/a' : `${p.priceChangePercent >= 0 ? '+' : ''}${p.priceChangePercent.toFixed(2)} %`}.`;
  }
  if (data.lending) {
    const l = data.lending;
    const rates = l.reserves.map((r) => `${r.symbol ?? r.asset} supply ${pct(r.supplyApyPercent)} / borrow ${pct(r.variableBorrowApyPercent)} at ${pct(r.utilizationPercent, 1)} utilization`).join('; ');
    return `${head} with ${l.reserves.length} reserves: ${tvl} (supplied ${usd(l.totalSuppliedUsd)}, borrowed ${usd(l.totalBorrowedUsd)}); ${rates}.`;
  }
  const v = data.vault!;
  return `${head} of ${v.assetSymbol ?? v.asset}: ${tvl}; share-price APY over ${data.window.hours} h ${pct(v.apyPercent)}.`;
}

export function defiFindings(facts: DefiFacts): Finding[] {
  return [...kindFindings(facts), ...lendingFindings(facts), ...poolFindings(facts), ...vaultFindings(facts), ...adminFindings(facts), ...pricingFindings(facts)];
}

function kindFindings({ data }: DefiFacts): Finding[] {
  if (data.kind !== 'unknown') return [];
  return [
    {
      severity: 'info',
      title: 'Not a recognised DeFi contract',
      evidence: `None of the Uniswap V2/V3 pool, Aave V3 pool or ERC-4626 interfaces answered: ${data.probes.map((p) => `${p.call} ${p.answered ? 'answered' : 'failed'}`).join(', ')}.`,
    },
  ];
}

function lendingFindings({ data }: DefiFacts): Finding[] {
  if (!data.lending) return [];
  const out: Finding[] = [];
  for (const r of data.lending.reserves) {
    const name = r.symbol ?? r.asset;
    for (const [cap, used, limit] of [
      ['Borrow', r.borrowCapUsedPercent, r.borrowCap],
      ['Supply', r.supplyCapUsedPercent, r.supplyCap],
    ] as const) {
      if (used !== null && used >= NEAR_CAP_PERCENT) {
        out.push({
          severity: used >= 99 ? 'high' : 'medium',
          title: `${cap} cap of ${name} ${used >= 100 ? 'reached' : 'nearly reached'}: ${pct(used, 1)}`,
          evidence: `${cap === 'Borrow' ? `Borrowed ${r.borrowed}` : `Supplied ${r.supplied}`} (raw) of a ${limit} ${name} cap from the reserve configuration bitmap; further ${cap === 'Borrow' ? 'borrows' : 'supplies'} revert past it.`,
        });
      }
    }
    if (r.utilizationPercent !== null && r.utilizationPercent >= HIGH_UTILIZATION_PERCENT) {
      out.push({
        severity: 'medium',
        title: `High utilization of ${name}: ${pct(r.utilizationPercent, 1)}`,
        evidence: `Borrowed ${r.borrowed} of ${r.supplied} supplied (raw); only ${r.available} can be withdrawn until borrowers repay. Borrow APY ${pct(r.variableBorrowApyPercent)}.`,
      });
    }
    if (r.oracleSource === null) {
      out.push({ severity: 'high', title: `No oracle source for ${name}`, evidence: `The market's oracle ${data.lending.oracle ?? '(none)'} names no price source for ${r.asset}.` });
    }
    if (r.paused || r.frozen || !r.active) {
      out.push({ severity: 'medium', title: `Reserve ${name} is ${!r.active ? 'inactive' : r.paused ? 'paused' : 'frozen'}`, evidence: `Configuration bitmap of ${r.asset}: active ${r.active}, frozen ${r.frozen}, paused ${r.paused}.` });
    }
  }
  const sources = data.lending.reserves.filter((r) => r.oracleSource !== null).map((r) => `${r.symbol ?? r.asset}: ${r.oracleSource} (price ${r.oraclePrice})`);
  if (sources.length > 0) out.push({ severity: 'info', title: 'Oracle sources', evidence: `AaveOracle ${data.lending.oracle} getSourceOfAsset per reserve — ${sources.join('; ')}.` });
  return out;
}

function poolFindings({ data }: DefiFacts): Finding[] {
  const p = data.pool;
  if (!p) return [];
  const out: Finding[] = [];
  if (p.lp && p.lp.top1Percent >= CONCENTRATED_LP_PERCENT) {
    out.push({
      severity: p.lp.top1Percent >= 90 ? 'high' : 'medium',
      title: `Concentrated liquidity: one LP holds ${pct(p.lp.top1Percent, 1)}`,
      evidence: `${p.lp.largest} holds ${pct(p.lp.top1Percent, 1)} of the LP supply (${p.lp.holders} holders, top 5 ${pct(p.lp.top5Percent, 1)}); it can withdraw that share of the pool in one transaction.`,
    });
  }
  if (p.lpUnavailable) out.push({ severity: 'info', title: 'LP holders not counted', evidence: p.lpUnavailable });
  if (p.impermanentLossPercent !== null && Math.abs(p.impermanentLossPercent) >= NOTABLE_IL_PERCENT) {
    out.push({
      severity: 'low',
      title: `Impermanent loss ${pct(p.impermanentLossPercent)} over ${data.window.hours} h`,
      evidence: `The price moved ${pct(p.priceChangePercent)} (${p.priceThen} → ${p.priceNow}); a 50/50 position is worth ${pct(-p.impermanentLossPercent)} less than holding, against fees of ${usd(p.feesUsd)} to all LPs.`,
    });
  }
  return out;
}

function vaultFindings({ data }: DefiFacts): Finding[] {
  const v = data.vault;
  if (!v || v.apyPercent !== null) return [];
  return [{ severity: 'info', title: 'No share-price history for the window', evidence: `convertToAssets did not answer at block ${v.fromBlock} (the vault did not exist yet): no APY over ${data.window.hours} h.` }];
}

function adminFindings({ data }: DefiFacts): Finding[] {
  const out: Finding[] = [];
  for (const a of data.admin) {
    if (a.implementation) {
      out.push({
        severity: 'medium',
        title: `Upgradeable ${a.role}`,
        evidence: `${a.contract} is an EIP-1967 proxy to ${a.implementation}${a.upgradeAdmin ? `, upgradeable by ${a.upgradeAdmin}` : ''}: its code can be replaced.`,
      });
    }
    if (a.owner) out.push({ severity: 'info', title: `Owned ${a.role}`, evidence: `${a.contract} has owner() ${a.owner}.` });
    if (a.paused !== null) out.push({ severity: a.paused ? 'high' : 'info', title: a.paused ? `Paused ${a.role}` : `Pausable ${a.role}`, evidence: `${a.contract} answers paused() = ${a.paused}.` });
  }
  return out;
}

function pricingFindings({ data }: DefiFacts): Finding[] {
  if (!data.tvl || data.tvl.unpriced.length === 0) return [];
  return [{ severity: 'info', title: 'Unpriced assets left out of TVL', evidence: `No DEX pool prices ${data.tvl.unpriced.join(', ')}; their amounts are listed but not in the USD total.` }];
}
