import { DEX_DEPLOYMENTS, isStateOverrideUnsupported, LP_LOCKERS } from '@oca/chain';
import { PermanentAgentError } from '../errors';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import type { Agent, AgentContext } from '../types';
import { securityFindings, type SecurityFacts } from './findings';
import { SecurityParams, SecurityResult } from './schemas';
import { scoreFindings, sortFindings } from './score';
import { securityFacts } from './security-facts';
import { readHolders, readLpHolders, readToken, readTradeAndHistories, readV3Positions, tokenPools, type PinnedRead } from './security-reads';

/**
 * Token security in the manner of GoPlus `token_security` and honeypot.is, from the chain alone,
 * every read pinned to one block:
 *
 * 1. block number;
 * 2. code, proxy slots, owner, metadata — and the Transfer history (adaptive getLogs paging)
 *    — and the listed factories' pools of the token (`discoverPools`, shared DEX reading in `dex/`);
 * 3. the proxy's implementation code, the creator (first mint's sender), and through the probe
 *    (state-override eth_call) every candidate's balance and code size plus the token's
 *    verified V2 pairs and V3 pools among them;
 * 4. the buy → transfer → sell simulation through the deepest pool (V2 or V3) in one eth_call,
 *    the V2 pairs' LP history and the V3 pools' Mint history;
 * 5. LP balances (V2), with what the network's known LP lockers (`LP_LOCKERS`) still lock; for
 *    V3 pools, every position's liquidity, which Mint owners are position managers, and the NFT
 *    ids their IncreaseLiquidity logs name in the Mint transactions (receipts);
 * 6. (V3 pools with position-manager NFTs only) each NFT's position, owner and lock state, through
 *    the probe in one eth_call per manager.
 *
 * Pools are found from the token's own holders (a pool holds the token), verified by asking the
 * pool's factory for `getPair(token0, token1)` or `getPool(token0, token1, fee)`, so any V2/V3
 * fork on any network is found without a registry; `DEX_DEPLOYMENTS`' factories add pools the
 * history scan may have missed.
 */
export const securityAgent: Agent<SecurityParams, SecurityResult> = {
  name: 'security',
  params: SecurityParams,
  result: SecurityResult,

  async run(params: SecurityParams, ctx: AgentContext): Promise<SecurityResult> {
    try {
      return await analyse(params, ctx);
    } catch (err) {
      // Without state overrides there is no probe: no balances, no trade simulation, no verdict.
      if (isStateOverrideUnsupported(err)) throw new PermanentAgentError('rpc_unsupported', STATE_OVERRIDES_NEEDED);
      throw err;
    }
  },
};

const STATE_OVERRIDES_NEEDED =
  'Simulation not supported by this node: the security agent reads balances and simulates trades with eth_call state overrides, which this RPC node refuses. Use a node or provider that supports them (geth, Erigon, Reth, Nethermind and anvil do).';

async function analyse(params: SecurityParams, ctx: AgentContext): Promise<SecurityResult> {
  const target = checksummedAddress(params.address, 'address');
  const { signal } = ctx;
  signal.throwIfAborted();
  const client = ctx.chain.get(params.network);
  const lockers = LP_LOCKERS[params.network];
  // 1. The block every figure is read at (cacheTime 0: viem would otherwise serve a stale one).
  const at: PinnedRead = { client, target, blockNumber: await abortable(client.getBlockNumber({ cacheTime: 0 }), signal), signal };
  // 2. The contract, its whole Transfer history and the listed factories' pools; not a token: refused.
  const token = await readToken(at, DEX_DEPLOYMENTS[params.network]);
  // 3. Implementation code, creator, and every holder's balance with the pools among them.
  const holders = await readHolders(at, token);
  const pools = tokenPools(target, holders.inspection, DEX_DEPLOYMENTS[params.network]);
  // 4. The trade simulation, the pools' LP and Mint histories — from the token's creation: no
  // pool can mint LP or positions for a token before it exists.
  const trade = await readTradeAndHistories({ ...at, historyFrom: token.scan.ok ? token.scan.value.start : undefined }, pools, holders, token.facts.owner);
  // 5. LP balances and locks per V2 pool, V3 position candidates.
  const lp = await readLpHolders(at, pools, { owner: token.facts.owner, creator: holders.creator }, lockers, trade);
  // 6. V3 position NFTs of the managers found.
  const v3 = await readV3Positions(at, pools, lockers, trade, lp);

  const facts = securityFacts(params.network, at, { token, holders, pools, trade, lp, v3 }, lockers);
  const findings = sortFindings(securityFindings(facts));
  const { score, verdict } = scoreFindings(findings);
  ctx.logger.debug({ network: params.network, target, blockNumber: at.blockNumber.toString(), score, verdict }, 'security agent read');
  const { contract, capabilities, trading, holders: holderFigures, liquidity } = facts;
  return {
    agent: 'security',
    network: params.network,
    target,
    blockNumber: at.blockNumber.toString(),
    generatedAt: ctx.now().toISOString(),
    summary: summaryOf(facts, score, verdict, findings),
    findings,
    data: { token: facts.token, contract, capabilities, trading, holders: holderFigures, liquidity, score, verdict },
  };
}

function summaryOf(facts: SecurityFacts, score: number, verdict: string, findings: SecurityResult['findings']): string {
  const name = facts.token.symbol ?? facts.token.name ?? 'Token';
  const serious = findings.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => f.title);
  const why = serious.length > 0 ? `: ${serious.slice(0, 3).join('; ')}${serious.length > 3 ? `; and ${serious.length - 3} more` : ''}` : '';
  // A clean score means "no risk found"; say when part of the evidence was missing.
  const unknown = [facts.trading.method === null ? 'trading not simulated' : null, facts.holders === null ? 'holders not analysed' : null].filter(Boolean);
  const caveat = unknown.length > 0 ? ` (${unknown.join(', ')})` : '';
  return `${name} (${facts.target}) on ${facts.network} at block ${facts.blockNumber}: ${verdict}, score ${score}/100${caveat}${why}.`;
}
