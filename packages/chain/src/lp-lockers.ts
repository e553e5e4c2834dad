import type { Network } from '@oca/contracts';
import { parseAbi, type Address } from 'viem';
import { LABEL_SOURCES } from './labels/sources';

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
  /** Where the address comes from (one of `LABEL_SOURCES`), shown with its label. */
  source: string;
}

/** The views the `lockedBalance` / `isNftLocked` kinds of locker answer. */
export const lpLockerAbi = parseAbi([
  'function lockedBalance(address lpToken) view returns (uint256)',
  'function isNftLocked(address nft, uint256 tokenId) view returns (bool)',
]);

const uncx = (address: Address, dex: string): LpLocker => ({ name: `UNCX ${dex} locker`, address, read: 'held', source: LABEL_SOURCES.uncx });
/** UNCX's Uniswap V3 (and forks') position-NFT lockers: they hold NFTs, their lock records are not read. */
const uncxV3 = (address: Address, dex: string): LpLocker => ({ name: `UNCX ${dex} V3 locker`, address, read: 'held', source: LABEL_SOURCES.uncxV3 });
/** Team Finance's lock contract (V2 LP tokens and V3 NFTs alike), one per network. */
const teamFinance = (address: Address): LpLocker => ({ name: 'Team Finance lock', address, read: 'held', source: LABEL_SOURCES.teamFinance });
const pinkLock = (address: Address, version: string): LpLocker => ({ name: `PinkLock ${version}`, address, read: 'held', source: LABEL_SOURCES.pinkLock });

/**
 * Known LP lockers per network, each with its source (`LABEL_SOURCES`):
 * - UNCX (Unicrypt) Uniswap V2 lockers as the vendor's own repository lists them
 *   (github.com/uncx-network/liquidity-locker-univ2-contracts, README: "V1.0 UniV2 Lockers" and
 *   "Latest deployments (April 2024)"), on BSC its PancakeSwap V1/V2 lockers;
 * - UNCX's Uniswap V3 lockers (`UNCX_LiquidityLocker_UniV3`; PancakeSwap V3 on BSC);
 * - Team Finance's lock contract per network, as Team Finance's web app lists it per chain id;
 * - PinkSale's PinkLock (v1 on BSC, PinkLock02 on BSC and Ethereum).
 *
 * None of these contracts is open for redeployment here (UNCX's licence forbids copying, the others
 * publish no package), so none is read for per-lock unlock times: each is `read: 'held'` — what it
 * holds counts as locked and the result says the unlock times were not read. An address that could
 * not be traced to a document is left out: a wrong entry would report unlocked liquidity as locked.
 *
 * `devnet` is the testkit's LpTimeLock, deployed through anvil's CREATE2 deployer at a fixed
 * address (as `DEX_DEPLOYMENTS.devnet`); the testkit fails loudly if its bytecode ever moves it.
 */
export const LP_LOCKERS: Readonly<Record<Network, readonly LpLocker[]>> = {
  ethereum: [
    uncx('0x663A5C229c09b049E36dCc11a9B0d4a8Eb9db214', 'Uniswap V2 (v1)'),
    uncx('0xED9180976c2a4742C7A57354FD39d8BEc6cbd8AB', 'SushiSwap V1 (v1)'),
    uncx('0x59d7D55DdC58494FbBbca29904f108ece82Ac7FB', 'Uniswap V2 (v2)'),
    uncxV3('0xFD235968e65B0990584585763f837A5b5330e6DE', 'Uniswap'),
    teamFinance('0xE2fE530C047f2d85298b07D9333C05737f1435fB'),
    pinkLock('0x71B5759d73262FBb223956913ecF4ecC51057641', 'v2 (PinkLock02)'),
  ],
  polygon: [
    uncx('0x939d71ADe0Bf94d3F8cf578413bF2a2f248BF58b', 'Uniswap V2 (v2)'),
    uncx('0xaDB2437e6F65682B85F814fBc12FeC0508A7B1D0', 'QuickSwap V1 (v1)'),
    uncxV3('0x40f6301edb774e8B22ADC874f6cb17242BaEB8c4', 'Uniswap'),
    teamFinance('0x3eF7442dF454bA6b7C1deEc8DdF29Cfb2d6e56c7'),
  ],
  bsc: [
    uncx('0x7229247bD5cf29FA9B0764Aa1568732be024084b', 'Uniswap V2 (v2)'),
    uncx('0xC765bddB93b0D1c1A88282BA0fa6B2d00E3e0c83', 'PancakeSwap V2 (v1)'),
    uncx('0xc8B839b9226965caf1d9fC1551588AaF553a7BE6', 'PancakeSwap V1 (v1)'),
    uncxV3('0xfe88DAB083964C56429baa01F37eC2265AbF1557', 'PancakeSwap'),
    teamFinance('0x0C89C0407775dd89b12918B9c0aa42Bf96518820'),
    pinkLock('0x7ee058420e5937496F5a2096f04caA7721cF70cc', 'v1'),
    pinkLock('0x407993575c91ce7643a4d4cCACc9A98c36eE1BBE', 'v2 (PinkLock02)'),
  ],
  arbitrum: [
    uncx('0x63F4B2C082B1E0bbA38874567E053800379bF8D7', 'Uniswap V2 (v2)'),
    uncxV3('0x6b5360B419e0851b4b81644e0F63c1A9778f2506', 'Uniswap'),
    teamFinance('0xE0B0D2021293Bee9715e1Db3be31b55C00F72A75'),
  ],
  optimism: [uncx('0x5923c3911d9424F7725CAd33Ed176A6b885484D6', 'Uniswap V2 (v2)'), uncxV3('0x1cE6d27F7e5494573684436d99574e8288eBBD2D', 'Uniswap')],
  base: [
    uncx('0xc4E637D37113192F4F1F060DaEbD7758De7F4131', 'Uniswap V2 (v2)'),
    uncxV3('0x231278eDd38B00B07fBd52120CEf685B9BaEBCC1', 'Uniswap'),
    teamFinance('0x4F0Fd563BE89ec8C3e7D595bf3639128C0a7C33A'),
  ],
  devnet: [
    {
      name: 'OCA devnet LP time-lock',
      address: '0xD456BD57a984f2AE64B1bc6fC4F3d5DF67b7D8Cf',
      read: 'lockedBalance',
      nftRead: 'isNftLocked',
      source: LABEL_SOURCES.testkit,
    },
  ],
};
