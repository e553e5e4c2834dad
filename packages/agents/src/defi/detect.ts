import type { ChainClient } from '@oca/chain';
import type { DefiKind } from '@oca/contracts';
import type { Address } from 'viem';
import { readOrNull } from '../dex';
import { aavePoolAbi, erc4626Abi, poolProbeAbi } from './defi-abis';

/** What the probe found: the kind, each call tried and the answers the analysis needs next. */
export interface Detection {
  kind: DefiKind;
  probes: { call: string; answered: boolean }[];
  token0: Address | null;
  token1: Address | null;
  factory: Address | null;
  addressesProvider: Address | null;
  reservesList: readonly Address[] | null;
  asset: Address | null;
}

/**
 * Recognises the address by its interface, all probes in one batch: an Aave V3 Pool answers
 * `ADDRESSES_PROVIDER()` and `getReservesList()` (forks keep both); a Uniswap V3-style pool
 * `slot0()`, `fee()` and its tokens; a V2-style pair `getReserves()` and its tokens; an ERC-4626
 * vault `asset()` and `totalAssets()`. Nothing else is guessed: anything else is "unknown".
 */
export async function detect(client: ChainClient, address: Address, blockNumber: bigint): Promise<Detection> {
  const at = { address, blockNumber };
  const [factory, token0, token1, reserves, fee, slot0, provider, reservesList, asset, totalAssets] = await Promise.all([
    readOrNull(client, { ...at, abi: poolProbeAbi, functionName: 'factory' }),
    readOrNull(client, { ...at, abi: poolProbeAbi, functionName: 'token0' }),
    readOrNull(client, { ...at, abi: poolProbeAbi, functionName: 'token1' }),
    readOrNull(client, { ...at, abi: poolProbeAbi, functionName: 'getReserves' }),
    readOrNull(client, { ...at, abi: poolProbeAbi, functionName: 'fee' }),
    readOrNull(client, { ...at, abi: poolProbeAbi, functionName: 'slot0' }),
    readOrNull(client, { ...at, abi: aavePoolAbi, functionName: 'ADDRESSES_PROVIDER' }),
    readOrNull(client, { ...at, abi: aavePoolAbi, functionName: 'getReservesList' }),
    readOrNull(client, { ...at, abi: erc4626Abi, functionName: 'asset' }),
    readOrNull(client, { ...at, abi: erc4626Abi, functionName: 'totalAssets' }),
  ]);
  const probes = Object.entries({
    'factory()': factory,
    'token0()': token0,
    'token1()': token1,
    'getReserves()': reserves,
    'fee()': fee,
    'slot0()': slot0,
    'ADDRESSES_PROVIDER()': provider,
    'getReservesList()': reservesList,
    'asset()': asset,
    'totalAssets()': totalAssets,
  }).map(([call, answer]) => ({ call, answered: answer !== null }));
  const pair = token0 !== null && token1 !== null;
  const kind: DefiKind =
    provider !== null && reservesList !== null
      ? 'aave-v3-pool'
      : pair && slot0 !== null && fee !== null
        ? 'uniswap-v3-pool'
        : pair && reserves !== null
          ? 'uniswap-v2-pool'
          : asset !== null && totalAssets !== null
            ? 'erc4626-vault'
            : 'unknown';
  return { kind, probes, token0, token1, factory, addressesProvider: provider, reservesList, asset };
}
