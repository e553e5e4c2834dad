import type { Network } from '@oca/contracts';
import { zeroAddress, type Address } from 'viem';
import { LP_LOCKERS } from '../lp-lockers';
import { DEVNET_LABELS } from './devnet';
import { ETHEREUM_LABELS } from './ethereum';
import { ARBITRUM_LABELS, BASE_LABELS, BSC_LABELS, OPTIMISM_LABELS, POLYGON_LABELS } from './other-networks';
import { LABEL_SOURCES } from './sources';
import type { AddressLabel } from './types';

/** Sinks nobody holds a key to, on every network. */
const BURN_LABELS: readonly AddressLabel[] = [
  { address: zeroAddress, name: 'Null address 0x0', kind: 'burn', source: LABEL_SOURCES.etherscanBurn },
  { address: '0x000000000000000000000000000000000000dEaD', name: 'Burn address 0x…dEaD', kind: 'burn', source: LABEL_SOURCES.etherscanBurn },
];

/** The known LP lockers (`LP_LOCKERS`) as labels, so the two lists never disagree. */
function lockerLabels(network: Network): AddressLabel[] {
  return LP_LOCKERS[network].map((l) => ({
    address: l.address,
    name: l.name,
    kind: 'locker',
    source: l.source,
  }));
}

const BY_NETWORK: Readonly<Record<Network, readonly AddressLabel[]>> = {
  ethereum: ETHEREUM_LABELS,
  polygon: POLYGON_LABELS,
  bsc: BSC_LABELS,
  arbitrum: ARBITRUM_LABELS,
  optimism: OPTIMISM_LABELS,
  base: BASE_LABELS,
  devnet: DEVNET_LABELS,
};

/**
 * Every labelled address per network: burn sinks, LP lockers, and the network's own list
 * (exchanges' hot wallets, bridges, DEX routers, Tornado Cash instances, SDN entries). Each entry
 * carries its source. Only addresses that could be traced to a document are listed: an address
 * missing here is unknown, not clean.
 */
export const ADDRESS_LABELS: Readonly<Record<Network, readonly AddressLabel[]>> = Object.fromEntries(
  (Object.keys(BY_NETWORK) as Network[]).map((network) => [network, [...BURN_LABELS, ...lockerLabels(network), ...BY_NETWORK[network]]]),
) as unknown as Record<Network, readonly AddressLabel[]>;

const INDEX: ReadonlyMap<Network, ReadonlyMap<string, AddressLabel>> = new Map(
  (Object.keys(ADDRESS_LABELS) as Network[]).map((network) => [network, new Map(ADDRESS_LABELS[network].map((l) => [l.address.toLowerCase(), l]))]),
);

/** The label of `address` on `network`, or undefined when the registry does not know it. */
export function labelOf(network: Network, address: Address | string): AddressLabel | undefined {
  return INDEX.get(network)?.get(address.toLowerCase());
}

