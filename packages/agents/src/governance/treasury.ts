import { formatRatio, mulRatio, ratioToNumber, unitsRatio, type ChainClient, type DexDeployment } from '@oca/chain';
import type { Treasury, TreasuryAsset } from '@oca/contracts';
import { getAddress, keccak256, toHex, type Address } from 'viem';
import { readBalance, readTokenMeta, readUsdPrices, type TokenMeta, type UsdPrice } from '../dex';
import { scanRecipientEmitters } from './log-history';
import type { TreasuryHoldings } from './proposal-actions';

const TRANSFER_TOPIC = keccak256(toHex('Transfer(address,address,uint256)'));

/** The treasury's balances at the pinned block, before prices. */
export interface TreasuryBalances {
  address: Address;
  native: bigint;
  /** ERC-20s with a non-zero balance (tokens that answer decimals()). */
  tokens: { meta: TokenMeta; balance: bigint }[];
  logRequests: number;
}

/**
 * The timelock's native balance and the ERC-20s it holds: every contract that ever emitted a
 * Transfer to it (logs from `fromBlock`), plus `alsoCheck` (the governance token), each balance read
 * at the pinned block. NFTs (no decimals) and emptied balances are left out.
 */
export async function readTreasuryBalances(
  client: ChainClient,
  timelock: Address,
  alsoCheck: readonly Address[],
  range: { fromBlock: bigint; toBlock: bigint },
  signal: AbortSignal,
): Promise<TreasuryBalances> {
  const [native, scan] = await Promise.all([
    client.getBalance({ address: timelock, blockNumber: range.toBlock }),
    scanRecipientEmitters(client, { topic0: TRANSFER_TOPIC, recipient: timelock, ...range }, signal),
  ]);
  const candidates = [...new Set([...alsoCheck, ...scan.emitters].map((a) => getAddress(a)))];
  const held = await Promise.all(
    candidates.map(async (token) => {
      const [meta, balance] = await Promise.all([readTokenMeta(client, token, range.toBlock), readBalance(client, token, timelock, range.toBlock)]);
      return { meta, balance: balance ?? 0n };
    }),
  );
  return { address: timelock, native, tokens: held.filter((t) => t.meta.decimals !== null && t.balance > 0n), logRequests: scan.requests };
}

/** The balances as proposal actions are sized against. */
export function holdingsOf(balances: TreasuryBalances | null, nativeSymbol: string): TreasuryHoldings {
  return {
    executor: balances?.address ?? null,
    native: balances?.native ?? null,
    nativeSymbol,
    tokens: new Map((balances?.tokens ?? []).map((t) => [t.meta.address.toLowerCase(), { balance: t.balance, symbol: t.meta.symbol }])),
  };
}

/** Every asset valued in USD through DEX prices (`readUsdPrices`); unpriced assets are listed with null values. */
export async function valueTreasury(
  client: ChainClient,
  deployment: DexDeployment,
  balances: TreasuryBalances,
  native: { symbol: string; decimals: number },
  blockNumber: bigint,
): Promise<Treasury> {
  const prices = await readUsdPrices(
    client,
    deployment,
    balances.tokens.map((t) => t.meta.address),
    blockNumber,
  );
  const assets: TreasuryAsset[] = [];
  if (balances.native > 0n) assets.push(asset(null, native.symbol, native.decimals, balances.native, prices.native));
  for (const t of balances.tokens) assets.push(asset(t.meta.address, t.meta.symbol, t.meta.decimals!, t.balance, prices.tokens.get(t.meta.address.toLowerCase())));
  assets.sort((a, b) => (b.valueUsd ?? -1) - (a.valueUsd ?? -1));
  return {
    address: balances.address,
    assets,
    pricedUsd: assets.reduce((sum, a) => sum + (a.valueUsd ?? 0), 0),
    unpricedAssets: assets.filter((a) => a.valueUsd === null).length,
  };
}

function asset(token: Address | null, symbol: string | null, decimals: number, balance: bigint, price: UsdPrice | undefined): TreasuryAsset {
  const priceUsd = price?.priceUsd ?? null;
  return {
    token,
    symbol,
    decimals,
    balance: balance.toString(),
    priceUsd: priceUsd ? formatRatio(priceUsd) : null,
    valueUsd: priceUsd ? ratioToNumber(mulRatio(unitsRatio(balance, decimals), priceUsd)) : null,
    priceSource: priceUsd ? (price?.source ?? null) : null,
  };
}
