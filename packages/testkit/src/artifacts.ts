import type { Abi, Hex } from 'viem';
import ERC1155PresetMinterPauser from '@openzeppelin/contracts/build/contracts/ERC1155PresetMinterPauser.json';
import ERC20PresetMinterPauser from '@openzeppelin/contracts/build/contracts/ERC20PresetMinterPauser.json';
import ERC721PresetMinterPauserAutoId from '@openzeppelin/contracts/build/contracts/ERC721PresetMinterPauserAutoId.json';
import TransparentUpgradeableProxy from '@openzeppelin/contracts/build/contracts/TransparentUpgradeableProxy.json';
import UpgradeableBeacon from '@openzeppelin/contracts/build/contracts/UpgradeableBeacon.json';
import BeaconProxy from '@openzeppelin/contracts/build/contracts/BeaconProxy.json';
import UniswapV2ERC20 from '@uniswap/v2-core/build/UniswapV2ERC20.json';
import UniswapV2Factory from '@uniswap/v2-core/build/UniswapV2Factory.json';
import UniswapV2Pair from '@uniswap/v2-core/build/UniswapV2Pair.json';
import UniswapV2Router02 from '@uniswap/v2-periphery/build/UniswapV2Router02.json';
import WETH9 from '@uniswap/v2-periphery/build/WETH9.json';

/** ABI and creation bytecode of a compiled contract, as published in its npm package. */
export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

/** Uniswap's waffle builds store bytecode without the `0x` prefix; Hardhat builds include it. */
function artifact(json: { abi: unknown; bytecode: string }): Artifact {
  const bytecode = json.bytecode.startsWith('0x') ? json.bytecode : `0x${json.bytecode}`;
  return { abi: json.abi as Abi, bytecode: bytecode as Hex };
}

/**
 * Real, published bytecode: OpenZeppelin Contracts 4.9.6 and Uniswap V2 (core and the periphery's
 * router, whose hard-coded pair init-code hash matches the npm pair bytecode: router.test.ts). The JSON is resolved
 * through node_modules at run time, never copied into the repository.
 */
export const ARTIFACTS = {
  erc20: artifact(ERC20PresetMinterPauser),
  erc721: artifact(ERC721PresetMinterPauserAutoId),
  erc1155: artifact(ERC1155PresetMinterPauser),
  transparentProxy: artifact(TransparentUpgradeableProxy),
  upgradeableBeacon: artifact(UpgradeableBeacon),
  beaconProxy: artifact(BeaconProxy),
  uniswapV2Erc20: artifact(UniswapV2ERC20),
  uniswapV2Factory: artifact(UniswapV2Factory),
  uniswapV2Pair: artifact(UniswapV2Pair),
  /** constructor(factory, WETH) */
  uniswapV2Router02: artifact(UniswapV2Router02),
  weth9: artifact(WETH9),
} as const;
