import { dexQuoteTokens, isExecutionError, LogBlockTooLargeError, LogBudgetExceededError, lpLockerAbi, type ChainClient, type DexDeployment, type LpLocker } from '@oca/chain';
import { getAddress, zeroAddress, type Address } from 'viem';
import { abortable } from '../abort';
import { discoverPools, discoverSolidlyPools, readOrNull } from '../dex';
import { PermanentAgentError } from '../errors';
import { findDeployer, type DeployerReading } from './creator';
import { readContract, resolveProxy, type ContractFacts, type ResolvedProxy } from './contract-read';
import { DEAD_ADDRESS, type BalanceSheet } from './holder-stats';
import { orientPools, type LockerReading, type OrientedPool, type V3Reading } from './liquidity';
import { inspect, probeLimits, simulate, type Inspection, type ProbeLimits, type ProbePool, type Simulation, type TradePool } from './probe/security-probe';
import { sampleHolders, simulateHolderSales, type HolderCandidate, type HolderSaleOutcome } from './holder-sales';
import { scanTransfers, type HistoryStart, type TransferScan } from '../tokens/transfer-scan';
import { readCandidates, readMintHistory, readPositions, type V3Candidates, type V3MintHistory } from './v3-positions';

// The security agent's reads, one function per round trip (steps 2–6 of `securityAgent`), every
// one pinned to the same block.

/** What every read of one analysis shares: the node, the token and the block. */
export interface PinnedRead {
  client: ChainClient;
  target: Address;
  blockNumber: bigint;
  signal: AbortSignal;
  /** Where the token's history starts, once known: scans of its pools start there too. */
  historyFrom?: HistoryStart;
}

/** A Transfer history scan, or why it stopped. */
export type Scanned = { ok: true; value: TransferScan } | { ok: false; reason: string };

/** Step 2: the contract, its Transfer history, and the pools the listed factories have for it. */
export interface TokenReading {
  facts: ContractFacts;
  /** `facts.totalSupply`, known to answer. */
  totalSupply: bigint;
  scan: Scanned;
  listed: Address[];
}

/** Step 3: the proxy's code, every candidate holder's balance (with the pools among them) and the creator. */
export interface HolderReading {
  candidates: Address[];
  resolved: ResolvedProxy;
  inspection: Inspection;
  /** The deployer (`deployer.address`). */
  creator: Address | null;
  deployer: DeployerReading;
  /** The creator is not among the candidates: its balance is read in step 4. */
  creatorMissing: boolean;
}

/** The verified pools, deepest first, and the two kinds apart. */
export interface TokenPools {
  oriented: OrientedPool[];
  /** V2 pairs: LP tokens exist for them only (V3 liquidity is positions). */
  pairs: Address[];
  v3: ProbePool[];
}

/** Step 4: the trade simulation and the pools' LP and Mint histories. */
export interface TradeReading {
  /** null when the simulation call reverted as a whole. */
  simulation: Simulation | null;
  /** null without V2 pairs. */
  lpScan: Scanned | null;
  /** The creator's balance when no log named it. */
  creatorInspection: Inspection | null;
  /** Per V3 pool, in `TokenPools.v3` order. */
  mintHistories: V3MintHistory[];
  /** The largest real holders' own sales into `salePool` (null without a pool or a holder to sample). */
  holderSales: HolderSaleOutcome[] | null;
  /** The pool the simulation traded through, or (when it traded through none) the deepest. */
  salePool: OrientedPool | null;
  /** The largest buy, sale and wallet through `limitsPool` (null without one). */
  limits: ProbeLimits | null;
  /** The pool the limits were bisected through: `salePool`'s, the one the simulation traded through (else the deepest). */
  limitsPool: ProbePool | null;
}

/** Step 5: LP balances and lock readings per pool (null / [] for V3), and V3 position candidates. */
export interface LpReading {
  lpSheets: (BalanceSheet | null)[];
  lockerReadings: LockerReading[][];
  v3Candidates: (V3Candidates | null)[];
}

