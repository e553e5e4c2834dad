import type { DexDeployment } from '@oca/chain';
import type { Finding, Network } from '@oca/contracts';
import { pegFindings, solidlyFactoriesOf } from '../dex';
import type { MarketData } from './market-contract';

/** What the findings and the summary are written from. */
export interface MarketFacts {
  network: Network;
  blockNumber: bigint;
  deployment: DexDeployment;
  data: MarketData;
  /** Why past prices are unknown, when the node could not serve them. */
  historyUnavailable: string | null;
}

/** Below this much liquidity (USD) a modest trade moves the price a lot. */
export const THIN_LIQUIDITY_USD = 10_000;
/** Pools whose USD prices differ by more than this fraction disagree. */
export const PRICE_DIVERGENCE = 0.05;
/** Only pools at least this deep (USD) take part in the divergence check. */
const DIVERGENCE_MIN_LIQUIDITY_USD = 1_000;

export function marketSummary({ network, blockNumber, data }: MarketFacts): string {
  const name = data.token.symbol ?? data.token.address;
  if (data.pools.length === 0) return `${name} on ${network} has no DEX pool against the network's quote tokens at block ${blockNumber}.`;
  const price = data.priceUsd !== null ? `$${data.priceUsd}` : 'no USD price';
  const native = data.priceNative !== null ? ` (${data.priceNative} ${data.nativeUsd.symbol})` : '';
  const liquidity = data.liquidity.usd !== null ? `$${round(data.liquidity.usd)}` : 'unknown USD';
  const change = data.priceChange.h24 !== null ? `, ${signed(data.priceChange.h24)} over 24 h` : '';
  return (
    `${name} on ${network} at block ${blockNumber}: ${price}${native}; liquidity ${liquidity} across ${data.pools.length} ` +
    `pool${data.pools.length === 1 ? '' : 's'}; ${volumeText(data)}${change}.`
  );
}

/** The widest window whose trades are known: 24 h unless the Swap history was narrowed. */
function volumeText(data: MarketData): string {
  const label = { h24: '24 h', h6: '6 h', h1: '1 h' } as const;
  const w = (['h24', 'h6', 'h1'] as const).find((x) => data.txns[x] !== null);
  if (!w) return `trades unknown (Swap logs read for the last ${hoursSince(data)} only)`;
  const t = data.txns[w]!;
  const volume = data.volume[w] !== null ? `$${round(data.volume[w])}` : 'unknown USD';
  const narrowed = w === 'h24' ? '' : ` (24 h unknown: Swap logs read for the last ${hoursSince(data)} only)`;
  return `${label[w]} volume ${volume} in ${t.buys} buys and ${t.sells} sells${narrowed}`;
}

function hoursSince(data: MarketData): string {
  return `${round((data.blockTimestamp - data.swapHistory.fromTimestamp) / 3600)} h`;
}

export function marketFindings(facts: MarketFacts): Finding[] {
  const { data, deployment, blockNumber } = facts;
  if (data.pools.length === 0) {
    const quotes = [deployment.wrappedNative, ...deployment.usdStables].map((q) => q.symbol).join(', ');
    const factories = [
      ...deployment.v2Factories.map((f) => `${f.name} ${f.address}`),
      ...deployment.v3Factories.map((f) => `${f.name} ${f.address} (fees ${f.feeTiers.join('/')})`),
      ...solidlyFactoriesOf(deployment).map((f) => `${f.name} ${f.address} (volatile and stable)`),
    ];
    return [
      {
        severity: 'medium',
        title: 'No DEX pool found',
        evidence: `getPair/getPool against ${quotes} returned no pool at block ${blockNumber} on ${factories.join(', ')}. No price can be computed.`,
      },
    ];
  }
  return [
    ...anchorFindings(facts),
    ...pegFindings(facts.data.stablecoins),
    ...primaryFindings(facts),
    ...liquidityFindings(facts),
    ...divergenceFindings(facts),
    ...swapHistoryFindings(facts),
    ...historyFindings(facts),
    supplyFinding(facts),
  ];
}

/** Said when the Swap scan ran out of budget and read only the newest blocks. */
function swapHistoryFindings({ data }: MarketFacts): Finding[] {
  const h = data.swapHistory;
  if (h.complete) return [];
  const unknown = (['h1', 'h6', 'h24'] as const).filter((w) => !data.windows[w].complete);
  return [
    {
      severity: 'low',
      title: `Swap history narrowed to the last ${hoursSince(data)}`,
      evidence:
        `The Swap logs of ${data.pools.length} pool(s) since block ${data.windows.h24.fromBlock} do not fit the scan's budget on this node (a fast chain, ` +
        `a provider's span cap): after ${h.requests} eth_getLogs requests, logs were read for blocks ${h.fromBlock}–${h.toBlock} ` +
        `(since ${new Date(h.fromTimestamp * 1000).toISOString()}), newest first. ` +
        `Volume and trade counts of ${unknown.join(', ')} are null; ${(['h1', 'h6', 'h24'] as const).filter((w) => data.windows[w].complete).join(', ') || 'no window'} complete.`,
    },
  ];
}

