import type { Network } from '@oca/contracts';
import type { Address } from 'viem';
import type { AddressLabel } from './types';
import { LABEL_SOURCES as S } from './sources';

type Mainnet = Exclude<Network, 'devnet'>;

/** The DEX deployments a listed pool comes from; the names match `DEX_DEPLOYMENTS`' factory names. */
export type PoolDex = 'uniswap-v2' | 'uniswap-v3' | 'pancakeswap-v2';

/** One well-known pool: what it pairs, so the address can be recomputed (CREATE2) and checked. */
export interface DexPool {
  address: Address;
  dex: PoolDex;
  /** The two tokens, in display order (the pool itself sorts them by address). */
  tokens: readonly [PoolToken, PoolToken];
  /** Fee tier in hundredths of a basis point (V3 pools only: 500 = 0.05 %). */
  fee?: number;
}

export interface PoolToken {
  symbol: string;
  address: Address;
}

const DEX_NAMES: Readonly<Record<PoolDex, string>> = { 'uniswap-v2': 'Uniswap V2', 'uniswap-v3': 'Uniswap V3', 'pancakeswap-v2': 'PancakeSwap V2' };
const DEX_SOURCES: Readonly<Record<PoolDex, string>> = { 'uniswap-v2': S.uniswapV2Pair, 'uniswap-v3': S.uniswapV3Pool, 'pancakeswap-v2': S.pancakeV2Pair };

