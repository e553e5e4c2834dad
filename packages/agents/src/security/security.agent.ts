import { DEX_DEPLOYMENTS, dexQuoteTokens, isExecutionError, LogBlockTooLargeError, LogBudgetExceededError, LP_LOCKERS, lpLockerAbi, type ChainClient, type LpLocker } from '@oca/chain';
import { getAddress, zeroAddress, type Address, type Hash } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { PermanentAgentError } from '../errors';
import { discoverPools, readOrNull } from '../dex';
import type { Agent, AgentContext } from '../types';
import { analyseCode } from './code-analysis';
import { readContract, resolveProxy } from './contract-read';
import { securityFindings, type SecurityFacts } from './findings';
import { DEAD_ADDRESS, distribution, type BalanceSheet } from './holder-stats';
import { describePool, describeV3Pool, liquidityOf, orientPools, type LockerReading, type V3Reading } from './liquidity';
import { inspect, simulate } from './probe/security-probe';
import { SecurityParams, SecurityResult, type SecurityHolders } from './schemas';
import { scoreFindings, sortFindings } from './score';
import { tradingFromSimulation, transferFailure, UNKNOWN_TRADING } from './trading';
import { scanTransfers, type TransferScan } from './transfer-scan';
import { readCandidates, readMintHistory, readPositions, type V3MintHistory } from './v3-positions';

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
    const target = checksummedAddress(params.address, 'address');
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    // 1. The block every figure is read at (cacheTime 0: viem would otherwise serve a stale one).
    const blockNumber = await abortable(client.getBlockNumber({ cacheTime: 0 }), signal);

    // 2. The contract, its whole Transfer history, and the pools the network's listed factories
    //    have for it (V2 getPair, V3 getPool per fee tier, against each quote token), together.
    const deployment = DEX_DEPLOYMENTS[params.network];
    const quotes = dexQuoteTokens(deployment).map((q) => q.address);
    const [facts, scan, listed] = await abortable(
      Promise.all([readContract(client, target, blockNumber), scanWithinBudget(client, [target], blockNumber, signal), discoverPools(client, deployment, target, quotes, blockNumber)]),
      signal,
    );
    if (facts.code === '0x') throw new PermanentAgentError('invalid_params', `address: no contract code at block ${blockNumber}`, 'address');
    if (facts.totalSupply === null) {
      throw new PermanentAgentError('invalid_params', 'address: not an ERC-20 token (totalSupply() does not answer)', 'address');
    }

    // Listed pools join the holder candidates: the probe verifies every pool the same way.
    const candidates = unique([
      zeroAddress,
      DEAD_ADDRESS,
      ...(facts.owner ? [facts.owner] : []),
      ...listed.map((p) => p.address),
      ...(scan.ok ? (scan.value.accounts.get(target) ?? []) : []),
    ]);
    const mintTx = scan.ok ? scan.value.firstMintTx.get(target) : undefined;
    // 3. Implementation code, creator, and every holder's balance with the pools among them.
    const [resolved, inspection, creator] = await abortable(
      Promise.all([
        resolveProxy(client, facts, blockNumber),
        inspect(client, { token: target, accounts: candidates, blockNumber }),
        mintTx ? senderOf(client, mintTx) : Promise.resolve(null),
      ]),
      signal,
    );

    const pools = orientPools(target, inspection.pools);
    // LP tokens exist for V2 pairs only; V3 liquidity is positions.
    const pairs = pools.filter((p) => p.pool.version === 2).map((p) => p.pool.pair);
    const creatorMissing = creator !== null && !candidates.includes(creator);
    const v3Pools = pools.filter((p) => p.pool.version === 3).map((p) => p.pool);
    // 4. The trade simulation, the pools' LP and Mint histories (plus the creator's balance if no log named it).
    const [simulation, lpScan, creatorInspection, mintHistories] = await abortable(
      Promise.all([
        // The probe catches every failure of the token itself; the call reverting as a whole means
        // something hostile (gas exhaustion), which is a finding, not an agent failure.
        simulate(client, target, pools.map((p) => p.pool), blockNumber).catch((err: unknown) => {
          if (isExecutionError(err)) return null;
          throw err;
        }),
        pairs.length > 0 ? scanWithinBudget(client, pairs, blockNumber, signal) : null,
        creatorMissing ? inspect(client, { token: target, accounts: [creator], blockNumber }) : null,
        Promise.all(v3Pools.map((pool) => readMintHistory(client, pool.pair, blockNumber, signal))),
      ]),
      signal,
    );

    // 5. LP balances per V2 pool — the network's known lockers among the accounts — and what
    //    each `lockedBalance` locker still locks of it, together.
    const owner = facts.owner;
    const lockers = LP_LOCKERS[params.network];
    const [lpSheets, lockerReadings, v3Candidates] = await abortable(
      Promise.all([
        Promise.all(
          pools.map((p) => {
            if (p.pool.version === 3) return null;
            const accounts = unique([
              zeroAddress,
              DEAD_ADDRESS,
              ...(owner ? [owner] : []),
              ...(creator ? [creator] : []),
              ...lockers.map((l) => l.address),
              ...(lpScan?.ok ? (lpScan.value.accounts.get(p.pool.pair) ?? []) : []),
            ]);
            return inspect(client, { token: p.pool.pair, accounts, blockNumber }).then((r): BalanceSheet => ({ accounts, ...r }));
          }),
        ),
        Promise.all(pools.map((p) => (p.pool.version === 3 ? [] : readLockers(client, lockers, p.pool.pair, blockNumber)))),
        Promise.all(v3Pools.map((pool, i) => (mintHistories[i]!.ok ? readCandidates(client, pool, mintHistories[i] as Extract<V3MintHistory, { ok: true }>, blockNumber) : null))),
      ]),
      signal,
    );
    // 6. V3 position NFTs of the managers found (skipped when there are none).
    const v3Nfts = await abortable(Promise.all(v3Pools.map((pool, i) => (v3Candidates[i] ? readPositions(client, pool, v3Candidates[i], lockers, blockNumber) : []))), signal);
    const v3Readings = new Map<Address, V3Reading>(v3Pools.map((pool, i) => [pool.pair, { history: mintHistories[i]!, candidates: v3Candidates[i] ?? null, nfts: v3Nfts[i]! }]));

    const { contract, capabilities } = analyseCode({ code: facts.code, codeHash: facts.codeHash, proxy: resolved.proxy, implementationCode: resolved.implementationCode, owner });
    const sheet: BalanceSheet = {
      accounts: creatorMissing ? [...candidates, creator] : candidates,
      balances: [...inspection.balances, ...(creatorInspection?.balances ?? [])],
      codeSizes: [...inspection.codeSizes, ...(creatorInspection?.codeSizes ?? [])],
    };
    const poolSet = new Set(inspection.pools.map((p) => p.pair));
    const holders = scan.ok ? holdersOf(sheet, facts.totalSupply, { owner, creator, pools: poolSet }, scan.value.logs) : null;
    const liquidity = liquidityOf(
      pools.map((p, i) => (p.pool.version === 3 ? describeV3Pool(p, v3Readings.get(p.pool.pair) ?? null, { owner, creator }, lockers) : describePool(p, lpSheets[i]!, { owner, creator }, lockerReadings[i]))),
    );
    const trading = simulation ? tradingFromSimulation(simulation) : UNKNOWN_TRADING;

    const securityFacts: SecurityFacts = {
      network: params.network,
      target,
      blockNumber,
      token: { name: facts.name, symbol: facts.symbol, decimals: facts.decimals, totalSupply: facts.totalSupply.toString() },
      contract,
      capabilities,
      trading,
      transferFailure: simulation ? transferFailure(simulation) : null,
      simulationReverted: simulation === null,
      holders,
      holdersUnavailable: scan.ok ? null : scan.reason,
      lpHoldersIncomplete: lpScan !== null && !lpScan.ok,
      liquidity,
    };
    const findings = sortFindings(securityFindings(securityFacts));
    const { score, verdict } = scoreFindings(findings);
    ctx.logger.debug({ network: params.network, target, blockNumber: blockNumber.toString(), score, verdict }, 'security agent read');
    return {
      agent: 'security',
      network: params.network,
      target,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: summaryOf(securityFacts, score, verdict, findings),
      findings,
      data: { token: securityFacts.token, contract, capabilities, trading, holders, liquidity, score, verdict },
    };
  },
};

