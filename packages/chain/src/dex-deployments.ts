import type { Network } from '@oca/contracts';
import type { Address } from 'viem';

/** A token pools are priced against. Decimals are read from the chain, never assumed. */
export interface DexQuoteToken {
  address: Address;
  /** Display label; the result reports what the token itself says. */
  symbol: string;
}

/** A Uniswap V2 factory or a fork emitting the same `PairCreated`/`Swap`/`Sync` events. */
export interface DexV2Factory {
  name: string;
  address: Address;
  /**
   * Swap fee in basis points. Forks differ (PancakeSwap V2 takes 25); a simulation that asks a
   * pair for more than its own fee allows reverts on the K check.
   * @default 30 (Uniswap V2)
   */
  feeBps?: number;
}

/** A Uniswap V3 factory and the fee tiers (hundredths of a basis point) it has enabled. */
export interface DexV3Factory {
  name: string;
  address: Address;
  feeTiers: readonly number[];
  /**
   * The NonfungiblePositionManager bound to this factory, where known. Informational: the security
   * agent finds position managers from the pools' Mint logs; only devnet's is listed until the
   * others are checked against source material.
   */
  positionManager?: Address;
  /**
   * The callback the pool calls on the swapper: PancakeSwap V3 pools call `pancakeV3SwapCallback`.
   * Its `Swap` event also carries two more fields (the protocol fees), so its topic differs.
   * @default 'uniswap'
   */
  flavour?: 'uniswap' | 'pancakeswap';
}

/**
 * A Solidly-style factory (Velodrome/Aerodrome V2 pools: `getPool(tokenA, tokenB, stable)`,
 * volatile pools x·y = k and stable pools x³y + xy³ = k, each at the factory's
 * `getFee(pool, stable)`) or its concentrated-liquidity sibling (Slipstream:
 * `getPool(tokenA, tokenB, tickSpacing)`). Their events and lookups differ from Uniswap's, so they
 * are listed apart from `v2Factories`/`v3Factories`. The `solidly` kind is read by:
 * - the market agent: `getPool(token, quote, stable)` for both curves against each quote token,
 *   the fee from `getFee`, reserves from `getReserves` (a stable pool priced on its curve, not by
 *   the reserve ratio), volume and trades from the pools' own `Swap` events;
 * - the trend agent: the factories' `PoolCreated(token0, token1, stable, pool, uint256)`, older
 *   pools from their `Swap` events (`factory()` must be listed here), the first `Sync` as the
 *   launch price, and the sell check at the pool's own `getAmountOut`;
 * - the security agent: the pools among the token's holders and at these factories, each
 *   verified by `getPool(token0, token1, stable())`.
 * The `slipstream` kind (CL pools) is listed for reference only: no agent reads it yet.
 */
export interface DexSolidlyFactory {
  name: string;
  address: Address;
  kind: 'solidly' | 'slipstream';
}

/**
 * Where a network's DEX liquidity lives. The market and trend agents look pools up here instead of
 * taking factories as params: a user asks about a token, not about DEX plumbing.
 */
export interface DexDeployment {
  /** The wrapped native token: the unit of `priceNative`. */
  wrappedNative: DexQuoteToken;
  /** USD stablecoins, taken at $1.00: they anchor every USD figure. */
  usdStables: readonly DexQuoteToken[];
  v2Factories: readonly DexV2Factory[];
  v3Factories: readonly DexV3Factory[];
  /** @default none */
  solidlyFactories?: readonly DexSolidlyFactory[];
}

const UNISWAP_V3_FEES = [100, 500, 3000, 10000] as const;
/** PancakeSwap V3's fee tiers (0.01 %, 0.05 %, 0.25 %, 1 %). */
const PANCAKESWAP_V3_FEES = [100, 500, 2500, 10000] as const;

/**
 * Uniswap V2 and V3 on each product network, from Uniswap's deployment pages
 * (docs.uniswap.org/contracts/v2/reference/smart-contracts/v2-deployments and
 * .../v3/reference/deployments), with each chain's wrapped native token and native USDC/USDT.
 * The other entries name their source where they are listed. Bridged stablecoins (USDC.e) are
 * listed beside native ones: much of the older liquidity on Polygon, Arbitrum and Optimism still
 * trades against them, and a second and third stablecoin is what lets the agents check each
 * stablecoin's peg against the others.
 *
 * `devnet` is the canonical deployment `deployMarketScenario` (@oca/testkit) makes on a fresh
 * anvil through the CREATE2 deployer, so its addresses are as fixed as mainnet's; the scenario
 * fails loudly if its bytecode ever moves them.
 */
