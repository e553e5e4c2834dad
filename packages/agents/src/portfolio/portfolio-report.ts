import type { Finding, Network, PortfolioHolding } from '@oca/contracts';
import type { PortfolioData } from './portfolio-contract';
import { RISK_CHECK_TOP } from './risk';

/** What findings and the summary are written from. */
export interface PortfolioFacts {
  network: Network;
  blockNumber: bigint;
  data: PortfolioData;
  /** Tokens (of holdings or positions) the quick checks did not reach. */
  uncheckedTokens: number;
}

/** One holding at or above this share of the priced total (percent) is a concentrated allocation. */
export const CONCENTRATED_ALLOCATION = 50;
export const HIGHLY_CONCENTRATED_ALLOCATION = 80;

const name = (h: PortfolioHolding) => `${h.symbol ?? h.token ?? 'native'}${h.tokenId !== null ? ` #${h.tokenId}` : ''}`;
const usd = (n: number | null) => (n === null ? 'unknown value' : `$${n.toFixed(2)}`);
const round = (n: number) => (Math.round(n * 100) / 100).toString();

export function portfolioSummary({ network, blockNumber, data }: PortfolioFacts): string {
  const t = data.totals;
  const honeypots = data.holdings.filter((h) => h.risk.honeypot === true).length;
  const largest = data.holdings.find((h) => h.allocationPercent !== null);
  return (
    `${data.address} on ${network} at block ${blockNumber}: ${data.holdings.length} holding${data.holdings.length === 1 ? '' : 's'}, ${usd(t.pricedUsd)} priced` +
    `${t.unpricedHoldings > 0 ? ` plus ${t.unpricedHoldings} unpriced` : ''}` +
    `${data.nfts.length > 0 ? `, and ${nftCount(data)} unpriced` : ''}` +
    `${largest ? `; largest ${name(largest)} at ${round(largest.allocationPercent!)} %` : ''}` +
    `${honeypots > 0 ? `; ${honeypots} honeypot holding${honeypots === 1 ? '' : 's'}` : ''}` +
    `${data.history.complete ? '' : `; history read from block ${data.history.fromBlock} only`}.`
  );
}

export function portfolioFindings(facts: PortfolioFacts): Finding[] {
  return [...honeypotFindings(facts), ...mintableFindings(facts), ...allocationFindings(facts), ...proxyFindings(facts), ...unpricedFindings(facts), ...nftFindings(facts), ...coverageFindings(facts)];
}

function honeypotFindings({ data }: PortfolioFacts): Finding[] {
  return data.holdings
    .filter((h) => h.risk.honeypot === true)
    .map((h) => ({
      severity: 'high' as const,
      title: `Holding a honeypot: ${name(h)}`,
      evidence: `A simulated buy → transfer → sell of ${h.kind === 'erc20' ? h.token : `the tokens of pool ${h.pool}`} at block ${data.history.toBlock}: ${h.risk.honeypotReason ?? 'the sale fails'}. The ${h.balance} raw units held (${usd(h.valueUsd)} at the pool price) cannot be sold.`,
    }));
}

function mintableFindings({ data }: PortfolioFacts): Finding[] {
  return data.holdings
    .filter((h) => h.risk.mintable === true && h.risk.honeypot !== true)
    .map((h) => ({
      severity: 'medium' as const,
      title: `Mintable token held: ${name(h)}`,
      evidence: `The code of ${h.kind === 'erc20' ? h.token : `a token of pool ${h.pool}`} (or its implementation) has a catalogued mint function: its owner can dilute the ${usd(h.valueUsd)} held.`,
    }));
}

function proxyFindings({ data }: PortfolioFacts): Finding[] {
  return data.holdings
    .filter((h) => h.risk.proxy === true)
    .map((h) => ({ severity: 'low' as const, title: `Upgradeable token held: ${name(h)}`, evidence: `${h.token} is a proxy: its rules can change without the holder's consent.` }));
}

function allocationFindings({ data }: PortfolioFacts): Finding[] {
  const top = data.holdings[0];
  if (!top || top.allocationPercent === null || top.allocationPercent < CONCENTRATED_ALLOCATION || data.totals.pricedHoldings < 2) return [];
  return [
    {
      severity: top.allocationPercent >= HIGHLY_CONCENTRATED_ALLOCATION ? 'medium' : 'low',
      title: `Concentrated allocation: ${round(top.allocationPercent)} % in ${name(top)}`,
      evidence: `${name(top)} is worth ${usd(top.valueUsd)} of the ${usd(data.totals.pricedUsd)} priced across ${data.totals.pricedHoldings} holdings.`,
    },
  ];
}

function unpricedFindings({ data }: PortfolioFacts): Finding[] {
  const unpriced = data.holdings.filter((h) => h.valueUsd === null);
  if (unpriced.length === 0) return [];
  return [
    {
      severity: 'info',
      title: `${unpriced.length} unpriced holding${unpriced.length === 1 ? '' : 's'}`,
      evidence: `No DEX pool against the network's quote tokens prices ${unpriced.map((h) => `${name(h)} (${h.token ?? 'native'})`).join(', ')}: listed with unknown value, left out of the total and of the allocation.`,
    },
  ];
}

const nftCount = (data: PortfolioData) => {
  const ids = data.nfts.reduce((n, c) => n + c.tokens.length, 0);
  return `${ids} NFT${ids === 1 ? '' : 's'} in ${data.nfts.length} collection${data.nfts.length === 1 ? '' : 's'}`;
};

function nftFindings({ data }: PortfolioFacts): Finding[] {
  if (data.nfts.length === 0) return [];
  const list = data.nfts.map((c) => `${c.symbol ?? c.name ?? c.collection} (${c.standard === 'erc721' ? 'ERC-721' : 'ERC-1155'} ${c.collection}: ${c.tokens.map((t) => (c.standard === 'erc721' ? `#${t.tokenId}` : `#${t.tokenId} × ${t.amount}`)).join(', ')})`);
  return [
    {
      severity: 'info',
      title: `${nftCount(data)}, unpriced`,
      evidence: `Held at block ${data.history.toBlock} (ownerOf / balanceOfBatch): ${list.join('; ')}. No NFT price source is read: their value is unknown, not $0, and they are left out of the total and the allocation.`,
    },
  ];
}

function coverageFindings({ data, uncheckedTokens }: PortfolioFacts): Finding[] {
  const out: Finding[] = [];
  if (data.nftScan.checked < data.nftScan.candidates) {
    out.push({
      severity: 'info',
      title: 'NFTs read only in part',
      evidence: `The history shows ${data.nftScan.candidates} NFT ids arriving; the ${data.nftScan.checked} newest were confirmed on chain, the others are not listed.`,
    });
  }
  if (!data.history.complete) {
    out.push({
      severity: 'info',
      title: 'History read only in part',
      evidence: `The log budget covered blocks ${data.history.fromBlock}–${data.history.toBlock}: tokens last moved before block ${data.history.fromBlock} are missing unless they are the network's quote tokens, and cost bases are absent.`,
    });
  }
  if (uncheckedTokens > 0) {
    out.push({ severity: 'info', title: `${uncheckedTokens} token${uncheckedTokens === 1 ? '' : 's'} not risk-checked`, evidence: `The quick checks cover the tokens of the ${RISK_CHECK_TOP} largest holdings; smaller ones carry no risk column.` });
  }
  return out;
}
