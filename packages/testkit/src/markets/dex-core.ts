import { DEX_DEPLOYMENTS } from '@oca/chain';
import UniswapV3FactoryJson from '@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json';
import UniswapV3PoolJson from '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json';
import NftDescriptorJson from '@uniswap/v3-periphery/artifacts/contracts/libraries/NFTDescriptor.sol/NFTDescriptor.json';
import NonfungiblePositionManagerJson from '@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json';
import NonfungibleTokenPositionDescriptorJson from '@uniswap/v3-periphery/artifacts/contracts/NonfungibleTokenPositionDescriptor.sol/NonfungibleTokenPositionDescriptor.json';
import SwapRouterJson from '@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json';
import { concatHex, encodeAbiParameters, getAddress, getContractAddress, keccak256, parseEther, stringToHex, toHex, type Abi, type Address, type Hex } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import type { Deployer } from '../deployer';
import type { DevnetDriver } from './devnet-driver';
import type { MarketContracts } from './market-contracts';

const hardhat = (json: { abi: unknown; bytecode: string }): Artifact => ({ abi: json.abi as Abi, bytecode: json.bytecode as Hex });

/**
 * Uniswap V3 core and periphery as published on npm (Hardhat artifacts, bytecode with 0x). The
 * periphery's PoolAddress library hard-codes the pool init-code hash; it equals the hash of the npm
 * pool bytecode (`v3-init-code-hash.test.ts`), so the router and the position manager find the
 * factory's pools (`test/v3-periphery.test.ts` swaps and mints through them).
 */
export const UNISWAP_V3 = {
  factory: hardhat(UniswapV3FactoryJson),
  pool: hardhat(UniswapV3PoolJson),
  /** constructor(factory, WETH9, tokenDescriptor) */
  positionManager: hardhat(NonfungiblePositionManagerJson),
  /** constructor(factory, WETH9) */
  swapRouter: hardhat(SwapRouterJson),
  /** constructor(WETH9, nativeCurrencyLabelBytes); its bytecode has the NFTDescriptor library to link. */
  positionDescriptor: hardhat(NonfungibleTokenPositionDescriptorJson),
  /** The library `positionDescriptor` calls (external functions, so linked by address). */
  nftDescriptor: hardhat(NftDescriptorJson),
};

/** Writes library addresses into a Hardhat artifact's link placeholders (byte offsets from `linkReferences`). */
export function linkLibraries(json: { bytecode: string; linkReferences: Record<string, Record<string, { start: number; length: number }[]>> }, libraries: Record<string, Address>): Hex {
  let code = json.bytecode.slice(2);
  for (const [, byName] of Object.entries(json.linkReferences)) {
    for (const [name, refs] of Object.entries(byName)) {
      const address = libraries[name];
      if (!address) throw new Error(`no address given for library ${name}`);
      for (const { start, length } of refs) code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
    }
  }
  if (code.includes('__$')) throw new Error('unlinked library placeholder left in bytecode');
  return `0x${code}`;
}

/**
 * The deterministic-deployment proxy (Arachnid's CREATE2 factory) that anvil pre-deploys, as most
 * public chains have. Deploying through it makes addresses depend only on code and salt.
 */
export const CREATE2_DEPLOYER: Address = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
const SALT = keccak256(toHex('oca:devnet-dex:v1'));

/** anvil's first default account: the V2 fee setter and the dUSD minter. */
export const DEVNET_ADMIN: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
/**
 * Sends the routers' and the V3 periphery's CREATE2 deployments (impersonated, funded here), so the
 * admin's nonce — and with it every address the market scenario deploys later — stays what it was
 * before them.
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
  /** The npm NonfungiblePositionManager bound to this V3 factory and WETH (listed in @oca/chain). */
  uniswapV3PositionManager: Address;
  /** The npm V3 SwapRouter bound to this V3 factory and WETH (not an agent input, so not listed). */
  uniswapV3SwapRouter: Address;
  /** NonfungibleTokenPositionDescriptor (serves the position NFTs' `tokenURI`), linked to `nftDescriptorLibrary`. */
  uniswapV3PositionDescriptor: Address;
  nftDescriptorLibrary: Address;
}

