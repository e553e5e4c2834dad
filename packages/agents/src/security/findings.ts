import type { Finding, Network, Severity } from '@oca/contracts';
import type { Address, Hex } from 'viem';
import { RISKY_SELECTORS } from './risky-functions';
import { HONEYPOT_SELL_TAX } from './trading';
import type { HolderSaleAnalysis, RiskyFunction, RiskyFunctionCategory, SecurityCapabilities, SecurityContract, SecurityHolders, SecurityLiquidity, SecurityToken, SecurityTrading } from './schemas';

/** Everything the findings are written from. */
export interface SecurityFacts {
  network: Network;
  target: Address;
  blockNumber: bigint;
  token: SecurityToken;
  contract: SecurityContract;
  capabilities: SecurityCapabilities;
  trading: SecurityTrading;
  /** Why the simulated wallet-to-wallet transfer failed; null when it worked or was not reached. */
  transferFailure: string | null;
  /** The simulation eth_call reverted as a whole (the probe catches the token's own failures). */
  simulationReverted: boolean;
  holders: SecurityHolders | null;
  /** Why `holders` is null. */
  holdersUnavailable: string | null;
  /** The LP history scan ran out of budget: LP holder lists are partial (burned share is exact). */
  lpHoldersIncomplete: boolean;
  liquidity: SecurityLiquidity;
}

/** Severity of each capability, as if the owner can use it; renounced ownership lowers it a step. */
const CAPABILITY: Record<Exclude<RiskyFunctionCategory, 'upgrade'>, { severity: Severity; title: string; why: string }> = {
  balance: { severity: 'critical', title: 'Owner can rewrite balances', why: 'a privileged function sets holders’ balances directly' },
  mint: { severity: 'high', title: 'Owner can mint new tokens', why: 'new supply dilutes every holder and can be dumped into the pool' },
  pause: { severity: 'high', title: 'Transfers can be paused', why: 'a switch stops every transfer, sells included' },
  blacklist: { severity: 'high', title: 'Blacklist: addresses can be blocked', why: 'a blocked holder can no longer sell' },
  tax: { severity: 'high', title: 'Owner can change the taxes', why: 'a tax raised to 100 % turns the token into a honeypot' },
  cooldown: { severity: 'high', title: 'Trading cooldown', why: 'trades are rate-limited per address; a long cooldown blocks selling' },
  'anti-whale': { severity: 'medium', title: 'Maximum transaction or wallet limit', why: 'transfers above a limit revert' },
  whitelist: { severity: 'medium', title: 'Whitelist: some addresses trade under other rules', why: 'listed addresses bypass limits or taxes' },
  'trading-switch': { severity: 'info', title: 'Trading is switched on by the owner', why: 'a one-way switch opened trading' },
};

const LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'info', info: 'info' };

export function securityFindings(facts: SecurityFacts): Finding[] {
  return [...contractFindings(facts), ...capabilityFindings(facts), ...tradingFindings(facts), ...holderFindings(facts), ...liquidityFindings(facts)];
}

function contractFindings({ contract, blockNumber }: SecurityFacts): Finding[] {
  const out: Finding[] = [];
  const { proxy } = contract;
  if (proxy?.upgradeable) {
    const who = proxy.kind === 'EIP-1967-beacon' ? `the beacon ${proxy.beacon}'s owner` : proxy.admin ? `the admin ${proxy.admin}` : 'the implementation’s upgrade function (UUPS)';
    out.push({
      severity: 'high',
      title: 'Upgradeable proxy: the code can be replaced',
      evidence: `${proxy.kind} proxy at block ${blockNumber}; implementation ${proxy.implementation ?? 'unresolved'}; ${who} can point it at new code, changing every rule of the token.`,
    });
  } else if (proxy) {
    out.push({ severity: 'info', title: 'Minimal proxy (EIP-1167)', evidence: `A fixed clone of ${proxy.implementation}; the implementation cannot change.` });
  }
  if (contract.selfdestruct) {
    out.push({ severity: 'high', title: 'Contract can self-destruct', evidence: 'A reachable SELFDESTRUCT instruction in the decoded bytecode.' });
  }
  if (contract.delegatecall && !proxy) {
    out.push({
      severity: 'medium',
      title: 'Runs external code (DELEGATECALL)',
      evidence: 'A reachable DELEGATECALL instruction outside any proxy pattern: code at another address runs with this token’s storage.',
    });
  }
  if (contract.ownerAddress === null) {
    out.push({ severity: 'info', title: 'No owner function', evidence: 'owner() and getOwner() did not answer with an address.' });
  } else if (contract.ownershipRenounced) {
    out.push({ severity: 'info', title: 'Ownership renounced', evidence: `owner() = ${contract.ownerAddress} at block ${blockNumber}.` });
  } else {
    out.push({ severity: 'info', title: 'Owned contract', evidence: `owner() = ${contract.ownerAddress} at block ${blockNumber}.` });
  }
  return out;
}

