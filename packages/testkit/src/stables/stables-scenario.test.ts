import { DEX_DEPLOYMENTS } from '@oca/chain';
import { devnetStableAddresses } from './stables-scenario';

// solc-js takes a few seconds on a cold cache.
jest.setTimeout(60_000);

it('deploys the devnet stablecoins exactly where @oca/chain lists them, after dUSD', () => {
  const { usdt, dai } = devnetStableAddresses();
  expect(DEX_DEPLOYMENTS.devnet.usdStables.map((s) => s.address)).toEqual([DEX_DEPLOYMENTS.devnet.usdStables[0]!.address, usdt, dai]);
});