// Tokens: the wrapped native and stablecoins are DEX_DEPLOYMENTS' (sourced there); the rest say where they come from.
const ETH = {
  WETH: { symbol: 'WETH', address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' },
  USDC: { symbol: 'USDC', address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' },
  USDT: { symbol: 'USDT', address: '0xdAC17F958D2ee523a2206206994597C13D831ec7' },
  DAI: { symbol: 'DAI', address: '0x6B175474E89094C44Da98b954EedeAC495271d0F' },
  // Wrapped BTC (BitGo), as independent integrations name it (its address agrees across them).
  WBTC: { symbol: 'WBTC', address: '0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599' },
} as const satisfies Record<string, PoolToken>;
const BSC = {
  WBNB: { symbol: 'WBNB', address: '0xbb4CdB9CBd36B01bD1cBaEBF2De08d9173bc095c' },
  USDT: { symbol: 'USDT', address: '0x55d398326f99059fF775485246999027B3197955' },
  // BUSD: BscScan's "Binance: BUSD Stablecoin" tag (S.bscscanExchange's export, binance.csv).
  BUSD: { symbol: 'BUSD', address: '0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56' },
  // PancakeSwap Token on chain 56, as independent integrations (farm configs, token lists) agree.
  CAKE: { symbol: 'CAKE', address: '0x0E09FaBB73Bd3Ade0a17ECC321fD13a19e81cE82' },
} as const satisfies Record<string, PoolToken>;
const POLYGON = {
  WPOL: { symbol: 'WPOL', address: '0x0d500B1d8E8eF31E21C99d1Db9A6444d3ADf1270' },
  USDCe: { symbol: 'USDC.e', address: '0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174' },
  // Bridged WETH: S.polygonStatic, Matic.POSContracts.Tokens.MaticWETH.
  WETH: { symbol: 'WETH', address: '0x7ceB23fD6bC0adD59E62ac25578270cFf1b9f619' },
} as const satisfies Record<string, PoolToken>;
const ARBITRUM = {
  WETH: { symbol: 'WETH', address: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1' },
  USDC: { symbol: 'USDC', address: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831' },
  USDCe: { symbol: 'USDC.e', address: '0xFF970A61A04b1cA14834A43f5dE4533eBDDB5CC8' },
  USDT: { symbol: 'USDT', address: '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9' },
} as const satisfies Record<string, PoolToken>;
const OPTIMISM = {
  WETH: { symbol: 'WETH', address: '0x4200000000000000000000000000000000000006' },
  USDC: { symbol: 'USDC', address: '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85' },
  USDCe: { symbol: 'USDC.e', address: '0x7F5c764cBc14f9669B88837ca1490cCa17c31607' },
  // The OP governance token, an OP Mainnet predeploy (OP Stack spec, "GovernanceToken").
  OP: { symbol: 'OP', address: '0x4200000000000000000000000000000000000042' },
} as const satisfies Record<string, PoolToken>;
const BASE = {
  WETH: { symbol: 'WETH', address: '0x4200000000000000000000000000000000000006' },
  USDC: { symbol: 'USDC', address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' },
} as const satisfies Record<string, PoolToken>;

const v2 = (address: Address, a: PoolToken, b: PoolToken): DexPool => ({ address, dex: 'uniswap-v2', tokens: [a, b] });
const v3 = (address: Address, a: PoolToken, b: PoolToken, fee: number): DexPool => ({ address, dex: 'uniswap-v3', tokens: [a, b], fee });
const pancake = (address: Address, a: PoolToken, b: PoolToken): DexPool => ({ address, dex: 'pancakeswap-v2', tokens: [a, b] });

/**
 * The deepest well-known pools per network: the wrapped native against the main stablecoins (and a
 * few blue chips). Each address is the CREATE2 address of its factory for that pair (and fee);
 * registry.test.ts recomputes every one from `DEX_DEPLOYMENTS`' factories and the published
 * init-code hashes, so a wrong token, fee or address fails there.
 */
export const DEX_POOLS: Readonly<Record<Mainnet, readonly DexPool[]>> = {
  ethereum: [
    v3('0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640', ETH.USDC, ETH.WETH, 500),
    v3('0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8', ETH.USDC, ETH.WETH, 3000),
    v3('0x11b815efB8f581194ae79006d24E0d814B7697F6', ETH.WETH, ETH.USDT, 500),
    v3('0xCBCdF9626bC03E24f779434178A73a0B4bad62eD', ETH.WBTC, ETH.WETH, 3000),
    v3('0x5777d92f208679DB4b9778590Fa3CAB3aC9e2168', ETH.DAI, ETH.USDC, 100),
    v2('0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc', ETH.USDC, ETH.WETH),
    v2('0x0d4a11d5EEaaC28EC3F61d100daF4d40471f1852', ETH.WETH, ETH.USDT),
    v2('0xA478c2975Ab1Ea89e8196811F51A7B7Ade33eB11', ETH.DAI, ETH.WETH),
  ],
  bsc: [
    pancake('0x58F876857a02D6762E0101bb5C46A8c1ED44Dc16', BSC.WBNB, BSC.BUSD),
    pancake('0x16b9a82891338f9bA80E2D6970FddA79D1eb0daE', BSC.USDT, BSC.WBNB),
    pancake('0x7EFaEf62fDdCCa950418312c6C91Aef321375A00', BSC.USDT, BSC.BUSD),
    pancake('0x0eD7e52944161450477ee417DE9Cd3a859b14fD0', BSC.CAKE, BSC.WBNB),
  ],
  polygon: [
    v3('0xA374094527e1673A86dE625aa59517c5dE346d32', POLYGON.WPOL, POLYGON.USDCe, 500),
    v3('0x45dDa9cb7c25131DF268515131f647d726f50608', POLYGON.USDCe, POLYGON.WETH, 500),
    v3('0x86f1d8390222A3691C28938eC7404A1661E618e0', POLYGON.WPOL, POLYGON.WETH, 500),
  ],
  arbitrum: [
    v3('0xC6962004f452bE9203591991D15f6b388e09E8D0', ARBITRUM.WETH, ARBITRUM.USDC, 500),
    v3('0xC31E54c7a869B9FcBEcc14363CF510d1c41fa443', ARBITRUM.WETH, ARBITRUM.USDCe, 500),
    v3('0x641C00A822e8b671738d32a431a4Fb6074E5c79d', ARBITRUM.WETH, ARBITRUM.USDT, 500),
  ],
  optimism: [
    v3('0x1fb3cf6e48F1E7B10213E7b6d87D4c073C7Fdb7b', OPTIMISM.WETH, OPTIMISM.USDC, 500),
    v3('0x85149247691df622eaF1a8Bd0CaFd40BC45154a9', OPTIMISM.WETH, OPTIMISM.USDCe, 500),
    v3('0x68F5C0A2DE713a54991E01858Fd27a3832401849', OPTIMISM.WETH, OPTIMISM.OP, 3000),
  ],
  base: [
    v3('0xd0b53D9277642d899DF5C87A3966A349A798F224', BASE.WETH, BASE.USDC, 500),
    v3('0x6c561B446416E1A00E8E93E221854d6eA4171372', BASE.WETH, BASE.USDC, 3000),
  ],
};

/** "Uniswap V3: USDC/WETH 0.05 %". */
export function dexPoolName(pool: DexPool): string {
  const fee = pool.fee === undefined ? '' : ` ${pool.fee / 10_000} %`;
  return `${DEX_NAMES[pool.dex]}: ${pool.tokens[0].symbol}/${pool.tokens[1].symbol}${fee}`;
}

const poolLabels = (pools: readonly DexPool[]): AddressLabel[] =>
  pools.map((pool) => ({ address: pool.address, name: dexPoolName(pool), kind: 'dex-pool', source: DEX_SOURCES[pool.dex] }));

export const DEX_POOL_LABELS: Readonly<Record<Mainnet, readonly AddressLabel[]>> = {
  ethereum: poolLabels(DEX_POOLS.ethereum),
  bsc: poolLabels(DEX_POOLS.bsc),
  polygon: poolLabels(DEX_POOLS.polygon),
  arbitrum: poolLabels(DEX_POOLS.arbitrum),
  optimism: poolLabels(DEX_POOLS.optimism),
  base: poolLabels(DEX_POOLS.base),
};