/** Capability findings from the dispatcher's catalogued functions (exported for its unit test). */
export function capabilityFindings({ contract, capabilities }: Pick<SecurityFacts, 'contract' | 'capabilities'>): Finding[] {
  const byCategory = new Map<RiskyFunctionCategory, RiskyFunction[]>();
  for (const fn of contract.riskyFunctions) byCategory.set(fn.category, [...(byCategory.get(fn.category) ?? []), fn]);
  const out: Finding[] = [];
  for (const [category, fns] of byCategory) {
    if (category === 'upgrade') continue;
    const spec = CAPABILITY[category];
    let severity = spec.severity;
    // An anti-whale limit the owner can change can be set to zero, which freezes trading.
    if (category === 'anti-whale' && capabilities.antiWhaleModifiable) severity = 'high';
    const renounced = contract.ownershipRenounced === true;
    if (renounced) severity = LOWER[severity];
    // A getter (`isBlacklisted`, `cooldownEnabled`, `maxTxAmount`) shows the feature is in the
    // code, not that anyone can still switch it: without a setter it is not HIGH on its own (the
    // trading simulation reports its effect when it is active).
    const gettersOnly = fns.every((f) => RISKY_SELECTORS.get(f.selector as Hex)?.setter === false);
    if (gettersOnly && (severity === 'high' || severity === 'critical')) severity = 'medium';
    const list = fns.map((f) => `${f.signature} (${f.selector}${f.foundIn === 'implementation' ? ', in the implementation' : ''})`).join(', ');
    out.push({
      severity,
      title: spec.title,
      evidence: `Dispatcher exposes ${list}: ${spec.why}.${gettersOnly ? ' Only a getter was found, no catalogued function that changes it; the simulated trade shows whether it is active.' : ''}${renounced ? ' Ownership is renounced, so only another privileged role could still call it.' : ''}`,
    });
  }
  return out;
}

function tradingFindings({ trading, transferFailure, holders, simulationReverted }: SecurityFacts): Finding[] {
  if (simulationReverted) {
    return [
      {
        severity: 'medium',
        title: 'Trading simulation reverted',
        evidence: 'The buy/sell simulation failed as a whole (every token call inside it is guarded, so the token exhausted its gas or broke the call); taxes are unknown.',
      },
    ];
  }
  if (trading.method === null) {
    const searched = holders ? 'among its holders or behind the listed factories' : 'behind the listed factories (its holders could not be read)';
    return [
      {
        severity: 'info',
        title: 'Trading not simulated',
        evidence: `No V2, V3 or Solidly pool (Uniswap or a fork) of this token against a wrapped native coin was found ${searched}, and the token is not one itself, so buy and sell taxes are unknown.`,
      },
    ];
  }
  const where = trading.method === 'wrap' ? 'by deposit() and withdraw() (the token is a wrapped native coin)' : `through ${trading.dex ?? 'the'} pool ${trading.pool}`;
  const skipped = trading.skippedPools.map((p) => `${p.dex} pool ${p.pool} (${p.reason})`).join('; ');
  if (trading.cannotBuy) {
    const elsewhere = skipped ? ` The buy reverted in every other pool too: ${skipped}.` : '';
    return [{ severity: 'high', title: 'Buying fails', evidence: `A simulated buy ${where} did not deliver tokens: ${trading.honeypotReason}.${elsewhere}` }];
  }
  const out: Finding[] = [];
  // Deeper pools whose buy reverted: said, not held against the token (its own failures come after a buy).
  if (skipped) {
    out.push({ severity: 'info', title: 'Deeper pools could not be simulated', evidence: `The simulated buy reverted in ${skipped}; the trade was simulated ${where} instead.` });
  }
  const sales = trading.holderAnalysis;
  const trapped = sales !== null && sales.sampled > 0 && sales.cannotSell * 2 >= sales.sampled;
  // A fresh sell went through (with a tax below confiscatory): the trap only shows in the holders' sales.
  const freshSold = trading.sellTax !== null && trading.sellTax < HONEYPOT_SELL_TAX;
  if (trading.isHoneypot && trapped && freshSold) {
    out.push({
      severity: 'critical',
      title: 'Honeypot: existing holders cannot sell',
      evidence: `A fresh wallet bought and sold ${where}, but ${sales.cannotSell} of the ${sales.sampled} largest holders cannot sell their own tokens from their own addresses (${blockedSales(sales)}): the token traps those who already hold it.`,
    });
  } else if (trading.isHoneypot) {
    out.push({ severity: 'critical', title: 'Honeypot: selling fails', evidence: `A simulated buy ${where} worked, then the sell failed: ${trading.honeypotReason}.` });
  } else if (trading.cannotSellAll) {
    out.push({ severity: 'high', title: 'Cannot sell the whole balance', evidence: `Selling the whole bought amount ${where} reverted; a tenth of it sold.` });
  }
  for (const [name, value] of [
    ['Buy', trading.buyTax],
    ['Sell', trading.sellTax],
    ['Transfer', trading.transferTax],
  ] as const) {
    if (value === null || value === 0) continue;
    out.push({ severity: taxSeverity(value), title: `${name} tax ${pct(value * 100)}`, evidence: `Simulated ${name.toLowerCase()} ${where}: ${pct(value * 100)} of the amount the reserves promise did not arrive.` });
  }
  if (transferFailure) out.push({ severity: 'high', title: 'Wallet-to-wallet transfers fail', evidence: `A simulated transfer to a fresh address failed: ${transferFailure}.` });
  if (sales && sales.cannotSell > 0 && !trapped) {
    out.push({ severity: 'high', title: 'Some holders cannot sell', evidence: `${sales.cannotSell} of the ${sales.sampled} largest holders cannot sell their own tokens ${where} (${blockedSales(sales)}).` });
  }
  if (out.length === 0) {
    out.push({ severity: 'info', title: 'Buy and sell simulated without tax', evidence: `Bought, transferred and sold the whole amount ${where}; every step delivered what the reserves promised.` });
  }
  if (sales && sales.cannotSell === 0) {
    const taxes = sales.highestTax ? `; sell tax ${pct((sales.averageTax ?? 0) * 100)} on average, ${pct(sales.highestTax * 100)} at most` : ', without tax';
    out.push({ severity: 'info', title: `The ${sales.sampled} largest holders can sell`, evidence: `Each sold its own tokens from its own address ${where} (${sales.sales.filter((s) => s.sold === 'all').length} its whole balance at once)${taxes}.` });
  }
  return out;
}