/** The contract, its whole Transfer history, and the listed factories' pools (V2 getPair, V3 getPool per fee tier, Solidly getPool per curve, against each quote token), together. */
export async function readToken(at: PinnedRead, deployment: DexDeployment): Promise<TokenReading> {
  const { client, target, blockNumber, signal } = at;
  const quotes = dexQuoteTokens(deployment).map((q) => q.address);
  const [facts, scan, listed, solidly] = await abortable(
    Promise.all([
      readContract(client, target, blockNumber),
      scanWithinBudget(client, [target], blockNumber, signal),
      discoverPools(client, deployment, target, quotes, blockNumber),
      discoverSolidlyPools(client, deployment, target, quotes, blockNumber),
    ]),
    signal,
  );
  if (facts.code === '0x') throw new PermanentAgentError('invalid_params', `address: no contract code at block ${blockNumber}`, 'address');
  if (facts.totalSupply === null) {
    throw new PermanentAgentError('invalid_params', 'address: not an ERC-20 token (totalSupply() does not answer)', 'address');
  }
  return { facts, totalSupply: facts.totalSupply, scan, listed: [...listed.map((p) => p.address), ...solidly] };
}

/** Implementation code, creator, and every holder's balance with the pools among them. */
export async function readHolders(at: PinnedRead, { facts, scan, listed }: TokenReading): Promise<HolderReading> {
  const { client, target, blockNumber, signal } = at;
  // Listed pools join the holder candidates: the probe verifies every pool the same way.
  const candidates = unique([
    zeroAddress,
    DEAD_ADDRESS,
    ...(facts.owner ? [facts.owner] : []),
    ...listed,
    ...(scan.ok ? (scan.value.accounts.get(target) ?? []) : []),
  ]);
  // The scan searched for the token's creation block only on a long chain (it starts at 0 otherwise).
  const hints = scan.ok
    ? { firstMintTx: scan.value.firstMintTx.get(target), creationBlock: scan.value.fromBlock > 0n && scan.value.complete ? scan.value.fromBlock : undefined }
    : {};
  const [resolved, inspection, deployer] = await abortable(
    Promise.all([
      resolveProxy(client, facts, blockNumber),
      inspect(client, { token: target, accounts: candidates, blockNumber }),
      findDeployer(client, target, { ...hints, blockNumber, signal }),
    ]),
    signal,
  );
  const creator = deployer.address;
  return { candidates, resolved, inspection, creator, deployer, creatorMissing: creator !== null && !candidates.includes(creator) };
}

/** The token's verified pools, deepest first, named (and V2 fees taken) from the network's listed factories. */
export function tokenPools(target: Address, inspection: Inspection, deployment: DexDeployment): TokenPools {
  const oriented = orientPools(target, inspection.pools, deployment);
  return {
    oriented,
    pairs: oriented.filter((p) => p.pool.version === 2).map((p) => p.pool.pair),
    v3: oriented.filter((p) => p.pool.version === 3).map((p) => p.pool),
  };
}

/**
 * The trade simulation, the pools' LP and Mint histories (plus the creator's balance if no log
 * named it), and, through the pool the simulation traded through, the largest holders' own sales
 * and the limits bisection.
 */
export async function readTradeAndHistories(at: PinnedRead, pools: TokenPools, holders: HolderReading, owner: Address | null): Promise<TradeReading> {
  const { client, target, blockNumber, signal } = at;
  const { creator } = holders;
  // The holders sell into the deepest pool, the one the fresh simulation tries first, and the limits
  // are bisected through it, in the same batch; only when the simulation had to pass that pool over
  // are both done again, through the pool it used: each trades a pool as the simulation does.
  const deepest = pools.oriented[0] ?? null;
  const sampled = deepest ? sampleHolders(holderCandidates(holders), { owner, pools: pools.oriented.map((p) => p.pool.pair) }) : [];
  const holderSalesInto = (pool: OrientedPool) =>
    sampled.length > 0 ? simulateHolderSales(client, { token: target, pool: pool.pool, trade: tradePool(pool), holders: sampled, blockNumber }) : null;
  const limitsThrough = (pool: OrientedPool) => probeLimits(client, { token: target, pool: tradePool(pool), quote: pool.quoteToken, blockNumber });
  const [simulation, lpScan, creatorInspection, mintHistories, deepestSales, deepestLimits] = await abortable(
    Promise.all([
      // The probe catches every failure of the token itself; the call reverting as a whole means
      // something hostile (gas exhaustion), which is a finding, not an agent failure.
      simulate(client, target, pools.oriented.map(tradePool), blockNumber).catch((err: unknown) => {
        if (isExecutionError(err)) return null;
        throw err;
      }),
      pools.pairs.length > 0 ? scanWithinBudget(client, pools.pairs, blockNumber, signal, at.historyFrom) : null,
      holders.creatorMissing && creator ? inspect(client, { token: target, accounts: [creator], blockNumber }) : null,
      Promise.all(pools.v3.map((pool) => readMintHistory(client, pool.pair, blockNumber, signal, at.historyFrom))),
      deepest ? holderSalesInto(deepest) : null,
      deepest ? limitsThrough(deepest) : null,
    ]),
    signal,
  );
  const shared = { simulation, lpScan, creatorInspection, mintHistories };
  const traded = simulation && (simulation.route === 1 || simulation.route === 3) ? pools.oriented.find((p) => p.pool.pair === getAddress(simulation.pair)) : undefined;
  if (!traded || traded === deepest) return { ...shared, holderSales: deepestSales, salePool: deepest, limits: deepestLimits, limitsPool: deepest?.pool ?? null };
  const [holderSales, limits] = await abortable(Promise.all([holderSalesInto(traded), limitsThrough(traded)]), signal);
  return { ...shared, holderSales, salePool: traded, limits, limitsPool: traded.pool };
}

