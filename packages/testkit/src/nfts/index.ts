// Scenario for the nft agent: an on-chain-metadata collection with Seaport and direct sales and wash patterns on anvil.
export { compileNftContracts, compileSeaport } from './nft-contracts';
export { CRITTER_OFFCHAIN_URI, CRITTER_TRAITS, deployNftScenario, NFT_SCENARIO_DAYS, type NftSaleKind, type NftScenario, type NftScenarioSale } from './nft-scenario';
