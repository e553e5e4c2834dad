import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `whale`: who holds a token, how concentrated, and what the big holders are doing ----

export const WhaleParams = z.strictObject({
  network: Network,
  /** The ERC-20 token to analyse. */
  token: Address,
  /** The window for large transfers, cohort flows and whale moves, in hours before the analysed block. */
  lookbackHours: z.number().int().min(1).max(720).default(24),
  /** A transfer worth at least this (USD, at the analysed block's price) is large. Unpriced tokens use a share of supply instead. */
  minUsd: z.number().min(0).default(10_000),
});
export type WhaleParams = z.infer<typeof WhaleParams>;

/** What a holder is: from the labels registry, the token's DEX pools and the account's code. */
export const HolderKind = z.enum(['eoa', 'contract', 'pool', 'locker', 'exchange', 'burn']);
export type HolderKind = z.infer<typeof HolderKind>;

export const WhaleHolder = z.object({
  rank: z.number().int(),
  address: Address,
  /** Raw units at the analysed block, decimal string. */
  balance: z.string(),
  /** Of total supply, percent to 6 decimals. */
  percent: z.number(),
  kind: HolderKind,
  /** Registry label (or the pool's description); null when unknown. */
  label: z.string().nullable(),
  /** Where the label comes from; null without a registry label. */
  labelSource: z.string().nullable(),
});
export type WhaleHolder = z.infer<typeof WhaleHolder>;

export const WhaleConcentration = z.object({
  /** Total supply minus what burn addresses hold, raw units: the base of every figure below. */
  circulatingSupply: z.string(),
  /** Share of circulating supply held by the 10 largest holders (burn addresses left out), percent. */
  top10Percent: z.number(),
  /** Gini coefficient of the balances of every holder (burn addresses left out), 0 = equal, 1 = one holder. */
  gini: z.number(),
  /** Fewest holders who together hold at least half of circulating supply. */
  holdersFor50Percent: z.number().int(),
});

export const WhaleTransfer = z.object({
  blockNumber: z.string(),
  transactionHash: z.string(),
  logIndex: z.number().int(),
  from: Address,
  to: Address,
  fromLabel: z.string().nullable(),
  toLabel: z.string().nullable(),
  /** Raw units, decimal string. */
  amount: z.string(),
  /** At the analysed block's price; null when the token has no USD price. */
  usd: z.number().nullable(),
  percentOfSupply: z.number(),
});
export type WhaleTransfer = z.infer<typeof WhaleTransfer>;

/** Token movements of a group of addresses over the window; transfers inside the group cancel out. */
export const CohortFlow = z.object({
  members: z.number().int(),
  /** Raw units, decimal strings. */
  inflow: z.string(),
  outflow: z.string(),
  /** inflow − outflow (negative: the cohort let go of tokens). */
  net: z.string(),
  netUsd: z.number().nullable(),
  /** net as a share of circulating supply, percent (signed). */
  netPercent: z.number(),
});
export type CohortFlow = z.infer<typeof CohortFlow>;

export const WhaleMove = z.object({
  address: Address,
  label: z.string().nullable(),
  /** Balance at the window's start (now minus the window's net flow) and now, raw units. */
  balanceBefore: z.string(),
  balanceNow: z.string(),
  change: z.string(),
  /** change as a share of circulating supply, percent (signed). */
  changePercent: z.number(),
  direction: z.enum(['accumulating', 'distributing']),
});
export type WhaleMove = z.infer<typeof WhaleMove>;

export const FundedHolder = z.object({
  address: Address,
  balance: z.string(),
  percent: z.number(),
  /** The first native transfer into the holder: block, transaction and amount (wei). */
  fundedBlock: z.string(),
  fundedTx: z.string(),
  fundedWei: z.string(),
});

export const FunderCluster = z.object({
  funder: Address,
  funderLabel: z.string().nullable(),
  /**
   * True when the funder is not a labelled exchange, router, bridge or mixer: one unknown wallet
   * paying for several holders' gas is how insiders spread supply (Victor 2020; Nansen entities).
   */
  insider: z.boolean(),
  members: z.array(FundedHolder),
  /** Members' balances together, raw units, and as a share of total supply (percent). */
  combinedBalance: z.string(),
  combinedPercent: z.number(),
});
export type FunderCluster = z.infer<typeof FunderCluster>;

export const WhaleData = z.object({
  token: z.object({ address: Address, name: z.string().nullable(), symbol: z.string().nullable(), decimals: z.number().int(), totalSupply: z.string() }),
  /** USD price through the deepest DEX pool (the market agent's pricing); null when the token cannot be priced. */
  priceUsd: z.string().nullable(),
  pricePool: Address.nullable(),
  history: z.object({
    /** First block of the Transfer scan: the token's creation block (0 on short chains). */
    fromBlock: z.string(),
    /** False when history before `fromBlock` could not be ruled out (a pruned node). */
    complete: z.boolean(),
    transfers: z.number().int(),
    /** Accounts with a non-zero balance at the analysed block. */
    holders: z.number().int(),
  }),
  window: z.object({ hours: z.number().int(), fromBlock: z.string(), fromTimestamp: z.number().int(), blockTimestamp: z.number().int() }),
  topHolders: z.array(WhaleHolder),
  concentration: WhaleConcentration,
  largeTransfers: z.object({
    /** `usd`: worth at least `minUsd`; `supply`: at least `minPercentOfSupply` of supply (no USD price). */
    basis: z.enum(['usd', 'supply']),
    minUsd: z.number().nullable(),
    minPercentOfSupply: z.number().nullable(),
    /** Large transfers in the window (the list keeps the largest 50). */
    count: z.number().int(),
    items: z.array(WhaleTransfer),
  }),
  cohorts: z.object({
    /** The 10 largest holders that are neither pools, exchanges, lockers nor burn addresses. */
    topHolders: CohortFlow,
    /** Labelled exchange wallets: a positive net is tokens deposited, i.e. distribution pressure. */
    exchanges: CohortFlow,
    /** The token's DEX pools: a positive net is tokens sold into the pools. */
    pools: CohortFlow,
  }),
  /** Top holders whose balance moved by at least 0.5 % of circulating supply in the window. */
  whaleMoves: z.array(WhaleMove),
  funding: z.object({
    /** False when the node has no trace API (and no other history source is configured). */
    available: z.boolean(),
    source: z.string().nullable(),
    reason: z.string().nullable(),
    /** Holders whose first funder was looked up: the largest EOAs that are not labelled (and, past block 0, fresh when the scan starts). */
    analysed: z.number().int(),
    /** Block the native-transfer scan starts at: the token's creation block (0 on short chains). */
    fromBlock: z.string(),
    /** Candidates that already held ETH or had sent a transaction before `fromBlock`: their first funder predates the token and is not looked up. */
    olderWallets: z.number().int(),
    /** Groups of two or more analysed holders sharing a first funder, largest combined share first. */
    clusters: z.array(FunderCluster),
  }),
});
export type WhaleData = z.infer<typeof WhaleData>;

export const WhaleResult = AgentResultBase.extend({ agent: z.literal('whale'), data: WhaleData });
export type WhaleResult = z.infer<typeof WhaleResult>;