/** What the probe must know of a pool to trade through it: its version, V2 fee, or that it quotes its own output. */
function tradePool(p: OrientedPool): TradePool {
  return { pair: p.pool.pair, version: p.pool.version, feeBps: p.feeBps ?? undefined, quotesOwnOutput: p.pool.solidly };
}

/** Every candidate with the balance and code size the probe read for it. */
function holderCandidates({ candidates, inspection }: HolderReading): HolderCandidate[] {
  return candidates.map((address, i) => ({ address, balance: inspection.balances[i] ?? 0n, codeSize: inspection.codeSizes[i] ?? 0 }));
}

/**
 * LP balances per V2 pool — the network's known lockers among the accounts — and what each
 * `lockedBalance` locker still locks of it, beside the V3 pools' position candidates.
 */
export async function readLpHolders(
  at: PinnedRead,
  pools: TokenPools,
  roles: { owner: Address | null; creator: Address | null },
  lockers: readonly LpLocker[],
  trade: TradeReading,
): Promise<LpReading> {
  const { client, blockNumber, signal } = at;
  const { owner, creator } = roles;
  const { lpScan, mintHistories } = trade;
  const [lpSheets, lockerReadings, v3Candidates] = await abortable(
    Promise.all([
      Promise.all(
        pools.oriented.map((p) => {
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
      Promise.all(pools.oriented.map((p) => (p.pool.version === 3 ? [] : readLockers(client, lockers, p.pool.pair, blockNumber)))),
      Promise.all(pools.v3.map((pool, i) => (mintHistories[i]!.ok ? readCandidates(client, pool, mintHistories[i] as Extract<V3MintHistory, { ok: true }>, blockNumber) : null))),
    ]),
    signal,
  );
  return { lpSheets, lockerReadings, v3Candidates };
}

/** The V3 position NFTs of the managers found (no read when there are none), keyed by pool. */
export async function readV3Positions(at: PinnedRead, pools: TokenPools, lockers: readonly LpLocker[], trade: TradeReading, lp: LpReading): Promise<Map<Address, V3Reading>> {
  const { client, blockNumber, signal } = at;
  const { v3Candidates } = lp;
  const nfts = await abortable(Promise.all(pools.v3.map((pool, i) => (v3Candidates[i] ? readPositions(client, pool, v3Candidates[i], lockers, blockNumber) : []))), signal);
  return new Map<Address, V3Reading>(pools.v3.map((pool, i) => [pool.pair, { history: trade.mintHistories[i]!, candidates: v3Candidates[i] ?? null, nfts: nfts[i]! }]));
}

/** `lockedBalance(pair)` of each locker that answers it; `held` lockers need no read. */
function readLockers(client: ChainClient, lockers: readonly LpLocker[], pair: Address, blockNumber: bigint): Promise<LockerReading[]> {
  return Promise.all(
    lockers.map(async (locker) => ({
      locker,
      lockedBalance: locker.read === 'lockedBalance' ? await readOrNull(client, { address: locker.address, abi: lpLockerAbi, functionName: 'lockedBalance', args: [pair], blockNumber }) : null,
    })),
  );
}

/** The history scan, or why it stopped: a token with more history than the budget is not an error. */
async function scanWithinBudget(client: ChainClient, contracts: Address[], blockNumber: bigint, signal: AbortSignal, from?: HistoryStart): Promise<Scanned> {
  try {
    return { ok: true, value: await scanTransfers(client, contracts, blockNumber, signal, from) };
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

function unique(addresses: Address[]): Address[] {
  return [...new Set(addresses)];
}