/** Deployed from `ROUTER_SENDER` so the admin's nonce is untouched (see above). */
const PERIPHERY: ReadonlySet<keyof DexCore> = new Set(['uniswapV2Router', 'uniswapV3PositionManager', 'uniswapV3SwapRouter', 'uniswapV3PositionDescriptor', 'nftDescriptorLibrary']);

const at = (bytecode: Hex) => getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: SALT, bytecode });

/**
 * Which addresses the core takes: `devnet` — every contract where the CREATE2 proxy puts it (the
 * addresses `DEX_DEPLOYMENTS.devnet` lists); `ethereum` — WETH9, the stablecoin and the two
 * factories at Ethereum mainnet's addresses (`DEX_DEPLOYMENTS.ethereum`: WETH, USDC, Uniswap V2 and
 * V3), put there beforehand by `placeEthereumDex` / `placeContract`, the periphery still through the
 * CREATE2 proxy, bound to them. On such a mainnet-shaped chain the agents run as network `ethereum`.
 */
export type DexCoreLayout = 'devnet' | 'ethereum';

/** Where `layout` has the four contracts the agents look up; undefined = where CREATE2 puts them. */
function listedCore(layout: DexCoreLayout): Partial<Record<keyof DexCore, Address>> {
  if (layout === 'devnet') return {};
  const listed = DEX_DEPLOYMENTS.ethereum;
  return {
    weth: listed.wrappedNative.address,
    usd: listed.usdStables[0]?.address,
    uniswapV2Factory: listed.v2Factories.find((f) => f.name === 'uniswap-v2')?.address,
    uniswapV3Factory: listed.v3Factories.find((f) => f.name === 'uniswap-v3')?.address,
  };
}

function creationCodes(contracts: MarketContracts, layout: DexCoreLayout = 'devnet'): { codes: Record<keyof DexCore, Hex>; addresses: DexCore } {
  const fixed = listedCore(layout);
  const place = (key: keyof DexCore, code: Hex) => fixed[key] ?? at(code);
  const admin = encodeAbiParameters([{ type: 'address' }], [DEVNET_ADMIN]);
  const weth = ARTIFACTS.weth9.bytecode;
  const wethAt = place('weth', weth);
  const uniswapV2Factory = concatHex([ARTIFACTS.uniswapV2Factory.bytecode, admin]);
  // The router only stores its constructor arguments, so it can be created before or after them.
  const routerArgs = encodeAbiParameters([{ type: 'address' }, { type: 'address' }], [place('uniswapV2Factory', uniswapV2Factory), wethAt]);
  // So are the V3 periphery's: factory, WETH9 and the descriptor are immutables set from arguments.
  const uniswapV3Factory = UNISWAP_V3.factory.bytecode;
  const v3FactoryAt = place('uniswapV3Factory', uniswapV3Factory);
  const nftDescriptorLibrary = UNISWAP_V3.nftDescriptor.bytecode;
  const descriptorArgs = encodeAbiParameters([{ type: 'address' }, { type: 'bytes32' }], [wethAt, stringToHex('ETH', { size: 32 })]);
  const uniswapV3PositionDescriptor = concatHex([linkLibraries(NonfungibleTokenPositionDescriptorJson, { NFTDescriptor: at(nftDescriptorLibrary) }), descriptorArgs]);
  const v3Args = encodeAbiParameters([{ type: 'address' }, { type: 'address' }], [v3FactoryAt, wethAt]);
  const npmArgs = encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'address' }], [v3FactoryAt, wethAt, at(uniswapV3PositionDescriptor)]);
  const codes: Record<keyof DexCore, Hex> = {
    weth,
    usd: concatHex([contracts.devnetUsd.bytecode, admin]),
    uniswapV2Factory,
    uniswapV2Router: concatHex([ARTIFACTS.uniswapV2Router02.bytecode, routerArgs]),
    uniswapV3Factory,
    uniswapV3PositionManager: concatHex([UNISWAP_V3.positionManager.bytecode, npmArgs]),
    uniswapV3SwapRouter: concatHex([UNISWAP_V3.swapRouter.bytecode, v3Args]),
    uniswapV3PositionDescriptor,
    nftDescriptorLibrary,
  };
  const addresses = Object.fromEntries(Object.entries(codes).map(([key, code]) => [key, place(key as keyof DexCore, code)])) as unknown as DexCore;
  return { codes, addresses };
}

