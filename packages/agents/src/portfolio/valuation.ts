import { formatRatio, mulRatio, ratioToNumber, unitsRatio, type DexDeployment, type Ratio } from '@oca/chain';
import type { PortfolioHolding, UnderlyingAmount } from '@oca/contracts';
import type { Address } from 'viem';
import type { TokenMeta, UsdPrice } from '../dex';
import { lpUnderlying, type TokenHolding, type V3Holding } from './holdings-read';

/** A holding before the risk column, cost basis and allocation are filled in. */
export type ValuedHolding = Omit<PortfolioHolding, 'risk' | 'costBasis' | 'allocationPercent'> & {
  /** Tokens the quick checks look at for this holding: itself, or a position's non-quote tokens. */
  riskTokens: Address[];
};

/** What valuation needs: USD prices by lower-case address and every token's metadata. */
export interface PriceBook {
  native: UsdPrice;
  tokens: ReadonlyMap<string, UsdPrice>;
  meta: ReadonlyMap<string, TokenMeta>;
}

export function valueOf(raw: bigint, decimals: number, price: Ratio | null): number | null {
  return price === null ? null : ratioToNumber(mulRatio(unitsRatio(raw, decimals), price));
}

function amount(book: PriceBook, token: Address, raw: bigint): UnderlyingAmount {
  const meta = book.meta.get(token.toLowerCase());
  const decimals = meta?.decimals ?? null;
  const price = book.tokens.get(token.toLowerCase())?.priceUsd ?? null;
  return { token, symbol: meta?.symbol ?? null, decimals, amount: raw.toString(), valueUsd: decimals === null ? null : valueOf(raw, decimals, price) };
}

/** A position is worth the sum of its parts, and unknown when any part is unpriced. */
function sumOf(parts: readonly UnderlyingAmount[]): number | null {
  return parts.some((p) => p.valueUsd === null) ? null : parts.reduce((s, p) => s + p.valueUsd!, 0);
}

export function nativeHolding(balance: bigint, native: { symbol: string; decimals: number }, price: UsdPrice): ValuedHolding {
  return {
    kind: 'native',
    token: null,
    tokenId: null,
    symbol: native.symbol,
    decimals: native.decimals,
    balance: balance.toString(),
    priceUsd: price.priceUsd ? formatRatio(price.priceUsd) : null,
    priceSource: price.priceUsd ? price.source : null,
    valueUsd: valueOf(balance, native.decimals, price.priceUsd),
    underlying: null,
    uncollectedFees: null,
    pool: null,
    riskTokens: [],
  };
}

export function tokenHolding(h: TokenHolding, book: PriceBook, deployment: DexDeployment): ValuedHolding {
  const isQuote = (a: Address) => a === deployment.wrappedNative.address || deployment.usdStables.some((s) => s.address === a);
  const base = { token: h.meta.address, tokenId: null, symbol: h.meta.symbol, decimals: h.meta.decimals, balance: h.balance.toString(), uncollectedFees: null };
  if (h.pair) {
    const { amount0, amount1 } = lpUnderlying(h.balance, h.pair);
    const underlying = [amount(book, h.pair.token0, amount0), amount(book, h.pair.token1, amount1)];
    const value = sumOf(underlying);
    return {
      ...base,
      symbol: `${h.meta.symbol ?? 'LP'} ${underlying.map((u) => u.symbol ?? u.token).join('/')}`,
      kind: 'v2-lp',
      priceUsd: null,
      priceSource: value === null ? null : 'underlying',
      valueUsd: value,
      underlying,
      pool: h.meta.address,
      riskTokens: [h.pair.token0, h.pair.token1].filter((t) => !isQuote(t)),
    };
  }
  const price = book.tokens.get(h.meta.address.toLowerCase());
  return {
    ...base,
    kind: 'erc20',
    priceUsd: price?.priceUsd ? formatRatio(price.priceUsd) : null,
    priceSource: price?.priceUsd ? price.source : null,
    valueUsd: valueOf(h.balance, h.meta.decimals, price?.priceUsd ?? null),
    underlying: null,
    pool: null,
    riskTokens: isQuote(h.meta.address) ? [] : [h.meta.address],
  };
}

export function v3Holding(p: V3Holding, book: PriceBook, deployment: DexDeployment): ValuedHolding {
  const isQuote = (a: Address) => a === deployment.wrappedNative.address || deployment.usdStables.some((s) => s.address === a);
  const underlying = [amount(book, p.token0, p.amount0), amount(book, p.token1, p.amount1)];
  const fees = [amount(book, p.token0, p.fees0), amount(book, p.token1, p.fees1)];
  const parts = sumOf(underlying);
  const earned = sumOf(fees);
  const symbols = underlying.map((u) => u.symbol ?? u.token).join('/');
  return {
    kind: 'v3-position',
    token: p.manager,
    tokenId: p.tokenId.toString(),
    symbol: `UNI-V3 ${symbols} ${p.fee / 10_000} %`,
    decimals: null,
    balance: p.liquidity.toString(),
    priceUsd: null,
    priceSource: parts === null || earned === null ? null : 'underlying',
    valueUsd: parts === null || earned === null ? null : parts + earned,
    underlying,
    uncollectedFees: fees,
    pool: p.pool,
    riskTokens: [p.token0, p.token1].filter((t) => !isQuote(t)),
  };
}

/** Share of the priced total, percent to 4 decimals. */
export function allocation(value: number | null, total: number): number | null {
  return value === null || total <= 0 ? null : Math.round((value / total) * 100 * 10_000) / 10_000;
}

/** Largest value first, unpriced holdings last (by kind, then address, for a stable order). */
export function byValue(a: ValuedHolding, b: ValuedHolding): number {
  if (a.valueUsd !== b.valueUsd) return (b.valueUsd ?? -1) - (a.valueUsd ?? -1);
  return `${a.kind}:${a.token ?? ''}:${a.tokenId ?? ''}`.localeCompare(`${b.kind}:${b.token ?? ''}:${b.tokenId ?? ''}`);
}
