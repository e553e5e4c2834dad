/**
 * The documents the labels come from. Repository files are pinned to the commit read, so the label
 * can be checked against exactly what was read.
 */
export const LABEL_SOURCES = {
  /** Etherscan name tags as exported by github.com/brianleect/etherscan-labels. */
  etherscanBinance: 'github.com/brianleect/etherscan-labels/blob/37bde48dde2729b8ffed1d7801328242391700df/accounts/binance.csv (Etherscan name tags)',
  etherscanCoinbase: 'github.com/brianleect/etherscan-labels/blob/f3d0203b4edd0a9e5e9888ea659321e15a636b2d/accounts/coinbase.csv (Etherscan name tags)',
  etherscanBurn: 'github.com/brianleect/etherscan-labels/blob/f3d0203b4edd0a9e5e9888ea659321e15a636b2d/accounts/burn.csv (Etherscan name tags)',
  /** Tornado Cash's own command-line client lists its instances per network. */
  tornadoCli: 'github.com/tornadocash/tornado-cli/blob/1f42c33ed8a5143a0b49d5894fd0c467acdfffa8/config.js (deployments.netId1 / netId56)',
  uniswapV2: 'https://docs.uniswap.org/contracts/v2/reference/smart-contracts/v2-deployments',
  uniswapV3Periphery: 'github.com/Uniswap/v3-periphery/blob/main/deploys.md',
  pancakeV2: 'https://developer.pancakeswap.finance/contracts/v2/addresses',
  arbitrum: 'https://docs.arbitrum.io/build-decentralized-apps/reference/useful-addresses (Ethereum L1, Arbitrum One)',
  /** The SDN list's ETH digital-currency addresses, extracted from OFAC's sdn_advanced.xml. */
  ofacSdnEth: 'github.com/0xB10C/ofac-sanctioned-digital-currency-addresses/blob/695b693b09caca890efd69a585b9a391e37bd965/sanctioned_addresses_ETH.txt (from OFAC sdn_advanced.xml)',
  /** The same extraction at a later commit: the whole ETH list (ofac-sdn-ethereum.ts). */
  ofacSdnEthList: 'github.com/0xB10C/ofac-sanctioned-digital-currency-addresses/blob/0650c71e7a7561dd0f97bdda49110eb56b59a7fa/sanctioned_addresses_ETH.txt (from OFAC sdn_advanced.xml)',
  uncx: 'github.com/uncx-network/liquidity-locker-univ2-contracts (README: deployments), as LP_LOCKERS',
  /** UNCX publishes its V3 lockers' code (github.com/uncx-network/liquidity-locker-univ3-contracts) without a deployment list; the addresses are the per-chain table of integrators' UNCX V3 clients, agreeing across independent ones. */
  uncxV3: 'UNCX_LiquidityLocker_UniV3 per chain as integrators list it (checksummed, agreeing across independent lists; code: github.com/uncx-network/liquidity-locker-univ3-contracts), as LP_LOCKERS',
  /** Team Finance's web app names its lock contract per chain id (isPostMintLockNFTSupported / splitTokenSupportedLockContract). */
  teamFinance: "Team Finance web app's lock contract per chain id (ETH 0x1, BSC 0x38, Polygon 0x89, Arbitrum 0xa4b1, Base 0x2105), as LP_LOCKERS",
  /** PinkSale's PinkLock02, verified on the explorers (contract name PinkLock02), and PinkLock v1 on BSC. */
  pinkLock: 'PinkSale PinkLock02 (BSC, Ethereum; verified contract PinkLock02) and PinkLock v1 (BSC) as lock-tool clients list them, as LP_LOCKERS',
  testkit: 'packages/testkit/src/whales (OCA devnet scenario; addresses are fixed by key or CREATE2)',
} as const;
