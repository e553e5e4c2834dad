import type { AddressLabel } from '@oca/chain';
import type { Finding } from '@oca/contracts';
import type { Address } from 'viem';
import type { FlaggedInteraction, ForensicsData, FundingHop, NativeCounterparty, NftCounterparty, TokenCounterparty } from './forensics-contract';

/** A wallet first funded less than this before the analysed block is fresh. */
export const FRESH_WALLET_SECONDS = 7 * 24 * 3600;
/** A pass-through sent at most this many transactions to at most this many native counterparties. */
export const SINGLE_USE_MAX = 2;

const FLAG_KINDS = new Set(['mixer', 'sanctioned']);

/**
 * Sanctioned or mixer addresses within reach: every funder on the trail (hop n, path = the trail
 * to it) and every direct counterparty, native, token or NFT (hop 0, path = [address, counterparty]).
 */
export function flaggedInteractions(
  address: Address,
  hops: readonly FundingHop[],
  native: readonly NativeCounterparty[],
  tokens: readonly (TokenCounterparty | NftCounterparty)[],
  labelOf: (a: string) => AddressLabel | undefined,
): FlaggedInteraction[] {
  const out: FlaggedInteraction[] = [];
  const flag = (a: string, hop: number, path: string[], via: FlaggedInteraction['via']) => {
    const label = labelOf(a);
    if (!label || !FLAG_KINDS.has(label.kind)) return;
    if (out.some((f) => f.address === a && f.hop === hop && f.via === via)) return;
    out.push({ address: a, label: label.name, kind: label.kind as FlaggedInteraction['kind'], hop, path, via, labelSource: label.source });
  };
  for (const h of hops) flag(h.funder, h.hop, h.path, 'funding');
  for (const c of [...native, ...tokens]) {
    if (c.sentCount > 0) flag(c.address, 0, [address, c.address], 'sent');
    if (c.receivedCount > 0) flag(c.address, 0, [address, c.address], 'received');
  }
  return out;
}

/** Fresh-wallet and single-use signals; null where the native history is unavailable. */
export function walletSignals(firstFundedTimestamp: number | null, blockTimestamp: number, transactionCount: number, nativeCounterparties: number | null): ForensicsData['signals'] {
  const ageSeconds = firstFundedTimestamp === null ? null : blockTimestamp - firstFundedTimestamp;
  return {
    ageSeconds,
    freshWallet: ageSeconds === null ? null : ageSeconds < FRESH_WALLET_SECONDS,
    singleUse: nativeCounterparties === null ? null : transactionCount <= SINGLE_USE_MAX && nativeCounterparties <= SINGLE_USE_MAX,
  };
}

const LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/**
 * The risk level is the worst reason: a sanctioned address within depth is critical; a mixer, or
 * deploying a contract the security agent calls a honeypot or DANGER/CRITICAL, is high; a fresh
 * wallet that deploys contracts is medium. No reason: low — which, with a source unavailable, says
 * only that nothing was found.
 */
export function riskOf(data: Omit<ForensicsData, 'risk'>): ForensicsData['risk'] {
  const reasons: [number, string][] = [];
  for (const f of data.flagged) {
    const where = f.hop === 0 ? `a direct counterparty (${f.via})` : `funder at hop ${f.hop} (${f.path.join(' ← ')})`;
    reasons.push([f.kind === 'sanctioned' ? 3 : 2, `${f.kind === 'sanctioned' ? 'Sanctioned' : 'Mixer'} address ${f.label} is ${where}`]);
  }
  const risky = data.deployed.filter((d) => d.security?.isHoneypot || d.security?.verdict === 'DANGER' || d.security?.verdict === 'CRITICAL');
  for (const d of risky) reasons.push([2, `Deployed ${d.address}, which the security agent rates ${d.security!.verdict}${d.security!.isHoneypot ? ' (honeypot)' : ''}`]);
  if (data.signals.freshWallet && data.deployed.length > 0) reasons.push([1, `A fresh wallet (first funded ${hoursOf(data.signals.ageSeconds!)} h before the block) that deployed ${data.deployed.length} contract(s)`]);
  if (!data.sources.nativeHistory.available) reasons.push([0, 'Native funding data is unavailable: funders and mixer exposure are unknown, not clean']);
  const worst = Math.max(0, ...reasons.map(([l]) => l));
  return { level: LEVELS[worst]!, reasons: reasons.map(([, r]) => r) };
}

/** Findings with their evidence; each names the addresses and transactions to check. */
export function forensicsFindings(data: ForensicsData): Finding[] {
  const findings: Finding[] = [];
  for (const f of data.flagged) {
    findings.push({
      severity: f.kind === 'sanctioned' ? 'critical' : 'high',
      title: `${f.kind === 'sanctioned' ? 'Sanctioned' : 'Mixer'} interaction at hop ${f.hop}`,
      evidence: `${f.label} (${f.address}, source: ${f.labelSource}) via ${f.via}; path ${f.path.join(' → ')}`,
    });
  }
  const honeypots = data.deployed.filter((d) => d.security?.isHoneypot);
  for (const h of honeypots) {
    const others = data.deployed.filter((d) => d.address !== h.address).map((d) => d.address);
    findings.push({
      severity: 'high',
      title: 'Deployer of a honeypot',
      evidence: `${h.address} (created in ${h.transactionHash}) is a honeypot per the security agent (verdict ${h.security!.verdict}, score ${h.security!.score})${others.length ? `; same creator: ${others.join(', ')}` : ''}`,
    });
  }
  for (const d of data.depositAddresses) {
    findings.push({
      severity: 'info',
      title: 'Exchange deposit address',
      evidence: `${d.address} received from ${d.senders} senders (${d.paidBySubject} wei from this address) and forwarded ${d.forwarded} wei only to ${d.exchangeLabel} (${d.exchange}): this address is a customer of that exchange`,
    });
  }
  if (data.signals.freshWallet) findings.push({ severity: 'low', title: 'Fresh wallet', evidence: `First funded ${hoursOf(data.signals.ageSeconds!)} h before the analysed block (${data.funding.hops[0]?.transactionHash ?? 'n/a'})` });
  if (data.signals.singleUse) findings.push({ severity: 'low', title: 'Single-use wallet', evidence: `${data.transactionCount} transaction(s) sent, ${data.counterparties.native.length} native counterparties: a pass-through` });
  for (const [name, status] of Object.entries(data.sources)) {
    if (!status.available) findings.push({ severity: 'info', title: name === 'nativeHistory' ? 'Funding data unavailable' : 'Token transfers unavailable', evidence: status.reason ?? '' });
  }
  return findings;
}

export function forensicsSummary(data: ForensicsData): string {
  const funder = data.funding.hops[0];
  const parts = [
    `Risk ${data.risk.level}.`,
    funder ? `First funded by ${funder.funderLabel ?? funder.funder} (${funder.value} wei).` : data.sources.nativeHistory.available ? 'No native funding on record.' : 'Funding data unavailable.',
    `${data.counterparties.native.length} native, ${new Set(data.counterparties.tokens.map((t) => t.address)).size} token and ${new Set(data.counterparties.nfts.map((t) => t.address)).size} NFT counterparties, ${data.deployed.length} contract(s) deployed.`,
  ];
  if (data.flagged.length) parts.push(`${data.flagged.length} mixer/sanctioned interaction(s) within depth ${data.funding.depth}.`);
  if (data.depositAddresses.length) parts.push(`Pays into ${data.depositAddresses.length} exchange deposit address(es).`);
  return parts.join(' ');
}

function hoursOf(seconds: number): number {
  return Math.round((seconds / 3600) * 10) / 10;
}
