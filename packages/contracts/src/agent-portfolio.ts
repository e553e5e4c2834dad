import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `portfolio`: what an address holds, what it is worth, how risky, and what it cost ----

export const PortfolioParams = z.strictObject({
  network: Network,
  /** The wallet (or contract) whose holdings are analysed. */
  address: Address,
});
export type PortfolioParams = z.infer<typeof PortfolioParams>;

/** One token amount inside a position (an LP token's or a V3 position's share of its pool). */
export const UnderlyingAmount = z.object({
  token: Address,
  symbol: z.string().nullable(),
  decimals: z.number().int().nullable(),
  /** Raw units, decimal string. */
  amount: z.string(),
  /** Null when the token has no USD price. */
  valueUsd: z.number().nullable(),
});
export type UnderlyingAmount = z.infer<typeof UnderlyingAmount>;

/** The security agent's quick checks on one holding's token (top holdings by value only). */
export const HoldingRisk = z.object({
  /** False when the holding was outside the checked top N (or has no token contract to check); the fields below are then null. */
  checked: z.boolean(),
  /** The buy → transfer → sell simulation: null when there was no pool to trade through. */
  honeypot: z.boolean().nullable(),
  honeypotReason: z.string().nullable(),
  sellTax: z.number().nullable(),
  /** A catalogued mint function is in the code (or the proxy's implementation). */
  mintable: z.boolean().nullable(),
  proxy: z.boolean().nullable(),
  /** Why it was not checked, or what could not be measured. */
  note: z.string().nullable(),
});
export type HoldingRisk = z.infer<typeof HoldingRisk>;

/** Average-cost basis from the address's own swaps; `available: false` says why it cannot be rebuilt. */
export const CostBasis = z.discriminatedUnion('available', [
  z.object({
    available: z.literal(true),
    method: z.literal('average-cost'),
    /** Swaps read (buys and sells through the token's pools). */
    swaps: z.number().int(),
    /** Raw units bought and sold in those swaps. */
    bought: z.string(),
    sold: z.string(),
    /** USD paid for what is still held (average cost), the quote valued at its price at each swap's block. */
    costUsd: z.number(),
    realizedPnlUsd: z.number(),
    /** Current value of the held balance minus `costUsd`; null without a current price. */
    unrealizedPnlUsd: z.number().nullable(),
  }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);
export type CostBasis = z.infer<typeof CostBasis>;

export const PortfolioHolding = z.object({
  /** `native`: the chain's coin; `erc20`; `v2-lp`: a Uniswap V2 pair's LP token; `v3-position`: a V3 position NFT. */
  kind: z.enum(['native', 'erc20', 'v2-lp', 'v3-position']),
  /** The token contract (the position manager for a V3 position); null for the native coin. */
  token: Address.nullable(),
  /** V3 position NFT id. */
  tokenId: z.string().nullable(),
  /** The token's own symbol; for an LP token or a V3 position, followed by its pool's token symbols ("UNI-V2 WETH/ALPHA"). */
  symbol: z.string().nullable(),
  decimals: z.number().int().nullable(),
  /** Raw units at the analysed block (a V3 position's liquidity). */
  balance: z.string(),
  /** USD per whole token (ERC-20 and native only). */
  priceUsd: z.string().nullable(),
  /** `stablecoin`, `native anchor <pool>`, the pricing pool's address, or `underlying` for positions. */
  priceSource: z.string().nullable(),
  /** Null when unpriced: an unknown value is never counted as $0. */
  valueUsd: z.number().nullable(),
  /** Share of the priced total, percent to 4 decimals; null when unpriced. */
  allocationPercent: z.number().nullable(),
  /** For LP tokens and V3 positions: the tokens the position is worth now. */
  underlying: z.array(UnderlyingAmount).nullable(),
  /** For V3 positions: fees earned and not yet collected. */
  uncollectedFees: z.array(UnderlyingAmount).nullable(),
  /** For LP tokens and V3 positions: the pool. */
  pool: Address.nullable(),
  risk: HoldingRisk,
  costBasis: CostBasis,
});
export type PortfolioHolding = z.infer<typeof PortfolioHolding>;

/**
 * An NFT collection the address holds at the block (ERC-721 other than listed V3 position
 * managers, and ERC-1155), found from its transfer history and confirmed on chain. No NFT price
 * source is read: `valueUsd` is always null and NFTs stay out of the priced total.
 */
export const NftHolding = z.object({
  standard: z.enum(['erc721', 'erc1155']),
  collection: Address,
  /** `name()` / `symbol()` when the collection answers them (ERC-1155 does not have to). */
  name: z.string().nullable(),
  symbol: z.string().nullable(),
  /** Token ids held, ascending; `amount` is 1 for ERC-721 (`ownerOf`), the `balanceOfBatch` units for ERC-1155. Decimal strings. */
  tokens: z.array(z.object({ tokenId: z.string(), amount: z.string() })),
  /** Always null: unpriced, never counted as $0. */
  valueUsd: z.null(),
  /** Why there is no value. */
  valueNote: z.string(),
});
export type NftHolding = z.infer<typeof NftHolding>;

export const PortfolioData = z.object({
  address: Address,
  /** The address has code (a contract wallet, a multisig). */
  isContract: z.boolean(),
  history: z.object({
    /** The Transfer logs naming the address (either side) were read from this block to the analysed one. */
    fromBlock: z.string(),
    toBlock: z.string(),
    /** False when the log budget ran out and only the newest blocks from `fromBlock` were read. */
    complete: z.boolean(),
    transfers: z.number().int(),
    /** Contracts that emitted a Transfer (ERC-20/721) or TransferSingle/TransferBatch (ERC-1155) naming the address. */
    contractsSeen: z.number().int(),
    logRequests: z.number().int(),
  }),
  holdings: z.array(PortfolioHolding),
  /** NFTs held (V3 positions are in `holdings`), most token ids first; unpriced. */
  nfts: z.array(NftHolding),
  nftScan: z.object({
    /** Distinct (collection, token id) pairs the history shows arriving at the address. */
    candidates: z.number().int(),
    /** Of those, how many were confirmed on chain (`ownerOf` / `balanceOfBatch`); the newest arrivals first when the cap cut in. */
    checked: z.number().int(),
  }),
  totals: z.object({
    /** Sum of every priced holding. */
    pricedUsd: z.number(),
    pricedHoldings: z.number().int(),
    unpricedHoldings: z.number().int(),
    /** Largest share of the priced total held in one holding, percent. */
    largestAllocationPercent: z.number().nullable(),
  }),
  risk: z.object({
    /** How many holdings (largest by value first, then unpriced ones) the quick checks covered. */
    checkedTop: z.number().int(),
    checked: z.number().int(),
  }),
});
export type PortfolioData = z.infer<typeof PortfolioData>;

export const PortfolioResult = AgentResultBase.extend({ agent: z.literal('portfolio'), data: PortfolioData });
export type PortfolioResult = z.infer<typeof PortfolioResult>;
