import { DEX_DEPLOYMENTS } from '@oca/chain';
import { forkDexAddresses } from './fork-scenario';

// solc-js takes a few seconds on a cold cache.
jest.setTimeout(60_000);

it('deploys the DEX forks exactly where @oca/chain lists them for the devnet, the unlisted fork unlisted', () => {
  const dexes = forkDexAddresses();
  const { v2Factories, v3Factories } = DEX_DEPLOYMENTS.devnet;
  expect(v2Factories).toContainEqual({ name: 'pancakeswap-v2', address: dexes.pancakeV2Factory, feeBps: 25 });
  expect(v3Factories).toContainEqual({ name: 'pancakeswap-v3', address: dexes.pancakeV3Factory, feeTiers: [2500], flavour: 'pancakeswap' });
  expect(DEX_DEPLOYMENTS.devnet.solidlyFactories).toContainEqual({ name: 'aerodrome', address: dexes.solidlyFactory, kind: 'solidly' });
  expect(v2Factories.map((f) => f.address)).not.toContain(dexes.unlistedV2Factory);
});
