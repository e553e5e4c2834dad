import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import type { CachePolicy } from './cache';
import { GovernanceParams, GovernanceResult } from './agent-governance';
import { MarketParams, MarketResult } from './agent-market';
import { SecurityParams, SecurityResult } from './agent-security';
import { Address, Network } from './common';
import { TrendParams, TrendResult } from './agent-trend';
import { WhaleParams, WhaleResult } from './agent-whale';
import { DefiParams, DefiResult } from './agent-defi';
import { PortfolioParams, PortfolioResult } from './agent-portfolio';
import { ForensicsParams, ForensicsResult } from './agent-forensics';
import { NftParams, NftResult } from './agent-nft';


// ---- agent `address` ----

export const AddressParams = z.strictObject({
  network: Network,
  address: Address,
});
export type AddressParams = z.infer<typeof AddressParams>;

export const TokenInfo = z.object({
  standard: z.enum(['ERC20', 'ERC721', 'ERC1155']),
  name: z.string().nullable(),
  symbol: z.string().nullable(),
  /** ERC-20 only */
  decimals: z.number().int().nullable(),
  /** Raw units, decimal string; null when the contract does not expose it */
  totalSupply: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const ProxyInfo = z.object({
  standard: z.literal('EIP-1967'),
  implementation: Address.nullable(),
  admin: Address.nullable(),
  beacon: Address.nullable(),
});
export type ProxyInfo = z.infer<typeof ProxyInfo>;

export const AddressData = z.object({
  kind: z.enum(['eoa', 'contract']),
  /** Native balance in wei, decimal string */
  balanceWei: z.string(),
  /** Native balance in ether units, decimal string */
  balance: z.string(),
  nonce: z.number().int(),
  codeSize: z.number().int(),
  /** keccak256 of the runtime code; null for an EOA */
  codeHash: z.string().nullable(),
  token: TokenInfo.nullable(),
  proxy: ProxyInfo.nullable(),
});
export type AddressData = z.infer<typeof AddressData>;

export const AddressResult = AgentResultBase.extend({ agent: z.literal('address'), data: AddressData });
export type AddressResult = z.infer<typeof AddressResult>;

/**
 * The agent catalog: name → params and result schema. The gateway validates params with it
 * before a job is queued, and `GET /v1/agents` publishes it as JSON Schema.
 *
 * `version` is part of every cache key: bump it whenever a change to the agent changes its
 * results (new figures, a fixed bug), and every cached result of the older version becomes
 * unreachable at once. `cache` is the agent's freshness policy (see CachePolicy).
 */
export const AGENT_CATALOG = {
  address: {
    description: 'What is at an address: EOA or contract, balance, nonce, code, token standard, EIP-1967 proxy slots.',
    params: AddressParams,
    result: AddressResult,
    /** Per-agent execution timeout */
    timeoutMs: 20_000,
    version: 1,
    /** Balances and nonces move with every block: the current block only, and never older than a slot */
    cache: { maxBlocks: 0, maxAgeSeconds: 12 } satisfies CachePolicy,
  },
  security: {
    description:
      'Token security: proxy and owner powers from decoded bytecode, capabilities (mint, pause, blacklist, tax changes, balance rewrites), buy/sell/transfer taxes and honeypot by simulating a trade in one eth_call, holders, liquidity and LP burned or held; a 0-100 score and verdict.',
    params: SecurityParams,
    result: SecurityResult,
    timeoutMs: 30_000,
    // 4: trading.limits (maxBuy / maxSell / max wallet by bisection), trading.dex and skippedPools (DEX forks); cached version-3 results lack them.
    // 5: trading.limits through the pool the simulation traded, at its DEX's fee, quote or callback (V2 forks, Solidly, PancakeSwap V3), V3 sales in one transfer; version-4 results differ for those tokens.
    version: 5,
    /** Owner powers and taxes change rarely; holders and liquidity drift slowly */
    cache: { maxBlocks: 25, maxAgeSeconds: 300 } satisfies CachePolicy,
  },
  market: {
    description:
      'DexScreener-style market data computed on-chain: every Uniswap V2/V3 pool (and listed fork) and Aerodrome/Velodrome V2 pool (volatile and stable) of a token, price in native and USD with stablecoins checked against each other (depeg over 2 % flagged), liquidity, 1h/6h/24h volume, buys/sells and price change, FDV and market cap; a Swap history too long for the request budget is narrowed to its newest part and says so.',
    params: MarketParams,
    result: MarketResult,
    timeoutMs: 30_000,
    /** 2: stablecoin pegs, swapHistory coverage, txns null for windows not read whole; 3: Solidly (Aerodrome/Velodrome V2) pools, `stable` per pool */
    version: 3,
    /** Prices move with every swap: at most one block behind the head */
    cache: { maxBlocks: 1, maxAgeSeconds: 30 } satisfies CachePolicy,
  },
  trend: {
    description:
      'Trending tokens: pools created in the lookback window (5 minutes to a week) at the listed Uniswap V2/V3, fork and Aerodrome/Velodrome V2 factories and the busiest older pools traded in it, ranked by a documented momentum score, with honeypots, tokens taxed over the limit and pools under the liquidity floor excluded and counted; a window too long for the request budget is narrowed and says so.',
    params: TrendParams,
    result: TrendResult,
    timeoutMs: 60_000,
    /** 2: older pools ranked too, simulated taxes, lookbackMinutes, unknown USD liquidity null, window coverage, stablecoin pegs; 3: Solidly (Aerodrome/Velodrome V2) pools, `stable` per pool */
    version: 3,
    /** A ranking over hours of new pools: minutes of staleness do not change it, whatever the blocks */
    cache: { maxAgeSeconds: 300 } satisfies CachePolicy,
  },
  whale: {
    description:
      'Token holders and whales: top holders with labels and kinds, concentration (top-10 share, Gini, holders for 50 %), large transfers in a window, flows of top holders, exchanges and pools, whale moves, and clusters of holders funded by the same first funder (trace_filter).',
    params: WhaleParams,
    result: WhaleResult,
    /** The whole Transfer history and a trace_filter over the holders' past */
    timeoutMs: 60_000,
    /** 3: a holder labelled dex-pool counts as a pool even when the market snapshot did not find it; version-2 results may call it a contract */
    version: 3,
    /** Holders and flows drift slowly: a few blocks or minutes behind is fine */
    cache: { maxBlocks: 25, maxAgeSeconds: 300 } satisfies CachePolicy,
  },
  governance: {
    description:
      'On-chain governance (Tally/Boardroom-style): OpenZeppelin Governor, Governor Bravo or GovernorAlpha; proposals with state, votes, quorum progress, timelock eta and decoded actions (upgrades, ownership and role changes, large treasury transfers flagged); delegates ranked, share of supply delegated, Nakamoto coefficients, participation; the timelock treasury valued in USD, and a Safe holding treasury (owners, threshold, modules, balances).',
    params: GovernanceParams,
    result: GovernanceResult,
    timeoutMs: 60_000,
    version: 2,
    /** Votes move block by block while a proposal is live, but a few blocks of staleness change no conclusion */
    cache: { maxBlocks: 25, maxAgeSeconds: 120 } satisfies CachePolicy,
  },
  defi: {
    description:
      'DeFi protocol intelligence (DefiLlama-style): recognises a Uniswap V2/V3 pool, an Aave V3 pool (or fork) or an ERC-4626 vault; TVL from what the contracts hold valued through DEX prices (lending: supplied minus borrowed per reserve); fee APY from the window\'s swaps, supply and borrow APY and utilization per reserve, vault APY from its share price; risks: caps, oracle sources, admin powers (owner, pause, upgradeable proxies), LP concentration, impermanent loss.',
    params: DefiParams,
    result: DefiResult,
    /** A V2 pool's LP Transfer history and a window of swaps */
    timeoutMs: 60_000,
    version: 1,
    /** Rates and balances move with every block, but a few blocks behind changes no conclusion */
    cache: { maxBlocks: 10, maxAgeSeconds: 60 } satisfies CachePolicy,
  },
  portfolio: {
    description:
      'Wallet portfolio: native and token balances found from the address’s Transfer history, valued in USD through DEX pools (unpriced holdings listed, never counted as $0), Uniswap V2 LP tokens and V3 positions with underlying amounts and uncollected fees, other ERC-721 and ERC-1155 NFTs held (token ids and amounts confirmed on chain, listed unpriced), allocation by asset, a risk column (honeypot, mintable, proxy) for the largest holdings, and average-cost basis and P&L from the address’s swaps.',
    params: PortfolioParams,
    result: PortfolioResult,
    /** The address's whole Transfer history, a market snapshot per token and a trade simulation per top holding */
    timeoutMs: 60_000,
    /** 2: nfts and nftScan (ERC-721 beyond V3 positions and ERC-1155 holdings, unpriced); cached version-1 results lack them */
    version: 2,
    /** Balances change only when the address transacts or prices move: a few blocks or minutes behind is fine */
    cache: { maxBlocks: 25, maxAgeSeconds: 300 } satisfies CachePolicy,
  },
  forensics: {
    description:
      'Wallet forensics: funding trail back 1-5 hops (first funders, amounts, times, path), counterparties ranked by value and count (native and ERC-20; ERC-721 and ERC-1155 by count), contracts deployed with the security agent\'s verdict (honeypot with the same creator), sanctioned or mixer addresses within the depth with the path, exchange deposit addresses by their forwarding pattern, fresh-wallet and single-use signals, and a risk level with reasons. Native history from trace_filter or an Etherscan-compatible API.',
    params: ForensicsParams,
    result: ForensicsResult,
    /** A trace_filter (or explorer) read per hop and per deposit-address candidate, token logs from block 0, up to three security checks */
    timeoutMs: 90_000,
    /** 2: counterparties.nfts (ERC-721 and ERC-1155 counterparties, by count); cached version-1 results lack them */
    version: 2,
    /** A wallet's past changes only at its edge: minutes behind is fine */
    cache: { maxBlocks: 25, maxAgeSeconds: 300 } satisfies CachePolicy,
  },
  nft: {
    description:
      'NFT collections: ERC-721/1155 by ERC-165, holders and concentration, mint timeline; sales reconstructed from the chain (Seaport OrderFulfilled, or the NFT transfer and its ETH/WETH/ERC-20 payment in one transaction) with day/week/month volume, last sale and floor from recent sales in USD; OpenRarity rarity from tokenURI metadata; wash trades by Dune’s five filters and their share of volume.',
    params: NftParams,
    result: NftResult,
    /** The whole transfer history, a receipt per sale transaction, a tokenURI per token and trace_filter */
    timeoutMs: 60_000,
    version: 1,
    /** Sales and holders drift slowly: a few blocks or minutes behind is fine */
    cache: { maxBlocks: 25, maxAgeSeconds: 300 } satisfies CachePolicy,
  },
} as const;
export type AgentName = keyof typeof AGENT_CATALOG;
export const AGENT_NAMES = Object.keys(AGENT_CATALOG) as AgentName[];
export const AgentName = z.enum(AGENT_NAMES as [AgentName, ...AgentName[]]);

export function isAgentName(name: string): name is AgentName {
  return Object.prototype.hasOwnProperty.call(AGENT_CATALOG, name);
}
