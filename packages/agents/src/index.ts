export type { Agent, AgentContext } from './types';
export { PermanentAgentError, isPermanentAgentError, type PermanentAgentErrorCode } from './errors';
export { AGENTS, getAgent, type AnyAgent, type CatalogAgent } from './registry';
export { addressAgent } from './address/address.agent';
export { securityAgent, toGoPlus, toGoPlusTokenSecurity } from './security';
export { marketAgent } from './market/market.agent';
export { trendAgent } from './trend/trend.agent';
export { abortable } from './abort';
export { checksummedAddress } from './checksum';