/** The creation codes of the contracts `layout` puts at Ethereum's addresses (for `placeContract`). */
export function listedCoreCreationCodes(contracts: MarketContracts, layout: DexCoreLayout): { address: Address; code: Hex }[] {
  const { codes, addresses } = creationCodes(contracts, layout);
  return (Object.keys(listedCore(layout)) as (keyof DexCore)[]).map((key) => ({ address: addresses[key], code: codes[key] }));
}

/** WETH9 where `deployDexCore` puts it (the devnet's listed wrapped native), for scenarios that need only WETH there. */
export async function deployCanonicalWeth(d: Deployer): Promise<Address> {
  const weth = at(ARTIFACTS.weth9.bytecode);
  if ((await d.getCode(weth)) === undefined) await d.send(CREATE2_DEPLOYER, concatHex([SALT, ARTIFACTS.weth9.bytecode]), 3_000_000n);
  return weth;
}

/** Where `deployDexCore` puts each contract: a pure function of the creation code and the layout. */
export function dexCoreAddresses(contracts: MarketContracts, layout: DexCoreLayout = 'devnet'): DexCore {
  return creationCodes(contracts, layout).addresses;
}

/**
 * Deploys WETH9, the Uniswap V2 factory and router, the V3 factory, position manager (with its
 * linked token descriptor) and swap router, and the dUSD stablecoin through the CREATE2
 * proxy (skipping any already there), and checks they landed where @oca/chain's
 * `DEX_DEPLOYMENTS.devnet` says, which is how the agents find them without extra params.
 */
export async function deployDexCore(driver: DevnetDriver, contracts: MarketContracts, timestamp: bigint, layout: DexCoreLayout = 'devnet'): Promise<DexCore> {
  const { codes, addresses } = creationCodes(contracts, layout);
  const fixed = listedCore(layout);
  const keys = Object.keys(codes) as (keyof DexCore)[];
  const existing = await driver.batch<Hex>(keys.map((k) => ({ method: 'eth_getCode', params: [addresses[k], 'latest'] })));
  await driver.fund([ROUTER_SENDER], parseEther('10'));
  keys.forEach((key, i) => {
    const from = PERIPHERY.has(key) ? ROUTER_SENDER : DEVNET_ADMIN;
    if (existing[i] !== '0x') return;
    if (fixed[key]) throw new Error(`${key} is not at ${fixed[key]}: put it there first (placeContract) for the ${layout} layout`);
    driver.queue({ from, to: CREATE2_DEPLOYER, data: concatHex([SALT, codes[key]]), gas: 12_000_000n });
  });
  await driver.mine(timestamp);
  if (layout === 'ethereum') return checkCode(driver, keys, addresses);

  const expected = DEX_DEPLOYMENTS.devnet;
  const mismatch = [
    ['weth', addresses.weth, expected.wrappedNative.address],
    ['usd', addresses.usd, expected.usdStables[0]?.address],
    ['uniswapV2Factory', addresses.uniswapV2Factory, expected.v2Factories[0]?.address],
    ['uniswapV3Factory', addresses.uniswapV3Factory, expected.v3Factories[0]?.address],
    ['uniswapV3PositionManager', addresses.uniswapV3PositionManager, expected.v3Factories[0]?.positionManager],
  ].filter(([, actual, listed]) => actual !== listed);
  if (mismatch.length > 0) {
    throw new Error(
      `devnet DEX core moved; update DEX_DEPLOYMENTS.devnet in packages/chain/src/dex-deployments.ts: ${mismatch
        .map(([name, actual, listed]) => `${name} ${actual} (listed ${listed ?? 'none'})`)
        .join(', ')}`,
    );
  }
  return checkCode(driver, keys, addresses);
}

async function checkCode(driver: DevnetDriver, keys: (keyof DexCore)[], addresses: DexCore): Promise<DexCore> {
  const code = await driver.batch<Hex>(keys.map((k) => ({ method: 'eth_getCode', params: [addresses[k], 'latest'] })));
  keys.forEach((key, i) => {
    if (code[i] === '0x') throw new Error(`deployment of ${key} at ${addresses[key]} left no code`);
  });
  return addresses;
}
