import { ChainClients } from '@oca/chain';
import pino from 'pino';
import type { AgentContext } from '../../src';
import { securityAgent } from '../../src/security';
import { SecurityResult } from '../../src/security/schemas';

/** The clock every security analysis in these suites runs at, so results compare equal. */
const NOW = new Date('2025-01-02T03:04:05.000Z');

/**
 * Runs the security agent on devnet through `rpcUrl`, with its own `ChainClients` at the default
 * settings (so the node, or a proxy in front of it, sees every request of this one analysis), and
 * parses the result with its schema.
 */
export async function analyseSecurity(rpcUrl: string, address: string): Promise<SecurityResult> {
  const ctx: AgentContext = {
    chain: new ChainClients({ rpcUrls: { devnet: [rpcUrl] } }),
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => NOW,
  };
  return SecurityResult.parse(await securityAgent.run(securityAgent.params.parse({ network: 'devnet', address }), ctx));
}
