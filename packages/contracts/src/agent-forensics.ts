import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `forensics`: who is behind a wallet — funding, counterparties, deployments, risk ----

export const ForensicsParams = z.strictObject({
  network: Network,
  /** The wallet (or contract) to investigate. */
  address: Address,
  /** Funding hops traced back: the first funder, its first funder, … */
  depth: z.number().int().min(1).max(5).default(2),
});
export type ForensicsParams = z.infer<typeof ForensicsParams>;

/** Wei or raw token units, decimal string. */
const Raw = z.string().regex(/^\d+$/);
/** The labels registry's kinds (`LabelKind` in @oca/chain). */
const LabelKind = z.enum(['exchange', 'bridge', 'dex-router', 'dex-pool', 'locker', 'burn', 'mixer', 'sanctioned']);

/** Whether a data source answered; when not, why. */
export const SourceStatus = z.object({
  available: z.boolean(),
  /** `trace_filter`, `explorer-api` or `eth_getLogs`; null when unavailable. */
  source: z.string().nullable(),
  reason: z.string().nullable(),
});
export type SourceStatus = z.infer<typeof SourceStatus>;

/** One step back in the funding trail: `funded` received its first native coin from `funder`. */
export const FundingHop = z.object({
  /** 1 = the address's own first funder. */
  hop: z.number().int().min(1),
  funded: Address,
  funder: Address,
  funderLabel: z.string().nullable(),
  funderKind: LabelKind.nullable(),
  /** Wei of that first transfer. */
  value: Raw,
  blockNumber: z.string(),
  /** Unix seconds of the block. */
  timestamp: z.number().int(),
  transactionHash: z.string(),
  /** Internal (a contract's call inside the transaction) or the transaction itself. */
  internal: z.boolean(),
  /** From the investigated address back to this funder. */
  path: z.array(Address),
});
export type FundingHop = z.infer<typeof FundingHop>;

export const NativeCounterparty = z.object({
  address: Address,
  label: z.string().nullable(),
  kind: LabelKind.nullable(),
  /** Transfers to / from the investigated address, and their wei. */
  sentCount: z.number().int(),
  sent: Raw,
  receivedCount: z.number().int(),
  received: Raw,
});
export type NativeCounterparty = z.infer<typeof NativeCounterparty>;

export const TokenCounterparty = z.object({
  token: Address,
  address: Address,
  label: z.string().nullable(),
  kind: LabelKind.nullable(),
  /** Transfer events to / from the investigated address, raw units. */
  sentCount: z.number().int(),
  sent: Raw,
  receivedCount: z.number().int(),
  received: Raw,
});
export type TokenCounterparty = z.infer<typeof TokenCounterparty>;

/**
 * NFT movements (ERC-721 Transfer, ERC-1155 TransferSingle/TransferBatch) between the address and
 * one counterparty, per collection. NFTs have no USD value here, so these are counted, not valued.
 */
export const NftCounterparty = z.object({
  collection: Address,
  standard: z.enum(['erc721', 'erc1155']),
  address: Address,
  label: z.string().nullable(),
  kind: LabelKind.nullable(),
  /** Movements (one per token id, a batch counting once per id) to / from the investigated address, and the units moved (1 per ERC-721). */
  sentCount: z.number().int(),
  sentUnits: Raw,
  receivedCount: z.number().int(),
  receivedUnits: Raw,
  /** Distinct token ids moved between the two. */
  tokenIds: z.number().int(),
});
export type NftCounterparty = z.infer<typeof NftCounterparty>;

export const DeployedContract = z.object({
  address: Address,
  blockNumber: z.string(),
  transactionHash: z.string(),
  /** The security agent's view, for the first deployments (a bounded cost); null otherwise. */
  security: z
    .object({
      analysed: z.boolean(),
      verdict: z.enum(['SAFE', 'WARNING', 'DANGER', 'CRITICAL']).nullable(),
      score: z.number().int().nullable(),
      isHoneypot: z.boolean().nullable(),
      /** Why no verdict (not a token, over the budget of checks, the agent failed). */
      reason: z.string().nullable(),
    })
    .nullable(),
});
export type DeployedContract = z.infer<typeof DeployedContract>;

/** A sanctioned or mixer address met within the traced depth. */
export const FlaggedInteraction = z.object({
  address: Address,
  label: z.string(),
  kind: z.enum(['mixer', 'sanctioned']),
  /** 0: a direct counterparty; n ≥ 1: the n-th funder back. */
  hop: z.number().int().min(0),
  /** From the investigated address to the flagged one. */
  path: z.array(Address),
  /** What connects them: funding (the trail) or a direct transfer in/out. */
  via: z.enum(['funding', 'sent', 'received']),
  labelSource: z.string(),
});
export type FlaggedInteraction = z.infer<typeof FlaggedInteraction>;

/** An address that collects from many senders and forwards to one labelled exchange wallet. */
export const DepositAddress = z.object({
  address: Address,
  exchange: Address,
  exchangeLabel: z.string(),
  /** Distinct senders of native coin into it. */
  senders: z.number().int(),
  received: Raw,
  forwarded: Raw,
  /** What the investigated address paid into it. */
  paidBySubject: Raw,
});
export type DepositAddress = z.infer<typeof DepositAddress>;

export const ForensicsRiskLevel = z.enum(['low', 'medium', 'high', 'critical']);
export type ForensicsRiskLevel = z.infer<typeof ForensicsRiskLevel>;

export const ForensicsData = z.object({
  address: Address,
  kind: z.enum(['eoa', 'contract']),
  label: z.string().nullable(),
  /** Transactions the address sent (its nonce at the block). */
  transactionCount: z.number().int(),
  /** Native-transfer history (trace_filter or an explorer API) and token logs. */
  sources: z.object({ nativeHistory: SourceStatus, tokenTransfers: SourceStatus }),
  funding: z.object({
    depth: z.number().int(),
    /** In order back from the address; shorter than `depth` when a funder is labelled or has no funding on record. */
    hops: z.array(FundingHop),
    /** Why the trail ends where it does. */
    stoppedBecause: z.string().nullable(),
  }),
  counterparties: z.object({
    /** Largest total wei moved first, then most transfers; at most 20. */
    native: z.array(NativeCounterparty),
    /** Most transfers first, then the address; at most 20. */
    tokens: z.array(TokenCounterparty),
    /** ERC-721 and ERC-1155: most movements first (no USD value to rank by), then collection and address; at most 20. */
    nfts: z.array(NftCounterparty),
  }),
  deployed: z.array(DeployedContract),
  flagged: z.array(FlaggedInteraction),
  depositAddresses: z.array(DepositAddress),
  signals: z.object({
    /** Seconds between the first funding and the analysed block; null without funding data. */
    ageSeconds: z.number().int().nullable(),
    /** First funded less than 7 days before the block. */
    freshWallet: z.boolean().nullable(),
    /** At most two transactions sent and at most two native counterparties: a pass-through. */
    singleUse: z.boolean().nullable(),
  }),
  risk: z.object({ level: ForensicsRiskLevel, reasons: z.array(z.string()) }),
});
export type ForensicsData = z.infer<typeof ForensicsData>;

export const ForensicsResult = AgentResultBase.extend({ agent: z.literal('forensics'), data: ForensicsData });
export type ForensicsResult = z.infer<typeof ForensicsResult>;
