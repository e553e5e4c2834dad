import type { Address } from 'viem';

/**
 * Risk flags as the security agent names them. A risky scenario token lists the flags its
 * bytecode or trading behaviour must raise; a clean one lists none, and every flag must be false.
 */
export type SecurityFlag =
  | 'isProxy'
  | 'mintable'
  | 'transferPausable'
  | 'blacklist'
  | 'ownerCanChangeBalance'
  | 'taxModifiable'
  | 'tradingCooldown'
  | 'antiWhale'
  | 'isHoneypot'
  | 'liquidityHeldByDeployer';

/** What the chain really holds for one scenario token: the answer the agent is checked against. */
export interface TokenGroundTruth {
  /** True when at least one high or critical finding is due. */
  risky: boolean;
  flags: SecurityFlag[];
  /** Configured taxes as fractions 0–1, measured on a buy, a wallet transfer and a sell. */
  buyTax: number;
  transferTax: number;
  sellTax: number;
  /** `owner()` after deployment: null when the contract has no owner function. */
  owner: Address | null;
  ownershipRenounced: boolean | null;
  /**
   * Where the WETH pool's LP tokens went. The `v3-*` kinds: the only pool is Uniswap V3 (no LP
   * token); `v3-burned` / `v3-held-by-deployer`: one full-range position NFT of the position
   * manager, sent to 0x…dEaD / kept by the deployer; `v3-locked`: several position NFTs split as
   * `v3Locks` says; `v3-raw-held-by-deployer`: a raw pool position owned by the deployer, minted
   * on the pool through the market scenario's MarketTrader (no NFT records it).
   */
  liquidity: 'burned' | 'held-by-deployer' | 'shared' | 'locked' | 'v3-burned' | 'v3-held-by-deployer' | 'v3-locked' | 'v3-raw-held-by-deployer' | 'not-applicable';
}

/** Every token the scenario deploys (plus WETH9), by role. */
export const SECURITY_TOKEN_KEYS = [
  'clean',
  'stablecoin',
  'weth',
  'lpHeld',
  'blacklist',
  'ownerSellOnly',
  'sellTax',
  'modifiableTax',
  'mintable',
  'pausable',
  'proxy',
  'balanceRewrite',
  'cooldown',
  'maxTx',
  'lpLocked',
  'v3Clean',
  'v3SellTax',
  'v3Honeypot',
  'v3Locked',
  'holderTrap',
] as const;
export type SecurityTokenKey = (typeof SECURITY_TOKEN_KEYS)[number];

export interface SecurityScenarioToken {
  address: Address;
  name: string;
  symbol: string;
  decimals: number;
  /** Raw units, decimal string. */
  totalSupply: string;
  /** The token/WETH Uniswap V2 pair; null for WETH itself and the V3-only tokens. */
  wethPair: Address | null;
  /** The token/WETH Uniswap V3 pool (0.3 %) of the V3-only tokens; null for the others. */
  v3Pool: Address | null;
  expected: TokenGroundTruth;
}

/** Addresses and ground truth of `deployTokenScenario`. JSON-safe: big numbers are strings. */
export interface TokenScenario {
  rpcUrl: string;
  chainId: number;
  /** Decimal string: the block after the last scenario transaction. */
  blockNumber: string;
  /** anvil's first account: deploys and owns every token, provides liquidity. */
  deployer: Address;
  /** anvil's second account: admin of the upgradeable proxy token. */
  proxyAdmin: Address;
  weth: Address;
  uniswapV2Factory: Address;
  /** npm UniswapV3Factory (fresh, or the one passed in options). */
  uniswapV3Factory: Address;
  /** The npm UniswapV2Router02: every pool's liquidity and every trade went through it. */
  uniswapV2Router: Address;
  /** anvil's third account: bought the taxed tokens (sellTax, modifiableTax) and sold half back. */
  trader: Address;
  /** EOAs that received tokens by plain transfers (no keys are held for them). */
  holders: Address[];
  /** A contract that received tokens and is not a pool (the V2 factory). */
  contractHolder: Address;
  /** EOAs that received LP tokens of the stablecoin/WETH pool, next to the deployer. */
  lpProviders: Address[];
  /** The devnet LP time-lock (CREATE2, listed in @oca/chain's LP_LOCKERS.devnet). */
  lpLocker: Address;
  /** What happened to the `lpLocked` token's WETH-pair LP, as set by the scenario. */
  lpLocks: LpLockScenario;
  /** The npm NonfungiblePositionManager bound to `uniswapV3Factory` and `weth` (its `tokenURI` is not served: no descriptor). */
  uniswapV3PositionManager: Address;
  /** The `v3Locked` token's position NFTs, by what the scenario did with each. */
  v3Locks: V3LockScenario;
  /** The clean token's second, shallower pool: CLEAN/USDX. */
  cleanStablePair: Address;
  tokens: Record<SecurityTokenKey, SecurityScenarioToken>;
}

/** The `lpLocked` token's LP: split between a live lock, an expired lock, a burn and the deployer. */
export interface LpLockScenario {
  pair: Address;
  /** LP supply after the split (raw, decimal string); the parts below are raw amounts too. */
  lpTotalSupply: string;
  /** Locked until `lockedUntil` (still ahead). */
  locked: string;
  lockedUntil: string;
  /** Locked until `expiredAt`, which the chain's clock has passed: withdrawable, so not locked. */
  expired: string;
  expiredAt: string;
  /** Sent to 0x…dEaD (V2's MINIMUM_LIQUIDITY at 0x0 comes on top). */
  burned: string;
  /** Kept by the deployer. */
  deployer: string;
}

/** The `v3Locked` token's V3 liquidity: four full-range position NFTs of the position manager. */
export interface V3LockScenario {
  pool: Address;
  /** Sent to 0x…dEaD. */
  burnedTokenId: string;
  /** In the LP time-lock until `lockedUntil` (still ahead). */
  lockedTokenId: string;
  lockedUntil: string;
  /** In the LP time-lock until `expiredAt`, which the chain's clock has passed: not locked. */
  expiredTokenId: string;
  expiredAt: string;
  /** Kept by the deployer. */
  deployerTokenId: string;
}