/** `lockedBalance(pair)` of each locker that answers it; `held` lockers need no read. */
function readLockers(client: ChainClient, lockers: readonly LpLocker[], pair: Address, blockNumber: bigint): Promise<LockerReading[]> {
  return Promise.all(
    lockers.map(async (locker) => ({
      locker,
      lockedBalance: locker.read === 'lockedBalance' ? await readOrNull(client, { address: locker.address, abi: lpLockerAbi, functionName: 'lockedBalance', args: [pair], blockNumber }) : null,
    })),
  );
}

type Scanned = { ok: true; value: TransferScan } | { ok: false; reason: string };

/** The history scan, or why it stopped: a token with more history than the budget is not an error. */
async function scanWithinBudget(client: ChainClient, contracts: Address[], blockNumber: bigint, signal: AbortSignal): Promise<Scanned> {
  try {
    return { ok: true, value: await scanTransfers(client, contracts, blockNumber, signal) };
  } catch (err) {
    if (err instanceof LogBudgetExceededError) {
      return {
        ok: false,
        reason: `The Transfer history could not be read within the scan budget (${err.requests} getLogs requests, ${err.logs} logs so far), so holder figures would be partial.`,
      };
    }
    if (err instanceof LogBlockTooLargeError) {
      return {
        ok: false,
        reason: `The RPC node refuses the Transfer logs of block ${err.blockNumber} as too large to return, so holder figures would be partial; a node with a higher log limit can read them.`,
      };
    }
    throw err;
  }
}

/** Who sent the first mint: the deployer for a constructor mint. Null when the node has pruned the transaction. */
async function senderOf(client: ChainClient, hash: Hash): Promise<Address | null> {
  try {
    return getAddress((await client.getTransaction({ hash })).from);
  } catch (err) {
    if ((err as { name?: string }).name === 'TransactionNotFoundError') return null;
    throw err;
  }
}

function holdersOf(sheet: BalanceSheet, supply: bigint, roles: { owner: Address | null; creator: Address | null; pools: Set<Address> }, logs: number): SecurityHolders {
  const dist = distribution(sheet, supply, roles);
  const { owner, creator } = roles;
  return {
    holderCount: dist.holderCount,
    topHolders: dist.top,
    top10Percent: dist.top10Percent,
    ownerBalance: owner ? dist.balanceOf(owner).toString() : null,
    ownerPercent: owner ? dist.percentOf(owner) : null,
    creatorAddress: creator,
    creatorBalance: creator ? dist.balanceOf(creator).toString() : null,
    creatorPercent: creator ? dist.percentOf(creator) : null,
    logsScanned: logs,
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

function unique(addresses: Address[]): Address[] {
  return [...new Set(addresses)];
}
