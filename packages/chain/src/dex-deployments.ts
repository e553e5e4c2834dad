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
}

const UNISWAP_V3_FEES = [100, 500, 3000, 10000] as const;

/**
 * Uniswap V2 and V3 on each product network, from Uniswap's deployment pages
 * (docs.uniswap.org/contracts/v2/reference/smart-contracts/v2-deployments and
 * .../v3/reference/deployments), with each chain's wrapped native token and native USDC/USDT.
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
    v2Factories: [{ name: 'uniswap-v2', address: '0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES }],
  },
  polygon: {
    wrappedNative: { address: '0x0d500B1d8E8eF31E21C99d1Db9A6444d3ADf1270', symbol: 'WPOL' },
    usdStables: [{ address: '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359', symbol: 'USDC' }],
    v2Factories: [{ name: 'uniswap-v2', address: '0x9e5A52f57b3038F1B8EeE45F28b3C1967e22799C' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES }],
  },
  bsc: {
    wrappedNative: { address: '0xbb4CdB9CBd36B01bD1cBaEBF2De08d9173bc095c', symbol: 'WBNB' },
    usdStables: [
      { address: '0x55d398326f99059fF775485246999027B3197955', symbol: 'USDT' },
      { address: '0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d', symbol: 'USDC' },
    ],
    v2Factories: [{ name: 'uniswap-v2', address: '0x8909Dc15e40173Ff4699343b6eB8132c65e18eC6' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0xdB1d10011AD0Ff90774D0C6Bb92e5C5c8b4461F7', feeTiers: UNISWAP_V3_FEES }],
  },
  arbitrum: {
    wrappedNative: { address: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1', symbol: 'WETH' },
    usdStables: [
      { address: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831', symbol: 'USDC' },
      { address: '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9', symbol: 'USDT' },
    ],
    v2Factories: [{ name: 'uniswap-v2', address: '0xf1D7CC64Fb4452F05c498126312eBE29f30Fbcf9' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES }],
  },
  optimism: {
    wrappedNative: { address: '0x4200000000000000000000000000000000000006', symbol: 'WETH' },
    usdStables: [{ address: '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85', symbol: 'USDC' }],
    v2Factories: [{ name: 'uniswap-v2', address: '0x0c3c1c532F1e39EdF36BE9Fe0bE1410313E074Bf' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0x1F98431c8aD98523631AE4a59f267346ea31F984', feeTiers: UNISWAP_V3_FEES }],
  },
  base: {
    wrappedNative: { address: '0x4200000000000000000000000000000000000006', symbol: 'WETH' },
    usdStables: [{ address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', symbol: 'USDC' }],
    v2Factories: [{ name: 'uniswap-v2', address: '0x8909Dc15e40173Ff4699343b6eB8132c65e18eC6' }],
    v3Factories: [{ name: 'uniswap-v3', address: '0x33128a8fC17869897dcE68Ed026d694621f6FDfD', feeTiers: UNISWAP_V3_FEES }],
  },
  devnet: {
    wrappedNative: { address: '0xC96820be3aaeC865532545B3CD69BEA40f34eC3D', symbol: 'WETH' },
    usdStables: [{ address: '0x31C4F1B5eF6C7C0e8fCb15578523248850eabA42', symbol: 'dUSD' }],
    v2Factories: [{ name: 'uniswap-v2', address: '0x4623AbD18312Db2Ef0637594fceA30f360c9528E' }],
    // The npm factory's constructor enables 500/3000/10000; the 100 tier needs its owner.
    v3Factories: [
      { name: 'uniswap-v3', address: '0x040e02cDe1D73Bb0e2ACC5A187f6559a4dcC0dAf', feeTiers: [500, 3000, 10000], positionManager: '0xCB18d8c0c6dacEaFCA944eE410E61b63F8ec45bB' },
    ],
  },
};

/** Every quote token of a deployment, wrapped native first. */
export function dexQuoteTokens(deployment: DexDeployment): DexQuoteToken[] {
  return [deployment.wrappedNative, ...deployment.usdStables];
}
