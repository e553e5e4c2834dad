import type { Address } from 'viem';

/**
 * What an address is, as far as the registry knows:
 * - `exchange`: a centralised exchange's hot or cold wallet (deposits there are sell pressure);
 * - `bridge`: a bridge contract holding tokens on behalf of another chain;
 * - `dex-router`: a DEX router (it pays out swaps, so it is the "funder" of many unrelated wallets);
 * - `dex-pool`: a DEX liquidity pool (a pair or a concentrated-liquidity pool): it holds both tokens
 *   for every LP and pays every swapper, so neither a whale nor a funder;
 * - `locker`: an LP or token locker;
 * - `burn`: a sink nobody controls;
 * - `mixer`: a mixing pool (Tornado Cash instances);
 * - `sanctioned`: an address on the OFAC SDN list.
 */
export type LabelKind = 'exchange' | 'bridge' | 'dex-router' | 'dex-pool' | 'locker' | 'burn' | 'mixer' | 'sanctioned';

/** One labelled address. Every entry names where it comes from, so a label can be checked. */
export interface AddressLabel {
  address: Address;
  /** Display name, e.g. "Binance 14" or "Tornado Cash 10 ETH". */
  name: string;
  kind: LabelKind;
  /** The document the label was taken from: a URL, or a repository path at a commit. */
  source: string;
  /** Anything a reader should know before relying on the label (a sanctions history, say). */
  note?: string;
}
