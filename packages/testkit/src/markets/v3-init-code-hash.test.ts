import NonfungiblePositionManagerJson from '@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json';
import SwapRouterJson from '@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json';
import { keccak256 } from 'viem';
import { UNISWAP_V3 } from './dex-core';

it('the npm V3 periphery hard-codes the init-code hash of the npm V3 pool bytecode', () => {
  const hash = keccak256(UNISWAP_V3.pool.bytecode);
  // PoolAddress.POOL_INIT_CODE_HASH in @uniswap/v3-periphery 1.4.4, the hash of mainnet's pools.
  expect(hash).toBe('0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54');
  // PoolAddress.computeAddress pushes it as a PUSH32 constant in both contracts that use it.
  expect(SwapRouterJson.bytecode).toContain(`7f${hash.slice(2)}`);
  expect(NonfungiblePositionManagerJson.bytecode).toContain(`7f${hash.slice(2)}`);
});
