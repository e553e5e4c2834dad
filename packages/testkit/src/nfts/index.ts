// Scenario for the nft agent: an on-chain-metadata ERC-721 and an off-chain-metadata ERC-1155 with Seaport, direct and flash-loan sales and wash patterns on anvil.
export { compileNftContracts, compileSeaport } from './nft-contracts';
export { BADGE_CID, BADGE_TRAITS, BADGE_URI, badgeGatewayPath, CRITTER_CID, nftScenarioDocuments, startIpfsGateway, type IpfsGateway } from './nft-metadata';
export { CRITTER_OFFCHAIN_URI, CRITTER_TRAITS, deployNftScenario, NFT_SCENARIO_DAYS, type NftSaleKind, type NftScenario, type NftScenarioSale } from './nft-scenario';
