import type { LpLocker } from '@oca/chain';
import type { Network } from '@oca/contracts';
import type { Address } from 'viem';
import { analyseCode } from './code-analysis';
import type { SecurityFacts } from './findings';
import { distribution, type BalanceSheet } from './holder-stats';
import { describePool, describeV3Pool, liquidityOf, type V3Reading } from './liquidity';
import type { SecurityCreator, SecurityHolders } from './schemas';
import type { HolderReading, LpReading, PinnedRead, TokenPools, TokenReading, TradeReading } from './security-reads';
import { freshBuyThrough, tradeLimits, tradingFromSimulation, transferFailure, UNKNOWN_TRADING } from './trading';
import type { TransferScan } from '../tokens/transfer-scan';
import { holderSaleAnalysis, withHolderSales } from './holder-sales';

/** Everything the security agent read of one token, step by step. */
export interface SecurityReadings {
  token: TokenReading;
  holders: HolderReading;
  pools: TokenPools;
  trade: TradeReading;
  lp: LpReading;
  v3: ReadonlyMap<Address, V3Reading>;
}

/** The facts the findings, score and result are written from: the code analysed, holders and pools described. */
export function securityFacts(
  network: Network,
  at: PinnedRead,
  readings: SecurityReadings,
  lockers: readonly LpLocker[],
): SecurityFacts {
  const { token, holders: read, pools, trade, lp, v3 } = readings;
  const { facts, totalSupply, scan } = token;
  const { owner } = facts;
  const { creator } = read;
  const { contract, capabilities } = analyseCode({ code: facts.code, codeHash: facts.codeHash, proxy: read.resolved.proxy, implementationCode: read.resolved.implementationCode, owner, creator: creatorOf(read) });
  const sheet: BalanceSheet = {
    accounts: read.creatorMissing && creator ? [...read.candidates, creator] : read.candidates,
    balances: [...read.inspection.balances, ...(trade.creatorInspection?.balances ?? [])],
    codeSizes: [...read.inspection.codeSizes, ...(trade.creatorInspection?.codeSizes ?? [])],
  };
  const poolSet = new Set(read.inspection.pools.map((p) => p.pair));
  const holders = scan.ok ? holdersOf(sheet, totalSupply, { owner, creator, pools: poolSet }, scan.value) : null;
  const liquidity = liquidityOf(
    pools.oriented.map((p, i) =>
      p.pool.version === 3
        ? describeV3Pool(p, v3.get(p.pool.pair) ?? null, { owner, creator }, lockers)
        : describePool(p, lp.lpSheets[i]!, { owner, creator }, lp.lockerReadings[i]),
    ),
  );
  const { simulation, lpScan } = trade;
  return {
    network,
    target: at.target,
    blockNumber: at.blockNumber,
    token: { name: facts.name, symbol: facts.symbol, decimals: facts.decimals, totalSupply: totalSupply.toString() },
    contract,
    capabilities,
    trading: {
      ...withHolderSales(simulation ? tradingFromSimulation(simulation, pools.oriented.map((p) => ({ pair: p.pool.pair, dexName: p.dexName }))) : UNKNOWN_TRADING, holderSaleAnalysis(trade.holderSales, trade.salePool?.pool ?? null, simulation)),
      limits: tradeLimits(trade.limits, trade.limitsPool?.pair ?? null, freshBuyThrough(simulation, trade.limitsPool?.pair)),
    },
    transferFailure: simulation ? transferFailure(simulation) : null,
    simulationReverted: simulation === null,
    holders,
    holdersUnavailable: scan.ok ? null : scan.reason,
    lpHoldersIncomplete: lpScan !== null && !lpScan.ok,
    liquidity,
  };
}

function holdersOf(sheet: BalanceSheet, supply: bigint, roles: { owner: Address | null; creator: Address | null; pools: Set<Address> }, scan: TransferScan): SecurityHolders {
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
    logsScanned: scan.logs,
    scannedFromBlock: scan.fromBlock.toString(),
    historyComplete: scan.complete,
  };
}

/** The deployer as the result states it (without the requests it cost). */
function creatorOf({ deployer }: HolderReading): SecurityCreator {
  const { requests: _requests, ...creator } = deployer;
  return creator;
}
