import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `nft`: an NFT collection's holders, sales from the chain, rarity and wash trading ----

export const NftParams = z.strictObject({
  network: Network,
  /** The ERC-721 or ERC-1155 contract. */
  collection: Address,
  /** One token to report on (its owner, rarity rank and sales), decimal string. */
  tokenId: z
    .string()
    .regex(/^\d{1,78}$/, 'a decimal token id')
    .optional(),
});
export type NftParams = z.infer<typeof NftParams>;

/** Dune's wash-trade filters (`nft.wash_trades`). */
export const WashFilter = z.enum(['buyer_is_seller', 'back_and_forth', 'repeat_buyer', 'common_funder', 'flash_loan']);
export type WashFilter = z.infer<typeof WashFilter>;

export const NftSale = z.object({
  transactionHash: z.string(),
  blockNumber: z.string(),
  timestamp: z.number().int(),
  /** The NFT transfer's log index. */
  logIndex: z.number().int(),
  tokenId: z.string(),
  /** Units moved (1 for ERC-721). */
  amount: z.string(),
  seller: Address,
  buyer: Address,
  /** `seaport`: priced by its OrderFulfilled event; `direct`: a payment to the seller in the same transaction. */
  marketplace: z.enum(['seaport', 'direct']),
  /** The payment currency: null for the native coin. */
  currency: Address.nullable(),
  currencySymbol: z.string().nullable(),
  /** What the buyer paid for this token (fees included; a bundle's payment split evenly), raw units of the currency. */
  price: z.string(),
  /** In native wei (native and wrapped-native payments 1:1, other tokens through USD); null when it cannot be valued. */
  priceNative: z.string().nullable(),
  priceUsd: z.number().nullable(),
  /** Wash filters the sale tripped (empty: not wash). */
  wash: z.array(WashFilter),
});
export type NftSale = z.infer<typeof NftSale>;

export const SalesWindow = z.object({
  count: z.number().int(),
  /** Native wei, decimal string (sales that cannot be valued left out). */
  volumeNative: z.string(),
  volumeUsd: z.number().nullable(),
});

export const RarityEntry = z.object({
  tokenId: z.string(),
  /** 1 = rarest; equal scores share a rank. */
  rank: z.number().int(),
  /** Information content over the collection's entropy. */
  score: z.number(),
  /** −Σ log₂ P(trait value), bits. */
  informationContent: z.number(),
});

export const NftData = z.object({
  collection: z.object({
    address: Address,
    /** From ERC-165 `supportsInterface`. */
    standard: z.enum(['ERC721', 'ERC1155']),
    name: z.string().nullable(),
    symbol: z.string().nullable(),
    /** `totalSupply()` when the contract has it, otherwise minted minus burned from the logs. */
    supply: z.string(),
    supplySource: z.enum(['totalSupply', 'logs']),
    minted: z.number().int(),
    burned: z.number().int(),
  }),
  history: z.object({
    /** The log scan's range: the collection's creation block (0 on short chains) to the analysed block. */
    fromBlock: z.string(),
    toBlock: z.string(),
    /** False when history before `fromBlock` could not be ruled out (a pruned node). */
    complete: z.boolean(),
    transferLogs: z.number().int(),
    logRequests: z.number().int(),
  }),
  holders: z.object({
    count: z.number().int(),
    top: z.array(z.object({ address: Address, tokens: z.string(), percent: z.number() })),
    top10Percent: z.number(),
    gini: z.number(),
    holdersFor50Percent: z.number().int(),
  }),
  mints: z.object({
    count: z.number().int(),
    firstBlock: z.string().nullable(),
    lastBlock: z.string().nullable(),
    /** Tokens minted per UTC day. */
    timeline: z.array(z.object({ day: z.string(), mints: z.number().int() })),
  }),
  pricing: z.object({ nativeUsd: z.string().nullable(), source: z.string().nullable() }),
  sales: z.object({
    count: z.number().int(),
    /** Transactions moving a token between two holders whose receipts were read, and those left out (over the read budget, oldest first). */
    transactionsRead: z.number().int(),
    transactionsSkipped: z.number().int(),
    /** Transfers between holders with no payment in their transaction (gifts, own wallets, escrow). */
    unpaidTransfers: z.number().int(),
    windows: z.object({ day: SalesWindow, week: SalesWindow, month: SalesWindow, all: SalesWindow }),
    lastSale: NftSale.nullable(),
    /** Lowest native-valued price among the most recent sales (listings are off-chain and not seen). */
    floor: z.object({ basis: z.string(), priceNative: z.string(), priceUsd: z.number().nullable(), tokenId: z.string(), transactionHash: z.string() }).nullable(),
    /** Most recent first (the newest 100). */
    items: z.array(NftSale),
  }),
  rarity: z.object({
    method: z.literal('openrarity-information-content'),
    /** Tokens whose metadata was read and scored. */
    scored: z.number().int(),
    /** The collection's entropy, bits: the normaliser. */
    entropy: z.number(),
    unfetched: z.object({ count: z.number().int(), items: z.array(z.object({ tokenId: z.string(), uri: z.string().nullable(), reason: z.string() })) }),
    /** Rarest first (the top 20). */
    top: z.array(RarityEntry),
  }),
  wash: z.object({
    flaggedSales: z.number().int(),
    /** Share of valued volume in flagged sales, percent. */
    volumePercent: z.number(),
    byFilter: z.record(WashFilter, z.number().int()),
    /** Whether the first-funder filter could run (it needs trace_filter), and why not. */
    funding: z.object({ available: z.boolean(), source: z.string().nullable(), reason: z.string().nullable() }),
    sales: z.array(z.object({ transactionHash: z.string(), tokenId: z.string(), seller: Address, buyer: Address, priceNative: z.string().nullable(), filters: z.array(WashFilter) })),
  }),
  token: z
    .object({
      tokenId: z.string(),
      owner: Address.nullable(),
      rarity: RarityEntry.nullable(),
      traits: z.array(z.object({ traitType: z.string(), value: z.string() })).nullable(),
      sales: z.array(NftSale),
    })
    .nullable(),
});
export type NftData = z.infer<typeof NftData>;

export const NftResult = AgentResultBase.extend({ agent: z.literal('nft'), data: NftData });
export type NftResult = z.infer<typeof NftResult>;
