import type { Network } from '@oca/contracts';
import { parseAbi, type Address } from 'viem';

/**
 * A contract that holds LP tokens on behalf of their owner until an unlock time.
 *
 * `read` says how the agent learns how much is still locked:
 * - `lockedBalance`: the locker answers `lockedBalance(address lpToken)` with the amount whose
 *   unlock time is still ahead at the block asked — expired locks are left out (the testkit's
 *   LpTimeLock).
 * - `held`: every LP token the locker holds counts as locked. Used for lockers whose per-lock
 *   records are not read (UNCX keeps an expired lock's tokens until its owner withdraws them), so
 *   the figure is an upper bound and the result says the expiry was not checked.
 */
export interface LpLocker {
  name: string;
  address: Address;
  read: 'lockedBalance' | 'held';
  /**
   * How a Uniswap V3 position NFT it holds is read: `isNftLocked` — the locker answers
   * `isNftLocked(address nft, uint256 tokenId)`, false once the lock has expired (the testkit's
   * LpTimeLock). Absent: an NFT it holds counts as locked, expiry not checked (as `held`).
   */
  nftRead?: 'isNftLocked';
}

/** The views the `lockedBalance` / `isNftLocked` kinds of locker answer. */
export const lpLockerAbi = parseAbi([
  'function lockedBalance(address lpToken) view returns (uint256)',
  'function isNftLocked(address nft, uint256 tokenId) view returns (bool)',
]);

const uncx = (address: Address, dex: string): LpLocker => ({ name: `UNCX ${dex} locker`, address, read: 'held' });

/**
 * Known LP lockers per network. Mainnet-like entries are UNCX's Uniswap V2 lockers as the vendor's
 * own repository lists them (github.com/uncx-network/liquidity-locker-univ2-contracts, README:
 * "V1.0 UniV2 Lockers" and "Latest deployments (April 2024)"); other lockers (Team Finance,
 * PinkLock, …) are left out until their addresses are verified from source material — a wrong
 * entry would report unlocked liquidity as locked.
 *
 * `devnet` is the testkit's LpTimeLock, deployed through anvil's CREATE2 deployer at a fixed
 * address (as `DEX_DEPLOYMENTS.devnet`); the testkit fails loudly if its bytecode ever moves it.
 */
export const LP_LOCKERS: Readonly<Record<Network, readonly LpLocker[]>> = {
  ethereum: [
    uncx('0x663A5C229c09b049E36dCc11a9B0d4a8Eb9db214', 'Uniswap V2 (v1)'),
    uncx('0xED9180976c2a4742C7A57354FD39d8BEc6cbd8AB', 'SushiSwap V1 (v1)'),
    uncx('0x59d7D55DdC58494FbBbca29904f108ece82Ac7FB', 'Uniswap V2 (v2)'),
  ],
  polygon: [uncx('0x939d71ADe0Bf94d3F8cf578413bF2a2f248BF58b', 'Uniswap V2 (v2)'), uncx('0xaDB2437e6F65682B85F814fBc12FeC0508A7B1D0', 'QuickSwap V1 (v1)')],
  bsc: [
    uncx('0x7229247bD5cf29FA9B0764Aa1568732be024084b', 'Uniswap V2 (v2)'),
    uncx('0xC765bddB93b0D1c1A88282BA0fa6B2d00E3e0c83', 'PancakeSwap V2 (v1)'),
    uncx('0xc8B839b9226965caf1d9fC1551588AaF553a7BE6', 'PancakeSwap V1 (v1)'),
  ],
  arbitrum: [uncx('0x63F4B2C082B1E0bbA38874567E053800379bF8D7', 'Uniswap V2 (v2)')],
  optimism: [uncx('0x5923c3911d9424F7725CAd33Ed176A6b885484D6', 'Uniswap V2 (v2)')],
  base: [uncx('0xc4E637D37113192F4F1F060DaEbD7758De7F4131', 'Uniswap V2 (v2)')],
  devnet: [{ name: 'OCA devnet LP time-lock', address: '0xD456BD57a984f2AE64B1bc6fC4F3d5DF67b7D8Cf', read: 'lockedBalance', nftRead: 'isNftLocked' }],
};
