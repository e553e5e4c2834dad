import { z } from 'zod';
import { AgentResultBase } from './agent-base';
import { Address, Network } from './common';

// ---- agent `security`: token security (GoPlus token_security + honeypot.is simulation) ----

export const SecurityParams = z.strictObject({
  network: Network,
  address: Address,
});
export type SecurityParams = z.infer<typeof SecurityParams>;

/** A share of something as a fraction, 0–1 (taxes). */
const Fraction = z.number().min(0).max(1);
/** A share of a supply in percent, 0–100. */
const Percent = z.number().min(0).max(100);
/** A raw token amount (smallest units), decimal string. */
const RawAmount = z.string().regex(/^\d+$/);

export const SecurityToken = z.object({
  name: z.string().nullable(),
  symbol: z.string().nullable(),
  decimals: z.number().int().nullable(),
  totalSupply: RawAmount,
});
export type SecurityToken = z.infer<typeof SecurityToken>;

export const ProxyKind = z.enum(['EIP-1967', 'EIP-1967-beacon', 'EIP-1822', 'EIP-1167']);
export type ProxyKind = z.infer<typeof ProxyKind>;

export const SecurityProxy = z.object({
  kind: ProxyKind,
  /** The code the proxy runs at the pinned block; null when it could not be resolved. */
  implementation: Address.nullable(),
  /** EIP-1967 admin slot (transparent proxies). */
  admin: Address.nullable(),
  beacon: Address.nullable(),
  /** False only for EIP-1167 clones, whose implementation is fixed in the code. */
  upgradeable: z.boolean(),
});
export type SecurityProxy = z.infer<typeof SecurityProxy>;

export const RiskyFunctionCategory = z.enum([
  'mint',
  'pause',
  'blacklist',
  'whitelist',
  'tax',
  'balance',
  'cooldown',
  'anti-whale',
  'trading-switch',
  'upgrade',
]);
export type RiskyFunctionCategory = z.infer<typeof RiskyFunctionCategory>;

export const RiskyFunction = z.object({
  /** 4-byte selector found in the dispatcher, 0x-prefixed lower-case hex. */
  selector: z.string(),
  /** The catalogued signature that hashes to it, e.g. `mint(address,uint256)`. */
  signature: z.string(),
  category: RiskyFunctionCategory,
  /** Where it was found: the token's own code or its proxy implementation. */
  foundIn: z.enum(['contract', 'implementation']),
});
export type RiskyFunction = z.infer<typeof RiskyFunction>;

/**
 * Who deployed the token: the `from` of the transaction that created it (GoPlus `creator_address`),
 * not the sender of its first mint.
 */
export const SecurityCreator = z.object({
  /** The deployer (the creating transaction's sender); null when not found (`unknownReason`). */
  address: Address.nullable(),
  transaction: z.string().regex(/^0x[0-9a-fA-F]{64}$/).nullable(),
  /** The contract that created the token when a factory did (the deployer called it); null for a direct deployment. */
  factory: Address.nullable(),
  /** The creation block, decimal. */
  block: RawAmount.nullable(),
  /** `creation-receipt`: a receipt's `contractAddress` is the token; `creation-trace`: the block's `create` trace (trace_filter). */
  method: z.enum(['creation-receipt', 'creation-trace']).nullable(),
  unknownReason: z.string().nullable(),
});
export type SecurityCreator = z.infer<typeof SecurityCreator>;

export const SecurityContract = z.object({
  /** Runtime code size in bytes at the pinned block. */
  codeSize: z.number().int(),
  codeHash: z.string(),
  isProxy: z.boolean(),
  proxy: SecurityProxy.nullable(),
  /** `owner()` or `getOwner()`; null when neither answers with an address. */
  ownerAddress: Address.nullable(),
  creator: SecurityCreator,
  /** True when the owner is 0x0 or 0x…dEaD; null when there is no owner function. */
  ownershipRenounced: z.boolean().nullable(),
  /** A reachable SELFDESTRUCT instruction (decoded opcodes, PUSH data skipped). */
  selfdestruct: z.boolean(),
  /** A reachable DELEGATECALL instruction; expected in a proxy, a risk elsewhere. */
  delegatecall: z.boolean(),
  riskyFunctions: z.array(RiskyFunction),
});
export type SecurityContract = z.infer<typeof SecurityContract>;

