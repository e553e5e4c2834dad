import { DEX_DEPLOYMENTS, dexQuoteTokens, formatRatio, labelOf } from '@oca/chain';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { readMarketSnapshot, tokenPrice, type MarketSnapshot } from '../dex';
import { PermanentAgentError } from '../errors';
import type { Agent, AgentContext } from '../types';
import { cohortFlow, cohorts, exchangeInflowSpike, isWallet, largeTransfers, whaleMoves, type FlowBasis } from './flows';
import { fundingClusters, olderWalletsOn } from './funding';
import { concentrationOf, readHolderBook, topHolders } from './holders';
import { readTokenHistory } from '../tokens/token-history';
import { WhaleParams, WhaleResult, type WhaleData } from './whale-contract';
import { whaleFindings, whaleSummary } from './whale-report';
import { trailingWindow } from './whale-window';

/**
 * Who holds a token and what the large holders are doing, from the chain at one block:
 *
 * 1. the block;
 * 2. the token's pools and USD price (the market agent's pricing, `dex/`), its whole Transfer
 *    history from its creation block (the log pager, amounts kept) and the window's first block;
 * 3. every holder's balance (`balanceOf` at the block) and the largest holders' code, for kinds,
 *    and the creation block's time (the exchange-inflow baseline);
 * 4. the first funder of the largest unlabelled EOAs over the token's lifetime (`trace_filter`,
 *    else the configured Etherscan-compatible API: `ChainClients.history`; wallets older than the
 *    token are counted, not looked up), for clusters.
 *
 * Labels come from `ADDRESS_LABELS` in @oca/chain; what a source cannot answer (no trace API, no
 * USD price, a pruned node) the result says, never guesses.
 */
export const whaleAgent: Agent<WhaleParams, WhaleResult> = {
  name: 'whale',
  params: WhaleParams,
  result: WhaleResult,

  async run(params: WhaleParams, ctx: AgentContext): Promise<WhaleResult> {
    const token = checksummedAddress(params.token, 'token');
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    const deployment = DEX_DEPLOYMENTS[params.network];

    // 1. The block every figure is read at.
    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
    const blockNumber = latest.number;
    // 2. Pools and price, the Transfer history, the window.
    const [snapshot, history, window] = await abortable(
      Promise.all([
        readMarketSnapshot(client, deployment, token, dexQuoteTokens(deployment).map((q) => q.address), blockNumber),
        readTokenHistory(client, token, blockNumber, signal),
        trailingWindow(client, { number: blockNumber, timestamp: latest.timestamp }, params.lookbackHours),
      ]),
      signal,
    );
    const { decimals, totalSupply } = snapshot.token;
    if (decimals === null || totalSupply === null) {
      throw new PermanentAgentError('invalid_params', `token: ${token} is not an ERC-20 token (decimals()/totalSupply() did not answer)`, 'token');
    }
    const price = tokenPrice(snapshot, deployment);
    const pools = poolNames(snapshot);

    // 3. Balances and kinds.
    const [book, created] = await abortable(
      Promise.all([readHolderBook(client, params.network, token, history.transfers, pools, blockNumber), client.getBlock({ blockNumber: history.start.block })]),
      signal,
    );
    const concentration = concentrationOf(book, totalSupply);
    // 4. First funders of the largest unlabelled EOAs.
    const funding = await fundingClusters(
      ctx.chain.history(params.network),
      book.holders,
      totalSupply,
      { fromBlock: history.start.block, toBlock: blockNumber, olderWallets: olderWalletsOn(client) },
      (a) => labelOf(params.network, a),
      signal,
    );

    const inWindow = history.transfers.filter((t) => t.blockNumber >= window.fromBlock);
    const beforeWindow = history.transfers.filter((t) => t.blockNumber < window.fromBlock);
    const basis: FlowBasis = {
      decimals,
      totalSupply,
      circulating: concentration.circulating,
      priceUsd: price.usd,
      labelOf: (a) => labelOf(params.network, a)?.name ?? pools.get(a) ?? null,
    };
    const exchanges = new Set(history.transfers.flatMap((t) => [t.from, t.to]).filter((a) => labelOf(params.network, a)?.kind === 'exchange'));
    const groups = cohorts(book, exchanges, new Set(pools.keys()));
    const isPlumbing = (a: Address) => {
      const holder = book.byAddress.get(a);
      return holder ? !isWallet(holder) : labelOf(params.network, a) !== undefined || pools.has(a);
    };

    const data: WhaleData = {
      token: { address: token, name: snapshot.token.name, symbol: snapshot.token.symbol, decimals, totalSupply: totalSupply.toString() },
      priceUsd: price.usd ? formatRatio(price.usd) : null,
      pricePool: price.pool?.ref.address ?? null,
      history: { fromBlock: history.start.block.toString(), complete: history.start.proven, transfers: history.transfers.length, holders: book.holders.length },
      window: { hours: params.lookbackHours, fromBlock: window.fromBlock.toString(), fromTimestamp: Number(window.fromTimestamp), blockTimestamp: Number(latest.timestamp) },
      topHolders: topHolders(book, totalSupply),
      concentration: {
        circulatingSupply: concentration.circulatingSupply,
        top10Percent: concentration.top10Percent,
        gini: concentration.gini,
        holdersFor50Percent: concentration.holdersFor50Percent,
      },
      largeTransfers: largeTransfers(inWindow, basis, params.minUsd),
      cohorts: {
        topHolders: cohortFlow(inWindow, groups.topHolders, basis),
        exchanges: cohortFlow(inWindow, groups.exchanges, basis),
        pools: cohortFlow(inWindow, groups.pools, basis),
      },
      whaleMoves: whaleMoves(inWindow, book, basis, isPlumbing),
      funding: {
        available: funding.available,
        source: funding.source,
        reason: funding.reason,
        analysed: funding.analysed,
        fromBlock: funding.fromBlock,
        olderWallets: funding.olderWallets,
        clusters: funding.clusters,
      },
    };
    const exchangeInflow = exchangeInflowSpike(
      beforeWindow,
      inWindow,
      exchanges,
      { before: window.fromTimestamp - created.timestamp, window: latest.timestamp - window.fromTimestamp },
      concentration.circulating,
    );
    const facts = { network: params.network, blockNumber, data, exchangeInflow };
    ctx.logger.debug(
      { network: params.network, target: token, blockNumber: blockNumber.toString(), transfers: history.transfers.length, logRequests: history.requests, traceRequests: funding.requests },
      'whale agent read',
    );
    return {
      agent: 'whale',
      network: params.network,
      target: token,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: whaleSummary(facts),
      findings: whaleFindings(facts),
      data,
    };
  },
};

/** The token's pools by address, with a name for labels ("uniswap-v2 WHL/WETH pool"). */
function poolNames(snapshot: MarketSnapshot): Map<Address, string> {
  const base = snapshot.token.symbol ?? 'token';
  return new Map(snapshot.pools.map((p) => [p.ref.address, `${p.ref.dex}${p.ref.feeTier !== null ? ` ${p.ref.feeTier / 10_000} %` : ''} ${base}/${p.quoteSymbol ?? p.ref.quote} pool`]));
}
