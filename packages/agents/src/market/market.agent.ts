import { DEX_DEPLOYMENTS, dexQuoteTokens, type ChainClient } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { PermanentAgentError } from '../errors';
import { fetchPoolLogs, readBalance, readMarketSnapshot, SWAP_EVENTS, type PoolLogOptions } from '../dex';
import type { Agent, AgentContext } from '../types';
import { MarketParams, MarketResult } from './market-contract';
import { BURN_ADDRESSES, marketData, swapCoverage } from './market-data';
import type { PerWindow } from './market-figures';
import { readMarketHistory } from './market-history';
import { marketFindings, marketSummary } from './market-report';
import { trailingWindows } from './windows';

export { BURN_ADDRESSES };

/**
 * The Swap log scan's budget. 24 hours are 7,200 blocks on Ethereum but 115,000 on BSC and
 * 345,000 on Arbitrum: behind a public node's 1,000-block cap that is 346 pages. Past the budget
 * the scan keeps the newest blocks it read whole and the result says which (`swapHistory`), so a
 * long window on a fast chain narrows instead of failing the job.
 */
export const MARKET_SWAP_LOG_BUDGET = { maxRequests: 256, maxLogs: 100_000 } as const;

/** Options for `createMarketAgent`. */
export interface MarketAgentOptions {
  /**
   * Budget of the Swap log scan (see `MARKET_SWAP_LOG_BUDGET`); tests shrink it to force a narrowed window.
   * @default MARKET_SWAP_LOG_BUDGET, 5,000-block pages
   */
  swapLogs?: Pick<PoolLogOptions, 'maxRequests' | 'maxLogs' | 'maxBlockRange'>;
}

/**
 * DexScreener's pair figures for one token, computed from the chain at one block: every Uniswap
 * V2/V3 pool (and fork listed in `DEX_DEPLOYMENTS`) and Solidly (Aerodrome/Velodrome V2) pool,
 * volatile and stable, of the token against the network's quote tokens, prices from reserves (a
 * stable pool's on its curve) and `sqrtPriceX96`, USD through stablecoins checked against each
 * other (the wrapped native token through its deepest stablecoin pool), volume and buy/sell counts
 * from Swap logs, price change from pool state at each window's start block (found by block
 * timestamps), FDV and market cap.
 *
 * Round trips: latest block; then the factory lookups and metadata (1), pool states and Solidly fees (1) and the
 * block-time search (2–4 batched rounds) side by side; then Swap logs and past prices together (1,
 * more when the node caps spans: see `MARKET_SWAP_LOG_BUDGET`); one header more when the scan was
 * narrowed.
 */
export function createMarketAgent(options: MarketAgentOptions = {}): Agent<MarketParams, MarketResult> {
  const swapLogBudget = { ...MARKET_SWAP_LOG_BUDGET, ...options.swapLogs };
  return {
    name: 'market',
    params: MarketParams,
    result: MarketResult,
    run: (params, ctx) => analyse(params, ctx, swapLogBudget),
  };
}

export const marketAgent = createMarketAgent();

async function analyse(params: MarketParams, ctx: AgentContext, swapLogBudget: NonNullable<MarketAgentOptions['swapLogs']>): Promise<MarketResult> {
  const target = checksummedAddress(params.address, 'address');
  const deployment = DEX_DEPLOYMENTS[params.network];
  const quotes = quotesAsked(params, deployment);
  ctx.signal.throwIfAborted();
  const client = ctx.chain.get(params.network);

  // 1. The pinned block.
  const latest = await abortable(client.getBlock({ blockTag: 'latest' }), ctx.signal);
  const blockNumber = latest.number;
  // 2. Window start blocks, pools and pegs, burned supply.
  const [{ windows }, snapshot, burned] = await abortable(
    Promise.all([
      trailingWindows(client, { number: blockNumber, timestamp: latest.timestamp }),
      readMarketSnapshot(client, deployment, target, quotes, blockNumber),
      Promise.all(BURN_ADDRESSES.map((holder) => readBalance(client, target, holder, blockNumber))),
    ]),
    ctx.signal,
  );
  if (snapshot.token.decimals === null || snapshot.token.totalSupply === null) {
    throw new PermanentAgentError('invalid_params', `address: ${target} is not an ERC-20 token (decimals()/totalSupply() did not answer)`, 'address');
  }
  // 3. Swap logs over 24 h (or their newest part within the budget) and prices at the window starts.
  const fromBlocks: PerWindow<bigint> = { h1: windows.h1.fromBlock, h6: windows.h6.fromBlock, h24: windows.h24.fromBlock };
  const [swapLogs, history] = await abortable(
    Promise.all([
      fetchPoolLogs(client, snapshot.pools.map((p) => p.ref), SWAP_EVENTS, fromBlocks.h24, blockNumber, { ...swapLogBudget, keepNewest: true, signal: ctx.signal }),
      readMarketHistory(client, snapshot.pools, snapshot.nativeUsd.anchor, windows),
    ]),
    ctx.signal,
  );
  // 4. When the scan was narrowed: when its first block was mined.
  const coveredAt = await abortable(coveredTimestamp(client, swapLogs.coveredFrom, fromBlocks.h24, windows.h24.fromTimestamp), ctx.signal);

  const coverage = swapCoverage(swapLogs, fromBlocks.h24, blockNumber, coveredAt);
  const data = marketData({ deployment, target, latest, snapshot, windows, fromBlocks, swapLogs, history, coverage, burned });
  const facts = { network: params.network, blockNumber, deployment, data, historyUnavailable: history.unavailable };
  ctx.logger.debug(
    { network: params.network, target, blockNumber: blockNumber.toString(), pools: data.pools.length, swapLogRequests: swapLogs.requests, coveredFrom: swapLogs.coveredFrom.toString() },
    'market agent read',
  );
  return {
    agent: 'market',
    network: params.network,
    target,
    blockNumber: blockNumber.toString(),
    generatedAt: ctx.now().toISOString(),
    summary: marketSummary(facts),
    findings: marketFindings(facts),
    data,
  };
}

/** The quote tokens to look pools up against: the one asked for (if it is one of the network's), else all. */
function quotesAsked(params: MarketParams, deployment: (typeof DEX_DEPLOYMENTS)[keyof typeof DEX_DEPLOYMENTS]): Address[] {
  const allQuotes = dexQuoteTokens(deployment).map((q) => q.address);
  if (params.quote === undefined) return allQuotes;
  const quote = checksummedAddress(params.quote, 'quote');
  if (!allQuotes.includes(quote)) {
    throw new PermanentAgentError('invalid_params', `quote: must be one of the ${params.network} quote tokens: ${allQuotes.join(', ')}`, 'quote');
  }
  return [quote];
}

/** The timestamp of the first block read: known already unless the scan was narrowed. */
async function coveredTimestamp(client: ChainClient, coveredFrom: bigint, windowFrom: bigint, windowFromTimestamp: bigint): Promise<bigint> {
  if (coveredFrom <= windowFrom) return windowFromTimestamp;
  return (await client.getBlock({ blockNumber: coveredFrom })).timestamp;
}