/** What the owner (or anyone with the right role) can do, from the functions the code exposes. */
export const SecurityCapabilities = z.object({
  mintable: z.boolean(),
  transferPausable: z.boolean(),
  blacklist: z.boolean(),
  whitelist: z.boolean(),
  ownerCanChangeBalance: z.boolean(),
  taxModifiable: z.boolean(),
  tradingCooldown: z.boolean(),
  antiWhale: z.boolean(),
  /** A setter for the anti-whale limit exists (an owner can lower it to zero). */
  antiWhaleModifiable: z.boolean(),
});
export type SecurityCapabilities = z.infer<typeof SecurityCapabilities>;

/** Buy, wallet transfer and sell simulated in one eth_call; null fields were not measurable. */
/** One real holder's own sale, simulated from its address with its real balance. */
export const HolderSale = z.object({
  address: Address,
  balance: RawAmount,
  /** `all`: the whole balance sold at once; `part`: only a small amount (0.1 % of the pool) sold; `none`: neither. */
  sold: z.enum(['all', 'part', 'none']),
  /** Like `sellTax`, measured on the small sale (no price impact to mistake for a tax); null when nothing sold. */
  sellTax: Fraction.nullable(),
  /** Why the sale failed (the token's or the pool's revert reason). */
  reason: z.string().nullable(),
});
export type HolderSale = z.infer<typeof HolderSale>;

/**
 * The largest real holders' own sales (honeypot.is's holder analysis): tokens exist that let a fresh
 * wallet buy and sell and trap everyone who already holds. Sampled: EOAs only — not pools, the
 * burn addresses, contracts (lockers, vaults) or the owner (who can exempt himself).
 */
export const HolderSaleAnalysis = z.object({
  sampled: z.number().int(),
  canSell: z.number().int(),
  cannotSell: z.number().int(),
  averageTax: Fraction.nullable(),
  highestTax: Fraction.nullable(),
  sales: z.array(HolderSale),
});
export type HolderSaleAnalysis = z.infer<typeof HolderSaleAnalysis>;

/**
 * One trade limit found by bisection: `limit` is the largest amount that went through (raw token
 * units), null when `searchedUpTo` itself went through (no limit at or below it).
 */
export const TradeLimit = z.object({
  limit: RawAmount.nullable(),
  searchedUpTo: RawAmount,
});
export type TradeLimit = z.infer<typeof TradeLimit>;

/**
 * The largest buy, sale and wallet balance that succeed through `pool`, probed (not read from
 * getters) by bisection over simulated trades inside one eth_call with state overrides, each trial
 * rolled back; precise to 0.01 % of the bracket's top. Buys are tokens asked of the pool, sales
 * tokens sent to it.
 */
export const TradeLimits = z.object({
  method: z.literal('bisection'),
  pool: Address,
  /** Searched up to half the pool's token reserve. */
  maxBuy: TradeLimit,
  /** From the balance one wallet could buy; null when no buy went through. */
  maxSell: TradeLimit.nullable(),
  /** The largest balance one wallet reached by buying maxBuy repeatedly (8 times) and topping up; null when not measured (buys unlimited or large against the pool, or repeated buys blocked). */
  maxWallet: TradeLimit.nullable(),
  /** After one buy no further buy went through at all (a cooldown, one buy per block): no wallet figure. */
  repeatBuyBlocked: z.boolean(),
  /** Swaps simulated. */
  trials: z.number().int(),
});
export type TradeLimits = z.infer<typeof TradeLimits>;
/** A pool the trade simulation passed over because its buy reverted. */
export const SkippedPool = z.object({
  pool: Address,
  dex: z.string(),
  /** The pool's (or the token's) revert reason. */
  reason: z.string(),
});
export type SkippedPool = z.infer<typeof SkippedPool>;

