import { ChainClients } from '@oca/chain';
import type { Network } from '@oca/contracts';
import pino from 'pino';
import type { AgentContext } from '../../src';
import { securityAgent } from '../../src/security';
import { SecurityResult } from '../../src/security/schemas';

/** The clock every security analysis in these suites runs at, so results compare equal. */
const NOW = new Date('2025-01-02T03:04:05.000Z');

/**
 * Runs the security agent on `network` (devnet unless said) through `rpcUrl`, with its own
 * `ChainClients` at the default settings (so the node, or a proxy in front of it, sees every request
 * of this one analysis), and parses the result with its schema. As `ethereum`, reads fold into
 * Multicall3 (viem's mainnet definition) and the DEX is looked up at Ethereum's addresses.
 */
export async function analyseSecurity(rpcUrl: string, address: string, network: Network = 'devnet'): Promise<SecurityResult> {
  const ctx: AgentContext = {
    chain: new ChainClients({ rpcUrls: { [network]: [rpcUrl] } }),
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => NOW,
  };
  return SecurityResult.parse(await securityAgent.run(securityAgent.params.parse({ network, address }), ctx));
}
