import { DEX_DEPLOYMENTS } from '@oca/chain';
import { dexCoreAddresses } from './dex-core';
import { compileMarketContracts } from './market-contracts';

// solc-js takes a few seconds on a cold cache.
jest.setTimeout(60_000);

it('deploys the DEX core exactly where @oca/chain lists the devnet deployment', () => {
  const core = dexCoreAddresses(compileMarketContracts());
  const devnet = DEX_DEPLOYMENTS.devnet;
  expect(core).toEqual({
    weth: devnet.wrappedNative.address,
    usd: devnet.usdStables[0]?.address,
    uniswapV2Factory: devnet.v2Factories[0]?.address,
    uniswapV2Router: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
    uniswapV3Factory: devnet.v3Factories[0]?.address,
    uniswapV3PositionManager: devnet.v3Factories[0]?.positionManager,
    uniswapV3SwapRouter: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
    uniswapV3PositionDescriptor: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
    nftDescriptorLibrary: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/),
  });
});