export const SecurityTrading = z.object({
  /**
   * `v2-pair` / `v3-pool`: swapped through `pool` (the deepest pool, V2 or V3, against a wrapped
   * native coin); `wrap`: the token is a wrapped native coin (deposit/withdraw); null: nothing to
   * trade through.
   */
  method: z.enum(['v2-pair', 'v3-pool', 'wrap']).nullable(),
  pool: Address.nullable(),
  /** The DEX of `pool`, as its entry in `liquidity.pools` names it (`pancakeswap-v3`, `unlisted-v2`, …); null without a pool. */
  dex: z.string().nullable(),
  /**
   * Deeper pools the simulation could not run through (their buy reverted: a fork whose fee or
   * callback the simulator does not match, or a pool the token refuses), passed over for `pool`.
   * A failure after a buy went through is the token's and is never retried in another pool.
   */
  skippedPools: z.array(SkippedPool),
  quoteToken: Address.nullable(),
  /** Quote units spent on the simulated buy (0.1 % of the pool's quote reserve). */
  amountIn: RawAmount.nullable(),
  buyTax: Fraction.nullable(),
  sellTax: Fraction.nullable(),
  transferTax: Fraction.nullable(),
  cannotBuy: z.boolean().nullable(),
  cannotSellAll: z.boolean().nullable(),
  isHoneypot: z.boolean().nullable(),
  honeypotReason: z.string().nullable(),
  buyGas: z.number().int().nullable(),
  sellGas: z.number().int().nullable(),
  /** null when there was no pool to sell into, no holder to sample, or the token is a wrapped native coin. */
  holderAnalysis: HolderSaleAnalysis.nullable(),
  /** null when the deepest pool's other token is not a wrapped native coin, the probe could not run, or its gas ran out before the searches finished. */
  limits: TradeLimits.nullable(),
});
export type SecurityTrading = z.infer<typeof SecurityTrading>;

export const HolderTag = z.enum(['pool', 'burn', 'owner', 'creator', 'locker']);
export type HolderTag = z.infer<typeof HolderTag>;

export const TokenHolder = z.object({
  address: Address,
  balance: RawAmount,
  /** Of the total supply, 0–100. */
  percent: Percent,
  isContract: z.boolean(),
  tag: HolderTag.nullable(),
});
export type TokenHolder = z.infer<typeof TokenHolder>;

export const SecurityHolders = z.object({
  /** Addresses with a non-zero balance at the pinned block, among every address a Transfer touched. */
  holderCount: z.number().int(),
  /** Largest ten, descending. */
  topHolders: z.array(TokenHolder),
  top10Percent: Percent,
  /** null when there is no owner function. */
  ownerBalance: RawAmount.nullable(),
  ownerPercent: Percent.nullable(),
  /** Sender of the first mint's transaction (the deployer for a constructor mint). */
  creatorAddress: Address.nullable(),
  creatorBalance: RawAmount.nullable(),
  creatorPercent: Percent.nullable(),
  /** Transfer (and WETH-style Deposit) logs read to find the holders. */
  logsScanned: z.number().int(),
  /** First block of the scan: where the token got its code (found on the chain, not assumed). */
  scannedFromBlock: z.string(),
  /**
   * False when the node could not show that nothing lies before `scannedFromBlock` (pruned state,
   * or a chain whose history starts later): holders are then counted from that block on.
   */
  historyComplete: z.boolean(),
});
export type SecurityHolders = z.infer<typeof SecurityHolders>;

/** LP tokens (V3: position NFTs) of one pool held by a known locker contract (`LP_LOCKERS` in @oca/chain). */
export const LpLock = z.object({
  locker: Address,
  name: z.string(),
  /** LP the locker holds, of the LP supply, 0–100. */
  heldPercent: Percent,
  /**
   * Of the LP supply, still locked at the pinned block. Expired locks are withdrawable at will, so
   * they are not counted (held − locked is the expired part).
   */
  lockedPercent: Percent,
  /**
   * False for lockers whose per-lock unlock times the agent does not read: everything they hold
   * counts as locked, an upper bound.
   */
  expiryChecked: z.boolean(),
});
export type LpLock = z.infer<typeof LpLock>;

