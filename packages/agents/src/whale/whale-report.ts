import type { Finding, Network, Severity } from '@oca/contracts';
import type { WhaleData } from './whale-contract';

/** What findings and the summary are written from. */
export interface WhaleFacts {
  network: Network;
  blockNumber: bigint;
  data: WhaleData;
  /** The exchange deposits of the window against the rate before it. */
  exchangeInflow: { net: bigint; baseline: bigint; spike: boolean };
}

/** Top-10 share of circulating supply (percent) from which supply counts as concentrated. */
export const CONCENTRATED_TOP10 = 50;
export const HIGHLY_CONCENTRATED_TOP10 = 80;

export function whaleSummary({ network, blockNumber, data }: WhaleFacts): string {
  const name = data.token.symbol ?? data.token.address;
  const c = data.concentration;
  const insiders = data.funding.clusters.filter((k) => k.insider);
  const clusters = !data.funding.available
    ? 'funding data unavailable'
    : insiders.length === 0
      ? 'no insider cluster'
      : `${insiders.length} insider cluster${insiders.length === 1 ? '' : 's'} holding ${round(insiders.reduce((s, k) => s + k.combinedPercent, 0))} %`;
  const exchanges = data.cohorts.exchanges;
  return (
    `${name} on ${network} at block ${blockNumber}: ${data.history.holders} holders; top 10 hold ${round(c.top10Percent)} % of circulating supply ` +
    `(Gini ${c.gini.toFixed(2)}, ${c.holdersFor50Percent} hold half); ${data.largeTransfers.count} large transfer${data.largeTransfers.count === 1 ? '' : 's'} ` +
    `and exchange net flow ${signed(exchanges.netPercent)} % of supply in ${data.window.hours} h; ${clusters}.`
  );
}

export function whaleFindings(facts: WhaleFacts): Finding[] {
  return [...concentrationFindings(facts), ...clusterFindings(facts), ...exchangeFindings(facts), ...moveFindings(facts), ...largeTransferFindings(facts), ...coverageFindings(facts)];
}

function concentrationFindings({ data }: WhaleFacts): Finding[] {
  const c = data.concentration;
  if (c.top10Percent < CONCENTRATED_TOP10) return [];
  const top = data.topHolders
    .filter((h) => h.kind !== 'burn')
    .slice(0, 3)
    .map((h) => `${h.address} (${h.label ?? h.kind}) ${round(h.percent)} %`)
    .join(', ');
  return [
    {
      severity: c.top10Percent >= HIGHLY_CONCENTRATED_TOP10 ? 'high' : 'medium',
      title: `Concentrated supply: top 10 hold ${round(c.top10Percent)} %`,
      evidence: `The 10 largest holders (burn addresses left out) hold ${round(c.top10Percent)} % of circulating supply ${c.circulatingSupply}; ${c.holdersFor50Percent} holder${c.holdersFor50Percent === 1 ? '' : 's'} hold half; Gini ${c.gini}. Largest: ${top}.`,
    },
  ];
}

function clusterFindings({ data }: WhaleFacts): Finding[] {
  return data.funding.clusters
    .filter((k) => k.insider)
    .map((k) => {
      const severity: Severity = k.combinedPercent >= 10 ? 'high' : k.combinedPercent >= 3 ? 'medium' : 'low';
      const members = k.members.map((m) => `${m.address} (${round(m.percent)} %, funded in block ${m.fundedBlock}, tx ${m.fundedTx})`).join('; ');
      return {
        severity,
        title: `Insider cluster: ${k.members.length} holders funded by ${k.funder} hold ${round(k.combinedPercent)} %`,
        evidence: `Each holder's first native transfer came from ${k.funder}, which no registry labels: ${members}. Together ${k.combinedBalance} raw units, ${round(k.combinedPercent)} % of supply.`,
      };
    });
}

function exchangeFindings({ data, exchangeInflow }: WhaleFacts): Finding[] {
  if (!exchangeInflow.spike) return [];
  const x = data.cohorts.exchanges;
  return [
    {
      severity: 'medium',
      title: `Exchange inflow spike: ${round(x.netPercent)} % of supply net to exchanges in ${data.window.hours} h`,
      evidence: `Labelled exchange wallets received ${x.inflow} and sent ${x.outflow} raw units since block ${data.window.fromBlock} (net ${exchangeInflow.net}), against a net ${exchangeInflow.baseline} at their earlier rate over as long. Deposits to exchanges are usually sold.`,
    },
  ];
}

function moveFindings({ data }: WhaleFacts): Finding[] {
  return data.whaleMoves.map((m) => ({
    severity: m.direction === 'distributing' ? 'medium' : 'info',
    title: `Whale ${m.direction === 'distributing' ? 'leaving' : 'accumulating'}: ${m.address} ${signed(m.changePercent)} % of supply`,
    evidence: `Balance ${m.balanceBefore} → ${m.balanceNow} raw units over the last ${data.window.hours} h (since block ${data.window.fromBlock}), a change of ${signed(m.changePercent)} % of circulating supply.`,
  }));
}

function largeTransferFindings({ data }: WhaleFacts): Finding[] {
  const l = data.largeTransfers;
  if (l.count === 0) return [];
  const threshold = l.basis === 'usd' ? `at least $${l.minUsd}` : `at least ${l.minPercentOfSupply} % of supply (no USD price)`;
  const largest = l.items[0]!;
  return [
    {
      severity: 'info',
      title: `${l.count} large transfer${l.count === 1 ? '' : 's'} in ${data.window.hours} h`,
      evidence: `Transfers ${threshold} since block ${data.window.fromBlock}; the largest moved ${largest.amount} raw units (${round(largest.percentOfSupply)} % of supply) from ${largest.from} to ${largest.to} in tx ${largest.transactionHash}.`,
    },
  ];
}

function coverageFindings({ data }: WhaleFacts): Finding[] {
  const out: Finding[] = [];
  if (!data.funding.available) out.push({ severity: 'info', title: 'Funding data unavailable', evidence: data.funding.reason ?? 'No native-transfer history source.' });
  if (data.funding.olderWallets > 0) {
    out.push({
      severity: 'info',
      title: 'Some holders predate the token',
      evidence: `${data.funding.olderWallets} of the largest unlabelled wallets held ETH or had sent a transaction before block ${data.funding.fromBlock} (the token's creation): their first funders are older than the token, not looked up, and in no cluster.`,
    });
  }
  if (!data.history.complete) {
    out.push({
      severity: 'info',
      title: 'History may be incomplete',
      evidence: `The node could not serve state before block ${data.history.fromBlock}, so Transfers before it (and holders only they name) may be missing.`,
    });
  }
  if (data.priceUsd === null) out.push({ severity: 'info', title: 'No USD price', evidence: 'No DEX pool of the token against the network’s quote tokens has a USD price; large transfers are judged by share of supply.' });
  return out;
}

function round(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${round(n)}`;
}
