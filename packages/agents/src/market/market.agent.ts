import { DEX_DEPLOYMENTS, dexQuoteTokens, divRatio, formatRatio, mulRatio, ratioToNumber, unitsRatio, type Ratio } from '@oca/chain';
import { getAddress, zeroAddress, type Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { PermanentAgentError } from '../errors';
import { decodeSwap, fetchPoolLogs, percentChange, poolPriceUsd, quoteDepthUsd, readBalance, readMarketSnapshot, V2_SWAP, V3_SWAP, type PricedPool, type SwapFill } from '../dex';
import type { Agent, AgentContext } from '../types';
import { MarketParams, MarketResult, type MarketData, type MarketPool } from './market-contract';
import { poolFigures, sumOrNull, WINDOWS, type PerWindow } from './market-figures';
import { pastUsd, readMarketHistory } from './market-history';
import { marketFindings, marketSummary } from './market-report';
import { trailingWindows } from './windows';

/** Burn sinks left out of circulating supply. */
export const BURN_ADDRESSES: readonly Address[] = [zeroAddress, '0x000000000000000000000000000000000000dEaD'];

/**
 * DexScreener's pair figures for one token, computed from the chain at one block: every Uniswap
 * V2/V3 pool of the token against the network's quote tokens (`DEX_DEPLOYMENTS`), prices from
 * reserves and `sqrtPriceX96`, USD through stablecoins (the wrapped native token through its
 * deepest stablecoin pool), volume and buy/sell counts from Swap logs, price change from pool
 * state at each window's start block (found by block timestamps), FDV and market cap.
 *
 * Round trips: latest block; then the factory lookups and metadata (1), pool states (1) and the
 * block-time search (2–4 batched rounds) side by side; then Swap logs and past prices together (1).
 */
export const marketAgent: Agent<MarketParams, MarketResult> = {
  name: 'market',
  params: MarketParams,
  result: MarketResult,

  async run(params: MarketParams, ctx: AgentContext): Promise<MarketResult> {
    const target = checksummedAddress(params.address, 'address');
    const deployment = DEX_DEPLOYMENTS[params.network];
    const allQuotes = dexQuoteTokens(deployment).map((q) => q.address);
    let quotes = allQuotes;
    if (params.quote !== undefined) {
      const quote = checksummedAddress(params.quote, 'quote');
      if (!allQuotes.includes(quote)) {
        throw new PermanentAgentError('invalid_params', `quote: must be one of the ${params.network} quote tokens: ${allQuotes.join(', ')}`, 'quote');
      }
      quotes = [quote];
    }
    ctx.signal.throwIfAborted();
    const client = ctx.chain.get(params.network);

    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), ctx.signal);
    const blockNumber = latest.number;
    const [{ windows }, snapshot, burned] = await abortable(
      Promise.all([
        trailingWindows(client, { number: blockNumber, timestamp: latest.timestamp }),
        readMarketSnapshot(client, deployment, target, quotes, blockNumber),
        Promise.all(BURN_ADDRESSES.map((holder) => readBalance(client, target, holder, blockNumber))),
      ]),
      ctx.signal,
    );
    const { token } = snapshot;
    if (token.decimals === null || token.totalSupply === null) {
      throw new PermanentAgentError('invalid_params', `address: ${target} is not an ERC-20 token (decimals()/totalSupply() did not answer)`, 'address');
    }

    const fromBlocks: PerWindow<bigint> = { h1: windows.h1.fromBlock, h6: windows.h6.fromBlock, h24: windows.h24.fromBlock };
    const [swapLogs, history] = await abortable(
      Promise.all([
        fetchPoolLogs(client, snapshot.pools.map((p) => p.ref), [V2_SWAP, V3_SWAP], fromBlocks.h24, blockNumber, ctx.signal),
        readMarketHistory(client, snapshot.pools, snapshot.nativeUsd.anchor, windows),
      ]),
      ctx.signal,
    );

    const fillsByPool = new Map<string, SwapFill[]>();
    const byAddress = new Map(snapshot.pools.map((p) => [p.ref.address.toLowerCase(), p]));
    for (const log of swapLogs.logs) {
      const pool = byAddress.get(log.address.toLowerCase());
      const fill = pool ? decodeSwap(log, pool.ref) : null;
      if (!pool || !fill) continue;
      const list = fillsByPool.get(pool.ref.address.toLowerCase()) ?? [];
      list.push(fill);
      fillsByPool.set(pool.ref.address.toLowerCase(), list);
    }

    // Deepest first, by the quote side's USD value (pools without a USD price last).
    const ranked = [...snapshot.pools].sort((a, b) => (quoteDepthUsd(b) ?? -1) - (quoteDepthUsd(a) ?? -1));
    const pools: MarketPool[] = ranked.map(
      (pool) =>
        poolFigures(pool, fillsByPool.get(pool.ref.address.toLowerCase()) ?? [], {
          fromBlocks,
          pastPrices: history.pools.get(pool.ref.address.toLowerCase()) ?? { h1: undefined, h6: undefined, h24: undefined },
        }).figures,
    );

    const isStable = (a: Address) => deployment.usdStables.some((s) => s.address === a);
    const primary: PricedPool | undefined = ranked.find((p) => p.state.price !== null && (p.quoteUsd !== null || p.ref.quote === deployment.wrappedNative.address));
    const priceUsd: Ratio | null = primary ? poolPriceUsd(primary) : null;
    const nativePrice = snapshot.nativeUsd.price;
    const priceNative: Ratio | null = !primary
      ? null
      : primary.ref.quote === deployment.wrappedNative.address
        ? primary.state.price
        : priceUsd && nativePrice
          ? divRatio(priceUsd, nativePrice)
          : null;
    const primaryHistory = primary ? history.pools.get(primary.ref.address.toLowerCase()) : undefined;
    const priceChange = Object.fromEntries(
      WINDOWS.map((w) => [
        w,
        primary && primaryHistory ? percentChange(priceUsd, pastUsd(primaryHistory[w], history.nativeUsd[w], isStable(primary.ref.quote))) : null,
      ]),
    ) as PerWindow<number | null>;

    const excluded = BURN_ADDRESSES.map((address, i) => ({ address, balance: burned[i] ?? 0n }));
    const circulating = token.totalSupply - excluded.reduce((sum, e) => sum + e.balance, 0n);
    const usdOf = (raw: bigint): number | null => (priceUsd ? ratioToNumber(mulRatio(unitsRatio(raw, token.decimals!), priceUsd)) : null);

    const data: MarketData = {
      token: { address: target, name: token.name, symbol: token.symbol, decimals: token.decimals, totalSupply: token.totalSupply.toString() },
      blockTimestamp: Number(latest.timestamp),
      nativeUsd: {
        token: deployment.wrappedNative.address,
        symbol: deployment.wrappedNative.symbol,
        priceUsd: nativePrice ? formatRatio(nativePrice) : null,
        anchorPool: snapshot.nativeUsd.anchor ? getAddress(snapshot.nativeUsd.anchor.ref.address) : null,
      },
      primaryPool: primary?.ref.address ?? null,
      priceNative: priceNative ? formatRatio(priceNative) : null,
      priceUsd: priceUsd ? formatRatio(priceUsd) : null,
      liquidity: {
        usd: sumOrNull(pools.map((p) => p.liquidity.usd)),
        base: pools.reduce((sum, p) => sum + p.liquidity.base, 0),
        quoteUsd: sumOrNull(ranked.map((p) => quoteDepthUsd(p))),
      },
      volume: Object.fromEntries(WINDOWS.map((w) => [w, sumOrNull(pools.map((p) => p.volume[w]))])) as PerWindow<number | null>,
      txns: Object.fromEntries(
        WINDOWS.map((w) => [w, { buys: pools.reduce((n, p) => n + p.txns[w].buys, 0), sells: pools.reduce((n, p) => n + p.txns[w].sells, 0) }]),
      ) as MarketData['txns'],
      priceChange,
      fdv: usdOf(token.totalSupply),
      marketCap: usdOf(circulating),
      supply: {
        total: token.totalSupply.toString(),
        circulating: circulating.toString(),
        excluded: excluded.map((e) => ({ address: e.address, balance: e.balance.toString() })),
      },
      windows: Object.fromEntries(
        WINDOWS.map((w) => [w, { fromBlock: windows[w].fromBlock.toString(), fromTimestamp: Number(windows[w].fromTimestamp) }]),
      ) as MarketData['windows'],
      pools,
    };
    const facts = { network: params.network, blockNumber, deployment, data, historyUnavailable: history.unavailable };
    ctx.logger.debug(
      { network: params.network, target, blockNumber: blockNumber.toString(), pools: pools.length, swapLogRequests: swapLogs.requests },
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
  },
};
