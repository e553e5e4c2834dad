import type { Network } from '@oca/contracts';
import { zeroAddress, type Address } from 'viem';
import { LP_LOCKERS } from '../lp-lockers';
import { BRIDGE_LABELS } from './bridges';
import { DEVNET_LABELS } from './devnet';
import { DEX_POOL_LABELS } from './dex-pools';
import { ETHEREUM_LABELS } from './ethereum';
import { EXCHANGE_LABELS } from './exchanges';
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

/** A mainnet's own labels, then its exchanges, bridges and DEX pools. */
function mainnet(network: Exclude<Network, 'devnet'>, own: readonly AddressLabel[]): AddressLabel[] {
  return [...own, ...EXCHANGE_LABELS[network], ...BRIDGE_LABELS[network], ...DEX_POOL_LABELS[network]];
}

const BY_NETWORK: Readonly<Record<Network, readonly AddressLabel[]>> = {
  ethereum: mainnet('ethereum', ETHEREUM_LABELS),
  polygon: mainnet('polygon', POLYGON_LABELS),
  bsc: mainnet('bsc', BSC_LABELS),
  arbitrum: mainnet('arbitrum', ARBITRUM_LABELS),
  optimism: mainnet('optimism', OPTIMISM_LABELS),
  base: mainnet('base', BASE_LABELS),
  devnet: DEVNET_LABELS,
};

/**
 * Every labelled address per network: burn sinks, LP lockers, the network's own list (DEX routers,
 * Tornado Cash instances, SDN entries), exchanges' wallets, bridges and the deepest DEX pools. Each entry
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