function anchorFindings({ data, blockNumber }: MarketFacts): Finding[] {
  const n = data.nativeUsd;
  if (n.priceUsd === null || n.anchorPool === null) {
    return [
      {
        severity: 'low',
        title: 'No USD anchor',
        evidence: `No ${n.symbol}/stablecoin pool with a price at block ${blockNumber}; USD figures of ${n.symbol}-quoted pools are null.`,
      },
    ];
  }
  return [
    {
      severity: 'info',
      title: `${n.symbol} priced at $${n.priceUsd}`,
      evidence: `From the deepest ${n.symbol}/stablecoin pool ${n.anchorPool} at block ${blockNumber}, at that stablecoin's checked price (see the stablecoin findings).`,
    },
  ];
}

function primaryFindings({ data, blockNumber }: MarketFacts): Finding[] {
  const primary = data.pools.find((p) => p.address === data.primaryPool);
  if (!primary) return [];
  return [
    {
      severity: 'info',
      title: `Priced through ${primary.dex} pool ${primary.address}`,
      evidence:
        `Deepest pool by quote-side value: ${primary.reserves.base} raw ${data.token.symbol ?? 'base'} and ${primary.reserves.quote} raw ` +
        `${primary.quoteToken.symbol ?? 'quote'} at block ${blockNumber} (${readMethod(primary)}); ` +
        `price ${primary.priceNative} ${primary.quoteToken.symbol ?? ''}.`,
    },
  ];
}

/** How a pool's price and holdings were read, for the evidence. */
function readMethod(pool: MarketData['pools'][number]): string {
  if (pool.version === 'v3') return 'slot0 price, token balances';
  if (pool.version === 'v2') return 'getReserves';
  return pool.stable ? 'getReserves, priced on the stable curve x³y + xy³' : 'getReserves';
}

function liquidityFindings({ data }: MarketFacts): Finding[] {
  const usd = data.liquidity.usd;
  if (usd === null || usd >= THIN_LIQUIDITY_USD) return [];
  return [
    {
      severity: 'low',
      title: 'Thin liquidity',
      evidence: `$${round(usd)} across ${data.pools.length} pool(s), under $${THIN_LIQUIDITY_USD}: modest trades move the price a lot.`,
    },
  ];
}

function divergenceFindings({ data }: MarketFacts): Finding[] {
  const priced = data.pools.filter((p) => p.priceUsd !== null && (p.liquidity.usd ?? 0) >= DIVERGENCE_MIN_LIQUIDITY_USD);
  if (priced.length < 2) return [];
  const prices = priced.map((p) => Number(p.priceUsd));
  const low = Math.min(...prices);
  const high = Math.max(...prices);
  if (low <= 0 || high / low - 1 <= PRICE_DIVERGENCE) return [];
  return [
    {
      severity: 'medium',
      title: 'Pools disagree on price',
      evidence: `USD prices range from $${low} to $${high} (${round((high / low - 1) * 100)} %) across ${priced
        .map((p) => `${p.address} $${p.priceUsd}`)
        .join(', ')}; the thinner pools lag or are being moved.`,
    },
  ];
}

function historyFindings({ data, historyUnavailable }: MarketFacts): Finding[] {
  if (historyUnavailable !== null) {
    return [
      {
        severity: 'low',
        title: 'Past prices unavailable',
        evidence: `The node could not serve state at the window start blocks (${historyUnavailable}); price changes are null. An archive node answers them.`,
      },
    ];
  }
  const missing = (['h1', 'h6', 'h24'] as const).filter((w) => data.priceChange[w] === null);
  if (missing.length === 0 || data.priceUsd === null) return [];
  return [
    {
      severity: 'info',
      title: 'Price change not available for every window',
      evidence: `No USD price at the start of ${missing.join(', ')} (start blocks ${missing
        .map((w) => data.windows[w].fromBlock)
        .join(', ')} minus one): the primary pool or the USD anchor did not exist or was empty then.`,
    },
  ];
}

function supplyFinding({ data }: MarketFacts): Finding {
  const excluded = data.supply.excluded.filter((e) => e.balance !== '0');
  return {
    severity: 'info',
    title: 'Market cap counts all but burned supply',
    evidence:
      `Circulating supply ${data.supply.circulating} of ${data.supply.total} raw units: balances of the zero address and 0x…dEaD are left out` +
      `${excluded.length > 0 ? ` (${excluded.map((e) => `${e.address} holds ${e.balance}`).join(', ')})` : ' (both empty)'}; ` +
      'team, vesting and locked wallets cannot be told apart on chain and count as circulating.',
  };
}

function round(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(2)} %`;
}
