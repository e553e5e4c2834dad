import { EIP1967_SLOTS, slotToAddress, type ChainClient } from '@oca/chain';
import type { DefiAdmin } from '@oca/contracts';
import type { Address } from 'viem';
import { readOrNull } from '../dex';
import { adminAbi } from './defi-abis';

/**
 * Who can change each contract: `owner()` and `paused()` where they answer, and the EIP-1967
 * implementation and admin slots (as the address agent reads them). Aave's proxies keep their admin
 * immutable in code, not in the slot: `knownAdmin` names it (the addresses provider).
 */
export async function readAdmin(client: ChainClient, contracts: readonly { address: Address; role: string; knownAdmin?: Address }[], blockNumber: bigint): Promise<DefiAdmin[]> {
  return Promise.all(
    contracts.map(async ({ address, role, knownAdmin }) => {
      const [owner, paused, implementation, admin] = await Promise.all([
        readOrNull(client, { address, abi: adminAbi, functionName: 'owner', blockNumber }),
        readOrNull(client, { address, abi: adminAbi, functionName: 'paused', blockNumber }),
        client.getStorageAt({ address, slot: EIP1967_SLOTS.implementation, blockNumber }),
        client.getStorageAt({ address, slot: EIP1967_SLOTS.admin, blockNumber }),
      ]);
      const impl = slotToAddress(implementation);
      return { contract: address, role, owner, paused, implementation: impl, upgradeAdmin: slotToAddress(admin) ?? (impl ? (knownAdmin ?? null) : null) };
    }),
  );
}
