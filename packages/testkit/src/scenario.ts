import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getAddress, keccak256, parseEther, toHex, type Address } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from './artifacts';
import { connectDeployer, type Deployer } from './deployer';

/** What `deployScenario` mints for the demo ERC-20; tests assert the agent reads exactly this. */
export const DEMO_TOKEN = {
  name: 'Demo Token',
  symbol: 'DEMO',
  decimals: 18,
  totalSupply: 1_000_000n * 10n ** 18n,
} as const;

export const DEMO_NFT = { name: 'Demo NFT', symbol: 'DNFT', baseUri: 'https://nft.example.invalid/' } as const;
export const DEMO_MULTI_TOKEN = { uri: 'https://items.example.invalid/{id}.json', id: 1n, amount: 100n } as const;

/**
 * The proxied token is Uniswap's `UniswapV2ERC20`: its name, symbol and decimals are Solidity
 * constants in the runtime code, so a proxy that delegates to it answers them without an
 * initializer. OpenZeppelin 4.9.6 presets set name and symbol in a constructor, which writes the
 * implementation's storage, not the proxy's, and the plain package ships no initializable token.
 */
export const PROXIED_TOKEN = { name: 'Uniswap V2', symbol: 'UNI-V2', decimals: 18, totalSupply: 0n } as const;

/** The plain EOA's balance: sent by the deployer, never spent, so it is exact. */
export const EOA_BALANCE_WEI = parseEther('1.5');

const PAIR_DEMO_LIQUIDITY = 10_000n * 10n ** 18n;
const PAIR_WETH_LIQUIDITY = parseEther('10');

/** Addresses of everything `deployScenario` put on the chain. JSON-safe: big numbers are strings. */
export interface Scenario {
  rpcUrl: string;
  chainId: number;
  /** Decimal string: the block after the last deployment transaction. */
  blockNumber: string;
  /** anvil's first unlocked account; deployed and owns everything below. */
  deployer: Address;
  /** A fresh EOA holding exactly `EOA_BALANCE_WEI`, nonce 0. */
  eoa: Address;
  /** ERC20PresetMinterPauser "Demo Token" (DEMO), `DEMO_TOKEN.totalSupply` minted to the deployer. */
  erc20: Address;
  /** ERC721PresetMinterPauserAutoId "Demo NFT" (DNFT), token 0 minted to the deployer. */
  erc721: Address;
  /** ERC1155PresetMinterPauser, `DEMO_MULTI_TOKEN.amount` of id 1 minted to the deployer. */
  erc1155: Address;
  weth: Address;
  uniswapV2Factory: Address;
  /** The npm UniswapV2Router02, wired to `uniswapV2Factory` and `weth`. */
  uniswapV2Router: Address;
  /** DEMO/WETH pair, funded through the router's `addLiquidityETH`; LP to the deployer. */
  uniswapV2Pair: Address;
  /** TransparentUpgradeableProxy → `proxyImplementation`, admin slot = `proxyAdmin`. */
  proxy: Address;
  /** The UniswapV2ERC20 both proxies delegate to. */
  proxyImplementation: Address;
  /** anvil's second unlocked account, the proxy's EIP-1967 admin. */
  proxyAdmin: Address;
  /** BeaconProxy → `beacon` → `proxyImplementation`; its implementation slot is empty. */
  beaconProxy: Address;
  beacon: Address;
}

/**
 * Deploys the demo contracts from published npm bytecode with anvil's unlocked default accounts.
 * Expects a fresh automining anvil (see `startAnvil`); takes well under a second there.
 */
export async function deployScenario(rpcUrl: string): Promise<Scenario> {
  const d = await connectDeployer(rpcUrl);
  const [deployer, proxyAdmin] = d.accounts;
  if (!deployer || !proxyAdmin) throw new Error('deployScenario needs two unlocked accounts (anvil defaults)');

  // Deterministic, so repeated runs print the same address; nobody holds this key.
  const eoa = privateKeyToAddress(keccak256(toHex('oca-testkit:plain-eoa')));
  await d.sendValue(eoa, EOA_BALANCE_WEI);

  const erc20 = await d.deploy(ARTIFACTS.erc20, [DEMO_TOKEN.name, DEMO_TOKEN.symbol]);
  await d.write(erc20, ARTIFACTS.erc20, 'mint', [deployer, DEMO_TOKEN.totalSupply]);

  const erc721 = await d.deploy(ARTIFACTS.erc721, [DEMO_NFT.name, DEMO_NFT.symbol, DEMO_NFT.baseUri]);
  await d.write(erc721, ARTIFACTS.erc721, 'mint', [deployer]);

  const erc1155 = await d.deploy(ARTIFACTS.erc1155, [DEMO_MULTI_TOKEN.uri]);
  await d.write(erc1155, ARTIFACTS.erc1155, 'mint', [deployer, DEMO_MULTI_TOKEN.id, DEMO_MULTI_TOKEN.amount, '0x']);

  const { weth, uniswapV2Factory, uniswapV2Router, uniswapV2Pair } = await deployUniswapPair(d, erc20);

  const proxyImplementation = await d.deploy(ARTIFACTS.uniswapV2Erc20, []);
  const proxy = await d.deploy(ARTIFACTS.transparentProxy, [proxyImplementation, proxyAdmin, '0x']);
  const beacon = await d.deploy(ARTIFACTS.upgradeableBeacon, [proxyImplementation]);
  const beaconProxy = await d.deploy(ARTIFACTS.beaconProxy, [beacon, '0x']);

  return {
    rpcUrl,
    chainId: d.chainId,
    blockNumber: (await d.blockNumber()).toString(),
    deployer,
    eoa,
    erc20,
    erc721,
    erc1155,
    weth,
    uniswapV2Factory,
    uniswapV2Router,
    uniswapV2Pair,
    proxy,
    proxyImplementation,
    proxyAdmin,
    beaconProxy,
    beacon,
  };
}

/**
 * Factory, WETH9, the periphery router and a DEMO/WETH pair funded as a user would: approve the
 * router, `addLiquidityETH` (which creates the pair through the factory). The npm router's
 * hard-coded init-code hash matches the npm pair bytecode, so its CREATE2 pair addresses are right.
 */
async function deployUniswapPair(d: Deployer, demo: Address) {
  const [deployer] = d.accounts as [Address];
  const weth = await d.deploy(ARTIFACTS.weth9, []);
  const uniswapV2Factory = await d.deploy(ARTIFACTS.uniswapV2Factory, [deployer]);
  const uniswapV2Router = await d.deploy(ARTIFACTS.uniswapV2Router02, [uniswapV2Factory, weth]);
  await d.write(demo, ARTIFACTS.erc20, 'approve', [uniswapV2Router, PAIR_DEMO_LIQUIDITY]);
  const deadline = (await d.timestamp()) + 3600n;
  await d.write(uniswapV2Router, ARTIFACTS.uniswapV2Router02, 'addLiquidityETH', [demo, PAIR_DEMO_LIQUIDITY, 0n, 0n, deployer, deadline], PAIR_WETH_LIQUIDITY);
  const uniswapV2Pair = getAddress((await d.read(uniswapV2Factory, ARTIFACTS.uniswapV2Factory, 'getPair', [demo, weth])) as Address);
  return { weth, uniswapV2Factory, uniswapV2Router, uniswapV2Pair };
}

/** Writes the scenario as JSON (creating parent directories), for processes that cannot import it. */
export async function writeScenarioFile(path: string, scenario: Scenario): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(scenario, null, 2)}\n`);
}
