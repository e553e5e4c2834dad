import type { Finding, Network } from '@oca/contracts';
import { formatEther } from 'viem';
import type { NftData } from './nft-contract';

export interface NftFacts {
  network: Network;
  blockNumber: bigint;
  data: NftData;
}

/** Share of valued volume in flagged sales (percent) from which wash trading is a high finding. */
export const HIGH_WASH_PERCENT = 25;
/** Top-10 share of held tokens (percent) from which ownership counts as concentrated. */
export const CONCENTRATED_TOP10 = 50;

const native = (wei: string) => `${formatEther(BigInt(wei))} native`;
const usd = (n: number | null) => (n === null ? '' : ` ($${n.toFixed(2)})`);

export function nftSummary({ network, blockNumber, data }: NftFacts): string {
  const c = data.collection;
  const s = data.sales;
  const floor = s.floor ? `floor from recent sales ${native(s.floor.priceNative)}${usd(s.floor.priceUsd)}` : 'no valued sale for a floor';
  return (
    `${c.symbol ?? c.address} (${c.standard}) on ${network} at block ${blockNumber}: supply ${c.supply}, ${data.holders.count} holders (top 10 hold ${round(data.holders.top10Percent)} %); ` +
    `${s.count} sales, ${native(s.windows.month.volumeNative)}${usd(s.windows.month.volumeUsd)} in 30 days; ${floor}; ` +
    `${data.wash.flaggedSales} wash-flagged sales (${round(data.wash.volumePercent)} % of volume); rarity scored for ${data.rarity.scored} tokens.`
  );
}

export function nftFindings({ data }: NftFacts): Finding[] {
  const out: Finding[] = [];
  const w = data.wash;
  if (w.flaggedSales > 0) {
    const list = w.sales
      .slice(0, 10)
      .map((s) => `token ${s.tokenId} ${s.seller} → ${s.buyer} in tx ${s.transactionHash} (${s.filters.join(', ')})`)
      .join('; ');
    out.push({
      severity: w.volumePercent >= HIGH_WASH_PERCENT ? 'high' : 'medium',
      title: `Wash trading: ${w.flaggedSales} of ${data.sales.count} sales, ${round(w.volumePercent)} % of volume`,
      evidence: `Sales tripping Dune's wash filters: ${list}${w.sales.length > 10 ? `; and ${w.sales.length - 10} more` : ''}.`,
    });
  }
  if (data.holders.count > 0 && data.holders.top10Percent >= CONCENTRATED_TOP10) {
    const top = data.holders.top.slice(0, 3).map((h) => `${h.address} ${h.tokens} (${round(h.percent)} %)`).join(', ');
    out.push({ severity: 'medium', title: `Concentrated ownership: top 10 hold ${round(data.holders.top10Percent)} %`, evidence: `${data.holders.count} holders; largest: ${top}; Gini ${data.holders.gini}.` });
  }
  if (data.sales.lastSale) {
    const l = data.sales.lastSale;
    out.push({
      severity: 'info',
      title: `Last sale: token ${l.tokenId} for ${l.price} ${l.currencySymbol ?? l.currency ?? ''}`.trim(),
      evidence: `${l.seller} → ${l.buyer} via ${l.marketplace} in tx ${l.transactionHash} (block ${l.blockNumber}); listings are off-chain and not seen, so the floor is the lowest of recent sales.`,
    });
  }
  if (data.rarity.unfetched.count > 0) {
    const items = data.rarity.unfetched.items.slice(0, 5).map((u) => `token ${u.tokenId} (${u.reason}${u.uri ? `: ${u.uri}` : ''})`).join('; ');
    out.push({ severity: 'info', title: `Metadata not read for ${data.rarity.unfetched.count} tokens`, evidence: `Rarity leaves them out: ${items}.` });
  }
  if (!w.funding.available) out.push({ severity: 'info', title: 'First-funder wash filter did not run', evidence: w.funding.reason ?? 'No native-transfer history source.' });
  if (!data.history.complete) {
    out.push({ severity: 'info', title: 'History may be incomplete', evidence: `The node could not serve state before block ${data.history.fromBlock}, so transfers before it may be missing.` });
  }
  if (data.sales.transactionsSkipped > 0) {
    out.push({ severity: 'info', title: 'Older transfers not checked for payment', evidence: `${data.sales.transactionsSkipped} older transactions were over the receipt budget; sales figures cover the newest ${data.sales.transactionsRead}.` });
  }
  if (data.pricing.nativeUsd === null) out.push({ severity: 'info', title: 'No USD price', evidence: 'The wrapped native token has no stablecoin pool: USD figures are null.' });
  return out;
}

function round(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}
