import { isExecutionError, isStateOverrideUnsupported, type ChainClient } from '@oca/chain';
import type { HoldingRisk, SecurityCreator } from '@oca/contracts';
import type { Address } from 'viem';
import type { PoolRef } from '../dex';
import { analyseCode, readContract, resolveProxy, simulate, tradingFromSimulation } from '../security';

/** The quick check does not look the deployer up (the security agent does). */
const NOT_LOOKED_UP: SecurityCreator = { address: null, transaction: null, factory: null, block: null, method: null, unknownReason: 'not looked up by the portfolio quick check' };

/** Holdings (largest by value first, then unpriced ones) whose token gets the quick checks: each costs a contract read and a trade simulation. */
export const RISK_CHECK_TOP = 8;

export const NOT_CHECKED = (note: string): HoldingRisk => ({ checked: false, honeypot: null, honeypotReason: null, sellTax: null, mintable: null, proxy: null, note });

/**
 * The security agent's quick checks on one token, at the block: its code and proxy slots
 * (`readContract`, `resolveProxy`), the catalogued risky functions in either code (`analyseCode`:
 * mintable) and the buy → transfer → sell simulation through its pools (`simulate`: honeypot,
 * sell tax). Three round trips, four behind a beacon proxy.
 */
export async function quickRisk(client: ChainClient, token: Address, pools: readonly PoolRef[], blockNumber: bigint): Promise<HoldingRisk> {
  const [facts, simulation] = await Promise.all([
    readContract(client, token, blockNumber),
    pools.length === 0
      ? Promise.resolve(null)
      : simulate(
          client,
          token,
          pools.map((p) => ({ pair: p.address, version: p.version === 'v2' ? (2 as const) : (3 as const) })),
          blockNumber,
        ).catch((err: unknown) => {
          // A node without state overrides cannot run the probe: the honeypot column stays unknown.
          if (isStateOverrideUnsupported(err) || isExecutionError(err)) return err as Error;
          throw err;
        }),
  ]);
  const resolved = await resolveProxy(client, facts, blockNumber);
  const { contract, capabilities } = analyseCode({
    code: facts.code,
    codeHash: facts.codeHash,
    proxy: resolved.proxy,
    implementationCode: resolved.implementationCode,
    owner: facts.owner,
    creator: NOT_LOOKED_UP,
  });
  const trading = simulation && !(simulation instanceof Error) ? tradingFromSimulation(simulation) : null;
  const note =
    simulation instanceof Error
      ? isStateOverrideUnsupported(simulation)
        ? 'The node refuses eth_call state overrides: trading not simulated.'
        : 'The trade simulation reverted as a whole: trading not measured.'
      : pools.length === 0
        ? 'No pool at the listed factories: trading not simulated.'
        : trading?.isHoneypot === null || trading === null
          ? 'No usable pool for the simulation.'
          : null;
  return {
    checked: true,
    honeypot: trading?.isHoneypot ?? null,
    honeypotReason: trading?.honeypotReason ?? null,
    sellTax: trading?.sellTax ?? null,
    mintable: capabilities.mintable,
    proxy: contract.isProxy,
    note,
  };
}
