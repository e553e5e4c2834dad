import type { AGENT_CATALOG, AgentName } from '@oca/contracts';
import type { z } from 'zod';
import { addressAgent } from './address/address.agent';
import { defiAgent } from './defi/defi.agent';
import { governanceAgent } from './governance/governance.agent';
import { marketAgent } from './market/market.agent';
import { nftAgent } from './nft/nft.agent';
import { securityAgent } from './security';
import { trendAgent } from './trend/trend.agent';
import { whaleAgent } from './whale/whale.agent';
import { portfolioAgent } from './portfolio/portfolio.agent';
import { forensicsAgent } from './forensics/forensics.agent';
import type { Agent } from './types';

/** The agent implementing a catalog entry, typed by that entry's params and result schemas. */
export type CatalogAgent<N extends AgentName> = Agent<
  z.output<(typeof AGENT_CATALOG)[N]['params']>,
  z.output<(typeof AGENT_CATALOG)[N]['result']>
>;

/** An agent of any name, as the executor handles it: parse params, run, parse result. */
export type AnyAgent = Agent<unknown, unknown>;

/**
 * Every agent by name. Typed against `AGENT_CATALOG`, so adding a catalog entry without an agent
 * (or an agent without an entry) fails to compile.
 */
export const AGENTS: { readonly [N in AgentName]: CatalogAgent<N> } = {
  address: addressAgent,
  security: securityAgent,
  market: marketAgent,
  trend: trendAgent,
  whale: whaleAgent,
  governance: governanceAgent,
  defi: defiAgent,
  portfolio: portfolioAgent,
  forensics: forensicsAgent,
  nft: nftAgent,
};

/**
 * The agent called `name`. A catalog name (narrowed with `isAgentName`) always has one; any other
 * string gives undefined, which the executor reports as `unknown_agent`.
 */
export function getAgent<N extends AgentName>(name: N): CatalogAgent<N>;
export function getAgent(name: string): AnyAgent | undefined;
export function getAgent(name: string): AnyAgent | undefined {
  return Object.prototype.hasOwnProperty.call(AGENTS, name) ? (AGENTS[name as AgentName] as AnyAgent) : undefined;
}
