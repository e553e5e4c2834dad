export { ADDRESS_LABELS, labelOf } from './registry';
export { DEVNET_EXCHANGE_WALLET, DEVNET_MIXER } from './devnet';
export { LABEL_SOURCES } from './sources';
export type { AddressLabel, LabelKind } from './types';
