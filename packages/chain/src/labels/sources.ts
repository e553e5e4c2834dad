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
  /**
   * Dune's hand-curated CEX list (the `cex_evms` spell: one list of exchange addresses that Dune
   * applies to every EVM chain it covers), with its names ("OKX 13", "Bybit 6").
   */
  duneCex: 'github.com/duneanalytics/spellbook/blob/01b1bf2fa72c93dda97434c5b1a828ca5cfad750/dbt_subprojects/hourly_spellbook/models/_sector/cex/addresses/chains/cex_evms_addresses.sql (Dune cex_evms)',
  /**
   * Etherscan's per-exchange name tags at a later export. The rows of this export pair names with
   * the wrong addresses inside a file (its okx.csv names OKX's OKB token contract "OKX 8"), so it is
   * used only for membership: the address is in the exchange's file.
   */
  etherscanExchangeFiles: 'github.com/brianleect/etherscan-labels/blob/1ed02d58f3acba454ced18cf80e0df4f18900789/data/etherscan/accounts/<exchange>.csv (membership only)',
  /** The other explorers' exchange tags from the same label export, one file per network. */
  bscscanExchange: 'github.com/brianleect/etherscan-labels/blob/8ed588cbc99f5ff55414e2a8409fec9bcc41d912/data/bscscan/accounts/exchange.csv (BscScan name tags)',
  polygonscanBinance: 'github.com/brianleect/etherscan-labels/blob/7a97a592c049d4183d58447c917bc51a1d0e457f/data/polygonscan/accounts/binance.csv (PolygonScan name tags)',
  arbiscanExchange: 'github.com/brianleect/etherscan-labels/blob/8ed588cbc99f5ff55414e2a8409fec9bcc41d912/data/arbiscan/accounts/exchange.csv (Arbiscan name tags)',
  optimismExchange: 'github.com/brianleect/etherscan-labels/blob/cb931485b6c31d2171cdff9b35446409eaee8d38/data/optimism/accounts/exchange.csv (OP Etherscan name tags)',
  optimismBridgeTag: 'github.com/brianleect/etherscan-labels/blob/cb931485b6c31d2171cdff9b35446409eaee8d38/data/optimism/accounts/optimism-bridge.csv (OP Etherscan name tags)',
  /** Dune's earlier per-network CEX list for Arbitrum (before the lists were merged into cex_evms). */
  duneArbitrumCex: 'github.com/duneanalytics/spellbook/blob/321eb0aacfa49e14ea8a31d91a33c434ec34597f/models/cex/arbitrum/cex_arbitrum_addresses.sql (Dune, Arbitrum)',
  /** DefiLlama's CEX reserve adapters: the wallets it sums per exchange, listed per chain. */
  defiLlamaOkx: 'github.com/DefiLlama/DefiLlama-Adapters/blob/0748004f169415a13656a29188cdb956dad4afaf/projects/okex/index.js (owners per chain)',
  defiLlamaBybit: 'github.com/DefiLlama/DefiLlama-Adapters/blob/045b12a690c0661e9b9ddb08e12d304d2ff77aed/projects/bybit/index.js (owners per chain)',
  defiLlamaKucoin: 'github.com/DefiLlama/DefiLlama-Adapters/blob/02a8f05276ba852172dcb0da3c11bf0b6ce26546/projects/kucoin/index.js (owners per chain)',
  arbiscanKucoin: 'github.com/brianleect/etherscan-labels/blob/8ed588cbc99f5ff55414e2a8409fec9bcc41d912/data/arbiscan/accounts/kucoin.csv (Arbiscan name tags)',
  optimismKucoin: 'github.com/brianleect/etherscan-labels/blob/1f0d9e302cf399be5eb089eb94e27c175119fdfd/data/optimism/accounts/kucoin.csv (OP Etherscan name tags)',
  polygonscanExchange: 'github.com/brianleect/etherscan-labels/blob/8ed588cbc99f5ff55414e2a8409fec9bcc41d912/data/polygonscan/accounts/exchange.csv (PolygonScan name tags)',
  /** A label set for funding-origin tracing that places Bybit's hot wallet 6 on Base. */
  bybitBase: 'github.com/ripples3/ic-onchain-analytics references/cex_hot_wallets.md ("Bybit: Hot Wallet 6 … primarily Base")',
  /** The OP Stack chains' L1 deployments as the Superchain Registry lists them (chain 10 OP Mainnet, 8453 Base). */
  superchainRegistry: 'github.com/ethereum-optimism/superchain-registry/blob/005f57b9fbca1dbf7c45b02b894e76144ad77636/superchain/extra/addresses/addresses.json',
  /** Base's L2 contract table (the OP Stack predeploys, L2StandardBridge at 0x4200…0010). */
  basePredeploys: 'https://docs.base.org/chain/base-contracts (L2 contract addresses, Base Mainnet)',
  /** Arbitrum One's token bridge and core contracts as the Arbitrum SDK hard-codes them. */
  arbitrumSdk: 'github.com/OffchainLabs/arbitrum-sdk/blob/00a534584623278ab14035c1fb8b6fe733224947/src/lib/dataEntities/networks.ts (mainnetTokenBridge, mainnetETHBridge)',
  /** Polygon's own network description: the PoS bridge (POSContracts) and the Plasma bridge. */
  polygonStatic: 'github.com/maticnetwork/static/blob/9214e2edb60898d593029e3dc29232cf6ca46f3f/network/mainnet/v1/index.json (Main.POSContracts, Main.Contracts)',
  wormholeTokenBridge: 'github.com/wormhole-foundation/wormhole-sdk-ts/blob/343e3d00a5c60855ac174e3a8fd720186f71827e/core/base/src/constants/contracts/tokenBridge.ts (tokenBridgeContracts, Mainnet)',
  acrossSpokePool: "github.com/across-protocol/contracts broadcast/deployed-addresses.md (SpokePool per chain), agreeing with independent integrators' per-chain tables",
  /** How pool addresses are derived: CREATE2 from the factory, the sorted token pair (and fee) and the pool's init-code hash. */
  uniswapV2Pair: 'CREATE2 of the Uniswap V2 factory (docs.uniswap.org/contracts/v2/reference/smart-contracts/v2-deployments) with init-code hash 0x96e8ac42…845f (UniswapV2Library.pairFor); recomputed in registry.test.ts',
  uniswapV3Pool: 'CREATE2 of the Uniswap V3 factory (docs.uniswap.org/contracts/v3/reference/deployments) with POOL_INIT_CODE_HASH 0xe34f199b…8b54 (Uniswap/v3-periphery PoolAddress.sol); recomputed in registry.test.ts',
  pancakeV2Pair: 'CREATE2 of the PancakeSwap V2 factory (developer.pancakeswap.finance/contracts/v2/addresses) with init-code hash 0x00fb7f63…9bd5 (PancakeLibrary.pairFor); recomputed in registry.test.ts',
  testkit: 'packages/testkit/src/whales (OCA devnet scenario; addresses are fixed by key or CREATE2)',
} as const;