export const DEX_DEPLOYMENTS: Readonly<Record<Network, DexDeployment>> = {
  ethereum: {
    wrappedNative: { address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', symbol: 'WETH' },
    usdStables: [
      { address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', symbol: 'USDC' },
      { address: '0xdAC17F958D2ee523a2206206994597C13D831ec7', symbol: 'USDT' },
      { address: '0x6B175474E89094C44Da98b954EedeAC495271d0F', symbol: 'DAI' },
    ],
    v2Factories: [
      { name: 'uniswap-v2', address: '0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f' },
      // SushiSwap's UniswapV2Factory (Uniswap V2's code, 0.3 %): the @sushiswap/core package README, "Deployed Contracts".
      { name: 'sushiswap', address: '0xC0AEe478e3658e2610c5F7A4A2E1777cE9e4f2Ac' },
      // PancakeFactory: developer.pancakeswap.finance/contracts/v2/addresses; PancakePair's 0.25 % swap fee on every chain.
      { name: 'pancakeswap-v2', address: '0x1097053Fd2ea711dad45caCcc45EfF7548fCB362', feeBps: 25 },
    ],
    v3Factories: [
      { name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES },
      // PancakeV3Factory: pancakeswap/pancake-developer docs/pages/contracts/v3/addresses.md (BSC, ETH, ARB, Base, ...).
      { name: 'pancakeswap-v3', address: '0x0BFbCF9fa4f9C56B0F40a671Ad40E0805A091865', feeTiers: PANCAKESWAP_V3_FEES, flavour: 'pancakeswap' },
    ],
  },
  polygon: {
    wrappedNative: { address: '0x0d500B1d8E8eF31E21C99d1Db9A6444d3ADf1270', symbol: 'WPOL' },
    usdStables: [
      { address: '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359', symbol: 'USDC' },
      // Bridged USDC (PoS), "USDC.e": docs.polymarket.com/developers/CTF/deployment-resources (its collateral token).
      { address: '0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174', symbol: 'USDC.e' },
      // (PoS) Tether USD: pub.dev reown_appkit `polygonUSDT` (eip155:137, 6 decimals).
      { address: '0xc2132D05D31c914a87C6611C10748AEb04B58e8F', symbol: 'USDT' },
    ],
    v2Factories: [
      { name: 'uniswap-v2', address: '0x9e5A52f57b3038F1B8EeE45F28b3C1967e22799C' },
      // SushiSwap's V2 factory (Uniswap V2's code, 0.3 %): Swapr SDK's UniswapV2RoutablePlatform.SUSHISWAP (Arbitrum, Polygon, BSC).
      { name: 'sushiswap', address: '0xc35DADB65012eC5796536bD9864eD8773aBc74C4' },
    ],
    v3Factories: [{ name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES }],
  },
  bsc: {
    wrappedNative: { address: '0xbb4CdB9CBd36B01bD1cBaEBF2De08d9173bc095c', symbol: 'WBNB' },
    usdStables: [
      { address: '0x55d398326f99059fF775485246999027B3197955', symbol: 'USDT' },
      { address: '0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d', symbol: 'USDC' },
    ],
    v2Factories: [
      { name: 'uniswap-v2', address: '0x8909Dc15e40173Ff4699343b6eB8132c65e18eC6' },
      // PancakeFactory: developer.pancakeswap.finance/contracts/v2/addresses (BSC); 0.25 % swap fee.
      { name: 'pancakeswap-v2', address: '0xcA143Ce32Fe78f1f7019d7d551a6402fC5350c73', feeBps: 25 },
      // SushiSwap's V2 factory (Uniswap V2's code, 0.3 %): Swapr SDK's UniswapV2RoutablePlatform.SUSHISWAP (Arbitrum, Polygon, BSC).
      { name: 'sushiswap', address: '0xc35DADB65012eC5796536bD9864eD8773aBc74C4' },
    ],
    v3Factories: [
      { name: 'uniswap-v3', address: '0xdB1d10011AD0Ff90774D0C6Bb92e5C5c8b4461F7', feeTiers: UNISWAP_V3_FEES },
      // PancakeV3Factory: pancakeswap/pancake-developer docs/pages/contracts/v3/addresses.md (BSC, ETH, ARB, Base, ...).
      { name: 'pancakeswap-v3', address: '0x0BFbCF9fa4f9C56B0F40a671Ad40E0805A091865', feeTiers: PANCAKESWAP_V3_FEES, flavour: 'pancakeswap' },
    ],
  },
  arbitrum: {
    wrappedNative: { address: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1', symbol: 'WETH' },
    usdStables: [
      { address: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831', symbol: 'USDC' },
      { address: '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9', symbol: 'USDT' },
      // Bridged USDC (Arbitrum), "USDC.e": YutaSugimura/DeFi-Map Address.md (arbiscan token page), whonion's stablecoin gist "USDC(Bridged)".
      { address: '0xFF970A61A04b1cA14834A43f5dE4533eBDDB5CC8', symbol: 'USDC.e' },
    ],
    v2Factories: [
      { name: 'uniswap-v2', address: '0xf1D7CC64Fb4452F05c498126312eBE29f30Fbcf9' },
      // SushiSwap's V2 factory (Uniswap V2's code, 0.3 %): Swapr SDK's UniswapV2RoutablePlatform.SUSHISWAP (Arbitrum, Polygon, BSC).
      { name: 'sushiswap', address: '0xc35DADB65012eC5796536bD9864eD8773aBc74C4' },
      // PancakeFactory: developer.pancakeswap.finance/contracts/v2/addresses; PancakePair's 0.25 % swap fee on every chain.
      { name: 'pancakeswap-v2', address: '0x02a84c1b3BBD7401a5f7fa98a384EBC70bB5749E', feeBps: 25 },
    ],
    v3Factories: [
      { name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES },
      // PancakeV3Factory: pancakeswap/pancake-developer docs/pages/contracts/v3/addresses.md (BSC, ETH, ARB, Base, ...).
      { name: 'pancakeswap-v3', address: '0x0BFbCF9fa4f9C56B0F40a671Ad40E0805A091865', feeTiers: PANCAKESWAP_V3_FEES, flavour: 'pancakeswap' },
    ],
  },
  optimism: {
    wrappedNative: { address: '0x4200000000000000000000000000000000000006', symbol: 'WETH' },
    usdStables: [
      { address: '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85', symbol: 'USDC' },
      // Tether USD on OP Mainnet: beethovenxfi/balancer-v2-monorepo pkg/deploy-pools/deployments/optimism/optimismTokens.ts.
      { address: '0x94b008aA00579c1307B0EF2c499aD98a8ce58e58', symbol: 'USDT' },
      // Bridged USDC (Standard Bridge), "USDC.e": ethereum-optimism/docs pull 1160, standard-bridge.mdx "USDC on OP Mainnet".
      { address: '0x7F5c764cBc14f9669B88837ca1490cCa17c31607', symbol: 'USDC.e' },
    ],
    v2Factories: [{ name: 'uniswap-v2', address: '0x0c3c1c532F1e39EdF36BE9Fe0bE1410313E074Bf' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES }],
    solidlyFactories: [
      // Velodrome V2 PoolFactory: velodrome-finance/contracts README.md, "Deployment".
      { name: 'velodrome-v2', address: '0xF1046053aa5682b4F9a81b5481394DA16BE5FF5a', kind: 'solidly' },
      // Velodrome Slipstream CL factory: 0xProject/0x-settler src/core/univ3forks/VelodromeSlipstream.sol.
      { name: 'velodrome-slipstream', address: '0xCc0bDDB707055e04e497aB22a59c2aF4391cd12F', kind: 'slipstream' },
    ],
  },
  base: {
    wrappedNative: { address: '0x4200000000000000000000000000000000000006', symbol: 'WETH' },
    usdStables: [{ address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', symbol: 'USDC' }],
    v2Factories: [
      { name: 'uniswap-v2', address: '0x8909Dc15e40173Ff4699343b6eB8132c65e18eC6' },
      // PancakeFactory: developer.pancakeswap.finance/contracts/v2/addresses; PancakePair's 0.25 % swap fee on every chain.
      { name: 'pancakeswap-v2', address: '0x02a84c1b3BBD7401a5f7fa98a384EBC70bB5749E', feeBps: 25 },
    ],
    v3Factories: [
      { name: 'uniswap-v3', address: '0x33128a8fC17869897dcE68Ed026d694621f6FDfD', feeTiers: UNISWAP_V3_FEES },
      // PancakeV3Factory: pancakeswap/pancake-developer docs/pages/contracts/v3/addresses.md (BSC, ETH, ARB, Base, ...).
      { name: 'pancakeswap-v3', address: '0x0BFbCF9fa4f9C56B0F40a671Ad40E0805A091865', feeTiers: PANCAKESWAP_V3_FEES, flavour: 'pancakeswap' },
    ],
    solidlyFactories: [
      // Aerodrome PoolFactory: aerodrome-finance/contracts README.md, "Deployment" (basescan).
      { name: 'aerodrome', address: '0x420DD381b31aEf6683db6B902084cB0FFECe40Da', kind: 'solidly' },
      // Aerodrome Slipstream CL factory: 0xProject/0x-settler src/core/univ3forks/AerodromeSlipstream.sol.
      { name: 'aerodrome-slipstream', address: '0x5e7BB104d84c7CB9B682AaC2F3d509f5F406809A', kind: 'slipstream' },
    ],
  },
  devnet: {
    wrappedNative: { address: '0xC96820be3aaeC865532545B3CD69BEA40f34eC3D', symbol: 'WETH' },
    // dUSD is the market scenario's; dUSDT and dDAI come from the stables scenario (@oca/testkit
    // `deployStablesScenario`, CREATE2 addresses checked there), for the peg check.
    usdStables: [
      { address: '0x31C4F1B5eF6C7C0e8fCb15578523248850eabA42', symbol: 'dUSD' },
      { address: '0xA600EBA8ec1DD8B3fDf86390c9289026706b3af4', symbol: 'dUSDT' },
      { address: '0xC6DFFC46EcAd1BfE262D1f4A9b8ECa97633a7F4b', symbol: 'dDAI' },
    ],
    // The forks come from the fork scenario (@oca/testkit `deployForkScenario`, CREATE2 addresses
    // checked there): a 0.25 % V2 fork in PancakePair's arithmetic, and the published PancakeSwap V3
    // factory and pool (its constructor enables 100/500/2500/10000; only the tier the scenario
    // opens is listed, which keeps every devnet pool lookup lean).
    v2Factories: [
      { name: 'uniswap-v2', address: '0x4623AbD18312Db2Ef0637594fceA30f360c9528E' },
      { name: 'pancakeswap-v2', address: '0x48F5bB18DDf8C349Ac611E761F85D6Ffd31df81b', feeBps: 25 },
    ],
    // The npm factory's constructor enables 500/3000/10000; the 100 tier needs its owner.
    v3Factories: [
      { name: 'uniswap-v3', address: '0x040e02cDe1D73Bb0e2ACC5A187f6559a4dcC0dAf', feeTiers: [500, 3000, 10000], positionManager: '0xCB18d8c0c6dacEaFCA944eE410E61b63F8ec45bB' },
      { name: 'pancakeswap-v3', address: '0xe5953A1fB9962Ca5ceB0E61B444950906D7CEAE9', feeTiers: [2500], flavour: 'pancakeswap' },
    ],
    // The fork scenario's Solidly-style factory: Velodrome/Aerodrome V2's interface (volatile pools
    // at 1 %, stable pools at 0.05 %), pools with Velodrome's Swap and Sync events.
    solidlyFactories: [{ name: 'aerodrome', address: '0xe5e28C5c9c7F563ff4B6285f2b8Ca5803185a871', kind: 'solidly' }],
  },
};

/** Every quote token of a deployment, wrapped native first. */
export function dexQuoteTokens(deployment: DexDeployment): DexQuoteToken[] {
  return [deployment.wrappedNative, ...deployment.usdStables];
}