/** The holders whose sale failed, with the reason, for evidence. */
function blockedSales(sales: HolderSaleAnalysis): string {
  return sales.sales
    .filter((s) => s.sold === 'none')
    .slice(0, 3)
    .map((s) => `${s.address}: ${s.reason ?? 'reverted'}`)
    .join('; ');
}

function taxSeverity(tax: number): Severity {
  if (tax >= 0.5) return 'critical';
  if (tax >= 0.2) return 'high';
  if (tax >= 0.1) return 'medium';
  return 'low';
}

function holderFindings({ holders, holdersUnavailable, contract }: SecurityFacts): Finding[] {
  if (!holders) return [{ severity: 'info', title: 'Holders not analysed', evidence: holdersUnavailable ?? 'The Transfer history could not be read.' }];
  const out: Finding[] = [];
  const concentrated = (who: string, address: string | null, share: number | null) => {
    if (address === null || share === null || share < 20) return;
    out.push({ severity: share >= 50 ? 'high' : 'medium', title: `${who} holds ${pct(share)} of the supply`, evidence: `balanceOf(${address}) is ${pct(share)} of totalSupply; a sale of that size moves the price against every holder.` });
  };
  const sameParty = holders.creatorAddress !== null && holders.creatorAddress === contract.ownerAddress;
  concentrated(sameParty ? 'The owner (and creator)' : 'The owner', contract.ownershipRenounced ? null : contract.ownerAddress, holders.ownerPercent);
  if (!sameParty) concentrated('The creator', holders.creatorAddress, holders.creatorPercent);
  out.push({
    severity: 'info',
    title: `${holders.holderCount} holders`,
    evidence: `From ${holders.logsScanned} Transfer/Deposit logs since block ${holders.scannedFromBlock}${holders.historyComplete ? " (the token's creation)" : ' (the earliest block the node could show; history before it is unknown)'} and balanceOf at the pinned block; the top 10 hold ${pct(holders.top10Percent)}.${holders.creatorAddress ? '' : ' No mint Transfer was found, so the creator is unknown.'}`,
  });
  return out;
}

