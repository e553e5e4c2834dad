import { DEX_DEPLOYMENTS, DEX_TOPICS, solidlyFactoryAbi, solidlyPoolAbi } from '@oca/chain';
import { toEventSelector, toFunctionSelector, type Abi, type AbiEvent, type AbiFunction } from 'viem';
import { compileForkContracts } from './fork-contracts';
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

/** Every event topic and function selector of an ABI. */
function signatures(abi: Abi): string[] {
  return abi.flatMap((item) => (item.type === 'event' ? [toEventSelector(item as AbiEvent)] : item.type === 'function' ? [toFunctionSelector(item as AbiFunction)] : []));
}

it('gives the Solidly-style factory and pool the interface of Velodrome V2 that the agents read', () => {
  const { solidlyFactory, solidlyPool } = compileForkContracts();
  // @oca/chain's ABIs are written from velodrome-finance/contracts Pool.sol and PoolFactory.sol.
  expect(signatures(solidlyFactory.abi)).toEqual(expect.arrayContaining(signatures(solidlyFactoryAbi)));
  expect(signatures(solidlyPool.abi)).toEqual(expect.arrayContaining(signatures(solidlyPoolAbi)));
  // Velodrome's events, not Uniswap V2's look-alikes.
  expect(signatures(solidlyPool.abi)).toEqual(expect.arrayContaining([DEX_TOPICS.solidlySwap, DEX_TOPICS.solidlySync]));
  expect(signatures(solidlyPool.abi)).not.toEqual(expect.arrayContaining([DEX_TOPICS.v2Swap]));
  expect(signatures(solidlyPool.abi)).not.toEqual(expect.arrayContaining([DEX_TOPICS.v2Sync]));
});
