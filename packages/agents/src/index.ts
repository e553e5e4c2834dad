export type { Agent, AgentContext } from './types';
export { PermanentAgentError, isPermanentAgentError, type PermanentAgentErrorCode } from './errors';
export { AGENTS, getAgent, type AnyAgent, type CatalogAgent } from './registry';
export { addressAgent } from './address/address.agent';
export { abortable } from './abort';
export { checksummedAddress } from './checksum';
