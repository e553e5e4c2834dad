import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `defi`: what a protocol address is, its TVL (DefiLlama's method), yields and risks ----

export const DefiParams = z.strictObject({
  network: Network,
  /** A Uniswap V2/V3-style pool, an Aave V3-style Pool (or fork), or an ERC-4626 vault. */
  address: Address,
  /** The window for swap volume (fee APY), the V2 price change (impermanent loss) and the vault's share-price APY, in hours before the analysed block. */
  windowHours: z.number().int().min(1).max(720).default(24),
});
export type DefiParams = z.infer<typeof DefiParams>;

export const DefiKind = z.enum(['uniswap-v2-pool', 'uniswap-v3-pool', 'aave-v3-pool', 'erc4626-vault', 'unknown']);
export type DefiKind = z.infer<typeof DefiKind>;

/** One asset counted in TVL: what the protocol's contracts hold (or, for lending, supplied minus borrowed). */
export const DefiTvlAsset = z.object({
  token: Address,
  symbol: z.string().nullable(),
  decimals: z.number().int(),
  /** Raw units, decimal string. */
  amount: z.string(),
  /** USD per whole token from DEX pools (the market agent's pricing); null when unpriced. */
  priceUsd: z.string().nullable(),
  /** "stablecoin", "native anchor <pool>" or the pricing pool; null when unpriced. */
  priceSource: z.string().nullable(),
  usd: z.number().nullable(),
});
export type DefiTvlAsset = z.infer<typeof DefiTvlAsset>;

export const DefiTvl = z.object({
  /** Sum of the priced assets; null when none is priced. */
  usd: z.number().nullable(),
  method: z.string(),
  assets: z.array(DefiTvlAsset),
  /** Assets left out of `usd` for want of a price. */
  unpriced: z.array(Address),
});
export type DefiTvl = z.infer<typeof DefiTvl>;

export const DefiDexPool = z.object({
  version: z.enum(['v2', 'v3']),
  /** Swap fee, hundredths of a basis point (3000 = 0.3 %). */
  feeTier: z.number().int(),
  token0: Address,
  token1: Address,
  /** The token whose price is followed (the one that is not the pricing quote). */
  base: Address,
  quote: Address,
  swaps: z.number().int(),
  /** Σ |quote amount| of the window's swaps in USD. */
  volumeUsd: z.number().nullable(),
  feesUsd: z.number().nullable(),
  /** feesUsd × (8760 / windowHours) ÷ TVL × 100: DefiLlama's apyBase, not compounded. */
  feeApyPercent: z.number().nullable(),
  /** Base price in quote at the window's first block and now. */
  priceThen: z.string().nullable(),
  priceNow: z.string().nullable(),
  priceChangePercent: z.number().nullable(),
  /** V2 only: the loss of a 50/50 position against holding, for that price change (2√r ÷ (1 + r) − 1), percent (≤ 0). */
  impermanentLossPercent: z.number().nullable(),
  /** V2 only: the LP token's holders (from its Transfer history) and the largest one's share; null for V3 (positions are NFTs or ticks). */
  lp: z
    .object({
      holders: z.number().int(),
      top1Percent: z.number(),
      top5Percent: z.number(),
      largest: Address.nullable(),
    })
    .nullable(),
  /** Why `lp` is null on a V2 pool (its Transfer history is longer than the scan budget); null otherwise. */
  lpUnavailable: z.string().nullable(),
});
export type DefiDexPool = z.infer<typeof DefiDexPool>;

export const DefiReserve = z.object({
  asset: Address,
  symbol: z.string().nullable(),
  decimals: z.number().int(),
  aToken: Address,
  variableDebtToken: Address,
  stableDebtToken: Address,
  interestRateStrategy: Address,
  /** aToken totalSupply, raw. */
  supplied: z.string(),
  /** Variable + stable debt token totalSupply, raw. */
  borrowed: z.string(),
  /** supplied − borrowed (what the protocol still holds for this reserve), raw. */
  available: z.string(),
  utilizationPercent: z.number().nullable(),
  /** From currentLiquidityRate / currentVariableBorrowRate (ray, per year), compounded per second as Aave's UI does. */
  supplyApyPercent: z.number(),
  variableBorrowApyPercent: z.number(),
  /** Whole tokens from the configuration bitmap; 0 = no cap. */
  supplyCap: z.string(),
  borrowCap: z.string(),
  supplyCapUsedPercent: z.number().nullable(),
  borrowCapUsedPercent: z.number().nullable(),
  ltvBps: z.number().int(),
  liquidationThresholdBps: z.number().int(),
  reserveFactorBps: z.number().int(),
  active: z.boolean(),
  frozen: z.boolean(),
  paused: z.boolean(),
  borrowingEnabled: z.boolean(),
  /** AaveOracle.getSourceOfAsset; null when the market has no oracle answering it. */
  oracleSource: Address.nullable(),
  /** The oracle's price in its base currency unit (USD with 8 decimals on Aave V3 markets), raw. */
  oraclePrice: z.string().nullable(),
  /** DEX USD price (TVL pricing). */
  priceUsd: z.string().nullable(),
  suppliedUsd: z.number().nullable(),
  borrowedUsd: z.number().nullable(),
});
export type DefiReserve = z.infer<typeof DefiReserve>;

export const DefiLending = z.object({
  addressesProvider: Address,
  oracle: Address.nullable(),
  reserves: z.array(DefiReserve),
  totalSuppliedUsd: z.number().nullable(),
  totalBorrowedUsd: z.number().nullable(),
});
export type DefiLending = z.infer<typeof DefiLending>;

export const DefiVault = z.object({
  asset: Address,
  assetSymbol: z.string().nullable(),
  assetDecimals: z.number().int(),
  shareDecimals: z.number().int(),
  totalAssets: z.string(),
  totalSupply: z.string(),
  /** convertToAssets(one whole share), raw asset units, at the window's first block and now. */
  sharePriceThen: z.string().nullable(),
  sharePriceNow: z.string(),
  fromBlock: z.string(),
  /** Seconds between the two blocks. */
  elapsedSeconds: z.number().int(),
  /** (now ÷ then)^(year ÷ elapsed) − 1, percent; null when the vault did not exist at the window's start. */
  apyPercent: z.number().nullable(),
});
export type DefiVault = z.infer<typeof DefiVault>;

/** Admin powers over one of the protocol's contracts. */
export const DefiAdmin = z.object({
  contract: Address,
  role: z.string(),
  /** owner() if it answers. */
  owner: Address.nullable(),
  /** paused() if it answers. */
  paused: z.boolean().nullable(),
  /** EIP-1967 implementation slot: set when the contract is an upgradeable proxy. */
  implementation: Address.nullable(),
  /** EIP-1967 admin slot, or (Aave's immutable-admin proxies) the addresses provider that upgrades it. */
  upgradeAdmin: Address.nullable(),
});
export type DefiAdmin = z.infer<typeof DefiAdmin>;

export const DefiData = z.object({
  kind: DefiKind,
  /** The interface calls tried, in order, and whether each answered ("factory()": true …). */
  probes: z.array(z.object({ call: z.string(), answered: z.boolean() })),
  tvl: DefiTvl.nullable(),
  window: z.object({ hours: z.number().int(), fromBlock: z.string(), fromTimestamp: z.number().int(), blockTimestamp: z.number().int() }),
  pool: DefiDexPool.nullable(),
  lending: DefiLending.nullable(),
  vault: DefiVault.nullable(),
  admin: z.array(DefiAdmin),
});
export type DefiData = z.infer<typeof DefiData>;

export const DefiResult = AgentResultBase.extend({ agent: z.literal('defi'), data: DefiData });
export type DefiResult = z.infer<typeof DefiResult>;