/** Liquidity findings from the deepest pool (exported for its unit test). */
export function liquidityFindings({ liquidity, trading, lpHoldersIncomplete, holders }: Pick<SecurityFacts, 'liquidity' | 'trading' | 'lpHoldersIncomplete' | 'holders'>): Finding[] {
  const deepest = liquidity.pools[0];
  if (!deepest) {
    const evidence = holders
      ? 'No verified V2 pair or V3 pool holds this token, and the listed factories have none.'
      : 'The listed factories have no V2 pair or V3 pool for this token; pools of other factories are found through the holder list, which could not be read.';
    return [{ severity: 'info', title: 'No DEX pool found', evidence }];
  }
  // A wrapped native coin is redeemable 1:1; who can pull its pools does not decide its value.
  if (trading.method === 'wrap') return [];
  const burned = deepest.lpBurnedPercent;
  if (burned === null) {
    // The deepest pool is V3 and none of its positions could be attributed to an NFT owner.
    const fee = deepest.feeTier === null ? '' : ` (fee ${deepest.feeTier / 10_000}%)`;
    return [{ severity: 'info', title: 'Main liquidity in a Uniswap V3 pool: LP burned/locked unknown', evidence: `Pool ${deepest.address}${fee}: ${deepest.lpUnknownReason ?? ''}` }];
  }
  const locked = deepest.lpLockedPercent ?? 0;
  const top = deepest.lpHolders.find((h) => h.tag !== 'burn' && h.tag !== 'locker');
  // V3: shares of the pool's position liquidity, held as position-manager NFTs.
  const v3 = deepest.dex === 'uniswap-v3';
  const lp = v3 ? 'position liquidity (position-manager NFTs)' : 'LP tokens';
  const out: Finding[] = [];
  if (top && top.percent > 50 && top.isContract && top.tag !== 'owner' && top.tag !== 'creator') {
    // A contract that is not a listed locker: a multisig, a vault, a locker the agent does not
    // know. What it lets its owners do is not known from its balance, so not HIGH by itself.
    out.push({
      severity: 'medium',
      title: 'Liquidity held by a contract of unknown lock status',
      evidence: `${top.address}, a contract that is not a known LP locker, holds ${pct(top.percent)} of pool ${deepest.address}'s ${lp}. Whether it can withdraw at will (a multisig, a vault, an unlisted locker) cannot be told from its balance: check that contract before trusting the liquidity.`,
    });
  } else if (top && top.percent > 50) {
    const role = top.tag === 'owner' || top.tag === 'creator' ? ` (the token’s ${top.tag})` : '';
    out.push({
      severity: 'high',
      title: 'Liquidity can be pulled by one holder',
      evidence: `${top.address}${role} holds ${pct(top.percent)} of pool ${deepest.address}'s ${lp}, unburned and unlocked; ${v3 ? 'decreasing it' : 'burning them'} withdraws that share of the reserves.`,
    });
  } else if (100 - burned - locked > 50) {
    out.push({
      severity: 'medium',
      title: 'Liquidity not locked',
      evidence: `${pct(100 - burned - locked)} of pool ${deepest.address}'s ${lp} is neither burned nor locked, spread over ${deepest.lpHolderCount} holders (largest ${pct(top?.percent ?? 0)}).`,
    });
  } else {
    const lockedText = locked > 0 ? `, ${pct(locked)} locked` : '';
    const lockers = deepest.lpLocks.filter((l) => l.lockedPercent > 0).map((l) => `${pct(l.lockedPercent)} in ${l.name} (${l.locker})${l.expiryChecked ? '' : ', unlock times not read'}`);
    out.push({
      severity: 'info',
      title: `Liquidity ${pct(burned)} burned${lockedText}`,
      evidence: `Pool ${deepest.address}: ${pct(burned)} of the ${v3 ? 'position liquidity is in NFTs owned' : 'LP supply is held'} by 0x0 or 0x…dEaD${lockers.length > 0 ? `; locked: ${lockers.join('; ')}` : ''}.`,
    });
  }
  for (const lock of deepest.lpLocks) {
    const expired = lock.heldPercent - lock.lockedPercent;
    if (!lock.expiryChecked || expired <= 0) continue;
    out.push({
      severity: 'low',
      title: `Expired LP lock: ${pct(expired)} withdrawable`,
      evidence: `${lock.name} (${lock.locker}) holds ${pct(lock.heldPercent)} of pool ${deepest.address}'s ${v3 ? 'position liquidity' : 'LP'}, of which ${pct(expired)} is past its unlock time at this block: its owner can withdraw it at any time, so it is not counted as locked.`,
    });
  }
  if (lpHoldersIncomplete) {
    out.push({ severity: 'info', title: 'LP holders partly known', evidence: 'The LP Transfer history exceeded the scan budget; burned shares are exact (read from 0x0 and 0x…dEaD), the holder list is not.' });
  }
  if (deepest.lpLockedPercent === null) {
    out.push({ severity: 'info', title: 'LP lock status unknown', evidence: deepest.lpUnknownReason ?? 'Some LP tokens sit in contracts the agent cannot classify.' });
  }
  return out;
}

const pct = (value: number) => `${value.toFixed(2)}%`;