export const SecurityPool = z.object({
  address: Address,
  /**
   * The pool's protocol (any fork whose factory maps the pool back counts as its protocol):
   * `solidly` for a Velodrome/Aerodrome V2-style pool (`getPool(tokenA, tokenB, stable)`; an LP
   * token like V2's, volatile or stable curve).
   */
  dex: z.enum(['uniswap-v2', 'uniswap-v3', 'solidly']),
  /**
   * Which DEX it is: the name of the network's listed factory that made it (`uniswap-v2`, or a
   * fork's name where the network lists one), or `unlisted-v2` / `unlisted-v3` / `unlisted-solidly` for a factory the
   * agent does not list — a fork whose name it cannot know.
   */
  dexName: z.string(),
  factory: Address,
  token0: Address,
  token1: Address,
  /** V3 fee tier in hundredths of a basis point (3000 = 0.3 %); null for V2. */
  feeTier: z.number().int().nullable(),
  /** The pool's other token. */
  quoteToken: Address,
  /** V2: reserves. V3: the pool's token balances (every position's principal plus uncollected fees). */
  reserveToken: RawAmount,
  reserveQuote: RawAmount,
  /** V3 `slot0().sqrtPriceX96` and in-range `liquidity()`; null for V2. */
  sqrtPriceX96: RawAmount.nullable(),
  liquidity: RawAmount.nullable(),
  /** V2 LP token supply; null for V3 (liquidity is held as positions, not a fungible LP token). */
  lpTotalSupply: RawAmount.nullable(),
  /**
   * V3: the liquidity of every position of the pool (the sum of `positions(key).liquidity` over the
   * positions its Mint logs name, in range or not): what V3 percentages are shares of. null for V2,
   * or when the pool's Mint history could not be read.
   */
  positionLiquidity: RawAmount.nullable(),
  /**
   * V2: accounts holding LP tokens. V3: owners of the position-manager NFTs of this pool (distinct
   * owners with liquidity); null when no position could be attributed.
   */
  lpHolderCount: z.number().int().nullable(),
  /**
   * Largest ten LP holders; `percent` is of the LP supply (V2) or of `positionLiquidity` (V3, by
   * NFT owner, `balance` in liquidity units).
   */
  lpHolders: z.array(TokenHolder),
  /** LP held by 0x0 and 0x…dEaD (V3: position NFTs they own), 0–100; null for V3 when nothing could be attributed. */
  lpBurnedPercent: Percent.nullable(),
  /**
   * LP held by known lockers and still locked at the pinned block (V3: position NFTs they hold
   * under a running lock); null when some LP sits in contracts the agent cannot classify, or (V3)
   * when part of the liquidity is unattributed.
   */
  lpLockedPercent: Percent.nullable(),
  /**
   * V3: liquidity in positions no position-manager NFT accounts for (minted on the pool directly by
   * a contract, or beyond the read budget), of `positionLiquidity`, 0–100: its owners are not
   * guessed. null for V2.
   */
  lpUnattributedPercent: Percent.nullable(),
  /** The known lockers holding this pool's LP (V3: its position NFTs). */
  lpLocks: z.array(LpLock),
  /** Why the LP figures are null (or, V3, partly unattributed), when they are. */
  lpUnknownReason: z.string().nullable(),
});
export type SecurityPool = z.infer<typeof SecurityPool>;

export const SecurityLiquidity = z.object({
  /** Every verified V2 pair and V3 pool of the token, deepest (largest token holding) first. */
  pools: z.array(SecurityPool),
  /** Of the deepest pool; null without a pool, or when its figures are unknown (see its `lpUnknownReason`). */
  lpBurnedPercent: Percent.nullable(),
  lpLockedPercent: Percent.nullable(),
});
export type SecurityLiquidity = z.infer<typeof SecurityLiquidity>;

export const SecurityVerdict = z.enum(['SAFE', 'WARNING', 'DANGER', 'CRITICAL']);
export type SecurityVerdict = z.infer<typeof SecurityVerdict>;

export const SecurityData = z.object({
  token: SecurityToken,
  contract: SecurityContract,
  capabilities: SecurityCapabilities,
  trading: SecurityTrading,
  /** null when the Transfer history could not be read within the scan budget (a finding says so). */
  holders: SecurityHolders.nullable(),
  liquidity: SecurityLiquidity,
  /** 100 = no risk found; each finding subtracts by severity, capped by the worst one. */
  score: z.number().int().min(0).max(100),
  /** From the worst finding: critical → CRITICAL, high → DANGER, medium → WARNING, else SAFE. */
  verdict: SecurityVerdict,
});
export type SecurityData = z.infer<typeof SecurityData>;

export const SecurityResult = AgentResultBase.extend({ agent: z.literal('security'), data: SecurityData });
export type SecurityResult = z.infer<typeof SecurityResult>;
