// Scenario for the defi agent: Aave V3 (npm artifacts, libraries linked) and an ERC-4626 vault on top of the market scenario.
export { AAVE_ARTIFACTS, deployAaveV3, type AaveDeployment, type AaveReserveDeployment, type AaveReserveInput } from './aave';
export { DEFI_SCENARIO_HOURS, DEVNET_VAULT_SOURCE, deployDefiScenario, type DefiScenario } from './defi-scenario';
