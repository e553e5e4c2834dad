import UniswapV2Router02 from '@uniswap/v2-periphery/build/UniswapV2Router02.json';
import { keccak256 } from 'viem';
import { ARTIFACTS } from '../artifacts';

it('the npm V2 router hard-codes the init-code hash of the npm V2 pair bytecode', () => {
  const hash = keccak256(ARTIFACTS.uniswapV2Pair.bytecode);
  expect(hash).toBe('0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f');
  // UniswapV2Library.pairFor pushes it as a PUSH32 constant.
  expect(UniswapV2Router02.bytecode).toContain(`7f${hash.slice(2)}`);
});
