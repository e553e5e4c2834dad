import type { ContractCreation } from '@oca/chain';
import type { Network } from '@oca/contracts';
import { securityAgent } from '../security';
import type { AgentContext } from '../types';
import type { DeployedContract } from './forensics-contract';

/** Deployments the security agent looks at: each check is a full token analysis. */
export const SECURITY_CHECKS = 3;

/**
 * The contracts the address created, each of the first `SECURITY_CHECKS` with the security
 * agent's verdict (run in-process with this job's context and signal). A contract that is not a
 * token, or whose analysis fails, gets the reason instead; the rest say they were over the budget.
 */
export async function deployedContracts(network: Network, creations: readonly ContractCreation[], ctx: AgentContext): Promise<DeployedContract[]> {
  const out: DeployedContract[] = [];
  for (const [i, creation] of creations.entries()) {
    const base = { address: creation.contract, blockNumber: creation.blockNumber.toString(), transactionHash: creation.transactionHash };
    if (i >= SECURITY_CHECKS) {
      out.push({ ...base, security: { analysed: false, verdict: null, score: null, isHoneypot: null, reason: `over the budget of ${SECURITY_CHECKS} security checks per analysis` } });
      continue;
    }
    try {
      const result = await securityAgent.run({ network, address: creation.contract }, ctx);
      out.push({ ...base, security: { analysed: true, verdict: result.data.verdict, score: result.data.score, isHoneypot: result.data.trading.isHoneypot, reason: null } });
    } catch (err) {
      ctx.signal.throwIfAborted();
      out.push({ ...base, security: { analysed: false, verdict: null, score: null, isHoneypot: null, reason: `the security agent could not analyse it: ${(err as Error).message}` } });
    }
  }
  return out;
}
