import type { AddressLabel } from './types';
import { LABEL_SOURCES as S } from './sources';

/**
 * The devnet's own labelled addresses. The exchange wallet is the address of a fixed test key
 * (`oca-testkit:whales:exchange-hot-wallet`), the routers are the CREATE2 deployments of the
 * testkit's DEX core; `deployWhaleScenario` fails loudly if either ever moves.
 */
export const DEVNET_EXCHANGE_WALLET = '0x446831a1496A836D3deD862Ec70E1696FD84D41a' as const;

/**
 * The testkit's mixer-like pool (`MiniMixer`, packages/testkit/src/forensics): the first contract
 * of a fixed test key (`oca-testkit:forensics:mixer-operator`); `deployForensicsScenario` fails
 * loudly if it ever moves.
 */
export const DEVNET_MIXER = '0x01e5BfFec7A830f254Ca4afb25902c837d0f11BB' as const;

export const DEVNET_LABELS: readonly AddressLabel[] = [
  { address: DEVNET_EXCHANGE_WALLET, name: 'OCA devnet exchange hot wallet', kind: 'exchange', source: S.testkit },
  { address: '0x207a7c4ED6f54a45FdEf368cafa6e2CfB6d29bb3', name: 'Uniswap V2: Router02 (devnet)', kind: 'dex-router', source: S.testkit },
  { address: '0x9d8c1CD55509eC027E80756E4ebB464609c91ddB', name: 'Uniswap V3: SwapRouter (devnet)', kind: 'dex-router', source: S.testkit },
  { address: DEVNET_MIXER, name: 'OCA devnet mixer pool (1 ETH)', kind: 'mixer', source: 'testkit scenario' },
];
