import { DEX_DEPLOYMENTS } from '@oca/chain';
import UniswapV3FactoryJson from '@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json';
import UniswapV3PoolJson from '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json';
import { concatHex, encodeAbiParameters, getAddress, getContractAddress, keccak256, parseEther, toHex, type Abi, type Address, type Hex } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import type { DevnetDriver } from './devnet-driver';
import type { MarketContracts } from './market-contracts';

/** Uniswap V3 core as published on npm (Hardhat artifacts, bytecode with 0x). */
export const UNISWAP_V3 = {
  factory: { abi: UniswapV3FactoryJson.abi as Abi, bytecode: UniswapV3FactoryJson.bytecode as Hex } satisfies Artifact,
  pool: { abi: UniswapV3PoolJson.abi as Abi, bytecode: UniswapV3PoolJson.bytecode as Hex } satisfies Artifact,
};

/**
 * The deterministic-deployment proxy (Arachnid's CREATE2 factory) that anvil pre-deploys, as most
 * public chains have. Deploying through it makes addresses depend only on code and salt.
 */
export const CREATE2_DEPLOYER: Address = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
const SALT = keccak256(toHex('oca:devnet-dex:v1'));

/** anvil's first default account: the V2 fee setter and the dUSD minter. */
export const DEVNET_ADMIN: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
/**
 * Sends the router's CREATE2 deployment (impersonated, funded here), so the admin's nonce — and
 * with it every address the market scenario deploys later — stays what it was before the router.
 */
const ROUTER_SENDER: Address = getAddress(`0x${keccak256(toHex('oca-testkit:dex-core:router-sender')).slice(-40)}`);

/** The devnet's DEX core, at the same addresses on every fresh anvil. */
export interface DexCore {
  weth: Address;
  usd: Address;
  uniswapV2Factory: Address;
  /** The npm UniswapV2Router02 bound to this factory and WETH (not an agent input, so not listed in @oca/chain). */
  uniswapV2Router: Address;
  uniswapV3Factory: Address;
}

const at = (bytecode: Hex) => getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: SALT, bytecode });

function creationCodes(contracts: MarketContracts): Record<keyof DexCore, Hex> {
  const admin = encodeAbiParameters([{ type: 'address' }], [DEVNET_ADMIN]);
  const weth = ARTIFACTS.weth9.bytecode;
  const uniswapV2Factory = concatHex([ARTIFACTS.uniswapV2Factory.bytecode, admin]);
  // The router only stores its constructor arguments, so it can be created before or after them.
  const routerArgs = encodeAbiParameters([{ type: 'address' }, { type: 'address' }], [at(uniswapV2Factory), at(weth)]);
  return {
    weth,
    usd: concatHex([contracts.devnetUsd.bytecode, admin]),
    uniswapV2Factory,
    uniswapV2Router: concatHex([ARTIFACTS.uniswapV2Router02.bytecode, routerArgs]),
    uniswapV3Factory: UNISWAP_V3.factory.bytecode,
  };
}

/** Where `deployDexCore` puts each contract: a pure function of the creation code. */
export function dexCoreAddresses(contracts: MarketContracts): DexCore {
  const codes = creationCodes(contracts);
  return {
    weth: at(codes.weth),
    usd: at(codes.usd),
    uniswapV2Factory: at(codes.uniswapV2Factory),
    uniswapV2Router: at(codes.uniswapV2Router),
    uniswapV3Factory: at(codes.uniswapV3Factory),
  };
}

/**
 * Deploys WETH9, the Uniswap V2 factory and router, the V3 factory and the dUSD stablecoin through the CREATE2
 * proxy (skipping any already there), and checks they landed where @oca/chain's
 * `DEX_DEPLOYMENTS.devnet` says, which is how the agents find them without extra params.
 */
export async function deployDexCore(driver: DevnetDriver, contracts: MarketContracts, timestamp: bigint): Promise<DexCore> {
  const codes = creationCodes(contracts);
  const addresses = dexCoreAddresses(contracts);
  const keys = Object.keys(codes) as (keyof DexCore)[];
  const existing = await driver.batch<Hex>(keys.map((k) => ({ method: 'eth_getCode', params: [addresses[k], 'latest'] })));
  await driver.fund([ROUTER_SENDER], parseEther('10'));
  keys.forEach((key, i) => {
    const from = key === 'uniswapV2Router' ? ROUTER_SENDER : DEVNET_ADMIN;
    if (existing[i] === '0x') driver.queue({ from, to: CREATE2_DEPLOYER, data: concatHex([SALT, codes[key]]), gas: 12_000_000n });
  });
  await driver.mine(timestamp);

  const expected = DEX_DEPLOYMENTS.devnet;
  const mismatch = [
    ['weth', addresses.weth, expected.wrappedNative.address],
    ['usd', addresses.usd, expected.usdStables[0]?.address],
    ['uniswapV2Factory', addresses.uniswapV2Factory, expected.v2Factories[0]?.address],
    ['uniswapV3Factory', addresses.uniswapV3Factory, expected.v3Factories[0]?.address],
  ].filter(([, actual, listed]) => actual !== listed);
  if (mismatch.length > 0) {
    throw new Error(
      `devnet DEX core moved; update DEX_DEPLOYMENTS.devnet in packages/chain/src/dex-deployments.ts: ${mismatch
        .map(([name, actual, listed]) => `${name} ${actual} (listed ${listed ?? 'none'})`)
        .join(', ')}`,
    );
  }
  const code = await driver.batch<Hex>(keys.map((k) => ({ method: 'eth_getCode', params: [addresses[k], 'latest'] })));
  keys.forEach((key, i) => {
    if (code[i] === '0x') throw new Error(`CREATE2 deployment of ${key} at ${addresses[key]} left no code`);
  });
  return addresses;
}
