export type { Agent, AgentContext } from './types';
export { PermanentAgentError, isPermanentAgentError, type PermanentAgentErrorCode } from './errors';
export { AGENTS, getAgent, type AnyAgent, type CatalogAgent } from './registry';
export { addressAgent } from './address/address.agent';
export { securityAgent } from './security';
export { marketAgent } from './market/market.agent';
export { trendAgent } from './trend/trend.agent';
export { whaleAgent } from './whale/whale.agent';
export { portfolioAgent } from './portfolio/portfolio.agent';
export { forensicsAgent } from './forensics/forensics.agent';
export { governanceAgent } from './governance/governance.agent';
export { nftAgent } from './nft/nft.agent';
export type { OffchainMetadataOptions } from './nft/metadata-fetch';
export { abortable } from './abort';
export { checksummedAddress } from './checksum';
// The GoPlus view moved to @oca/contracts; re-exported until the gateway imports it from there.
export { toGoPlus, toGoPlusTokenSecurity } from '@oca/contracts';
export { defiAgent } from './defi/defi.agent';
