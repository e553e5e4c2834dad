// The market scenario: a Uniswap V2/V3 market on anvil, traded over simulated time, for the
// market and trend agents.
export {
  deployMarketScenario,
  BURN_ADDRESS,
  MARKET_SCENARIO_HOURS,
  MARKET_TOKENS,
  TAXED_SELL_TAX_BPS,
  type MarketScenario,
  type MarketPoolName,
  type MarketTokenName,
  type MarketToken,
} from './market-scenario';
export type { ScenarioPool, ScenarioSwap, FailedSwap } from './swap-records';
export { CREATE2_DEPLOYER, DEVNET_ADMIN, UNISWAP_V3, dexCoreAddresses, type DexCore, type DexCoreLayout } from './dex-core';
export { compileMarketContracts, type MarketContracts } from './market-contracts';
export { deployDexCore } from './dex-core';
export { DevnetDriver, type TxRequest, type MinedTx } from './devnet-driver';
