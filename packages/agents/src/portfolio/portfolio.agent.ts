import { DEX_DEPLOYMENTS, dexQuoteTokens, type DexDeployment } from '@oca/chain';
import type { CostBasis, HoldingRisk, PortfolioHolding } from '@oca/contracts';
import type { Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { discoverPools, readTokenMeta, readUsdPrices } from '../dex';
import type { Agent, AgentContext } from '../types';
import { costBasisOf } from './cost-basis';
import { readTokenHoldings, readV3Holdings } from './holdings-read';
import { readNftHoldings } from './nft-holdings';
import { PortfolioParams, PortfolioResult, type PortfolioData } from './portfolio-contract';
import { portfolioFindings, portfolioSummary } from './portfolio-report';
import { NOT_CHECKED, quickRisk, RISK_CHECK_TOP } from './risk';
import { allocation, byValue, nativeHolding, tokenHolding, v3Holding, type PriceBook, type ValuedHolding } from './valuation';
import { readWalletHistory } from './wallet-history';

/**
 * What an address holds and what it is worth, at one block:
 *
 * 1. the block;
 * 2. the address's transfer history (ERC-20, ERC-721 and ERC-1155, either side, and WETH
 *    Deposits) through the log pager within a budget, its native balance and code;
 * 3. the balance of every token the history names (and the network's quote tokens), which of them
 *    are V2 pairs of a listed factory, the V3 position NFTs it still owns with their pools' state,
 *    and the other NFTs it still holds (`ownerOf`, `balanceOfBatch`), listed unpriced;
 * 4. USD prices the market agent's way (`readUsdPrices`) for every token and position part, and
 *    the pools of the tokens the checks look at (`discoverPools`);
 * 5. the security agent's quick checks (code, proxy, trade simulation) on the largest holdings'
 *    tokens and, for those, average-cost basis from the address's swaps (receipts).
 */
export const portfolioAgent: Agent<PortfolioParams, PortfolioResult> = {
  name: 'portfolio',
  params: PortfolioParams,
  result: PortfolioResult,

  async run(params: PortfolioParams, ctx: AgentContext): Promise<PortfolioResult> {
    const wallet = checksummedAddress(params.address, 'address');
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    const deployment = DEX_DEPLOYMENTS[params.network];
    const quotes = dexQuoteTokens(deployment).map((q) => q.address);

    // 1. The block every figure is read at.
    const blockNumber = await abortable(client.getBlockNumber({ cacheTime: 0 }), signal);
    // 2. History, native balance, code.
    const [history, nativeBalance, code] = await abortable(
      Promise.all([readWalletHistory(client, wallet, blockNumber, signal), client.getBalance({ address: wallet, blockNumber }), client.getCode({ address: wallet, blockNumber })]),
      signal,
    );
    // 3. Balances, V2 pairs, V3 positions, other NFTs.
    const [tokens, positions, nfts] = await abortable(
      Promise.all([
        readTokenHoldings(client, deployment, wallet, history.transfers, quotes, blockNumber),
        readV3Holdings(client, deployment, wallet, history.transfers, blockNumber),
        readNftHoldings(client, deployment, wallet, history.transfers, blockNumber),
      ]),
      signal,
    );
    // 4. Prices of every token and position part; metadata of position parts not held directly.
    const priced = [...new Set([...tokens.flatMap((t) => (t.pair ? [t.pair.token0, t.pair.token1] : [t.meta.address])), ...positions.flatMap((p) => [p.token0, p.token1])])];
    const metaKnown = new Map(tokens.map((t) => [t.meta.address.toLowerCase(), t.meta as Awaited<ReturnType<typeof readTokenMeta>>]));
    const [prices, partMetas] = await abortable(
      Promise.all([
        readUsdPrices(client, deployment, priced, blockNumber),
        Promise.all(priced.filter((t) => !metaKnown.has(t.toLowerCase())).map((t) => readTokenMeta(client, t, blockNumber))),
      ]),
      signal,
    );
    for (const m of partMetas) metaKnown.set(m.address.toLowerCase(), m);
    const book: PriceBook = { native: prices.native, tokens: prices.tokens, meta: metaKnown };
    const valued = [
      ...(nativeBalance > 0n ? [nativeHolding(nativeBalance, client.chain.nativeCurrency, prices.native)] : []),
      ...tokens.map((t) => tokenHolding(t, book, deployment)),
      ...positions.map((p) => v3Holding(p, book, deployment)),
    ].sort(byValue);

    // 5. Quick checks and cost basis on the largest holdings' tokens.
    const checkedTokens = [...new Set(valued.flatMap((h) => h.riskTokens))].slice(0, RISK_CHECK_TOP);
    const pools = new Map(
      await abortable(Promise.all(checkedTokens.map(async (t) => [t, await discoverPools(client, deployment, t, quotes, blockNumber)] as const)), signal),
    );
    const historyComplete = history.coveredFrom === history.fromBlock;
    const [risks, bases] = await abortable(
      Promise.all([
        Promise.all(checkedTokens.map((t) => quickRisk(client, t, pools.get(t)!, blockNumber))),
        Promise.all(
          tokens
            .filter((t) => !t.pair && checkedTokens.includes(t.meta.address))
            .map(async (t) => {
              const basis = await costBasisOf(
                client,
                deployment,
                {
                  wallet,
                  token: t.meta.address,
                  decimals: t.meta.decimals,
                  balance: t.balance,
                  priceUsd: prices.tokens.get(t.meta.address.toLowerCase())?.priceUsd ?? null,
                  pools: pools.get(t.meta.address)!,
                  transfers: history.transfers.filter((x) => x.contract === t.meta.address && x.kind === 'erc20'),
                  historyComplete,
                  blockNumber,
                },
                signal,
              );
              return [t.meta.address, basis] as const;
            }),
        ),
      ]),
      signal,
    );
    const riskOf = new Map(checkedTokens.map((t, i) => [t, risks[i]!]));
    const basisOf = new Map(bases);
    const pricedUsd = valued.reduce((s, h) => s + (h.valueUsd ?? 0), 0);
    const holdings: PortfolioHolding[] = valued.map(({ riskTokens, ...h }) => ({
      ...h,
      allocationPercent: allocation(h.valueUsd, pricedUsd),
      risk: riskColumn(h, riskTokens, riskOf, deployment),
      costBasis: basisOf.get(h.token as Address) ?? noBasis(h, deployment),
    }));
    const allocations = holdings.map((h) => h.allocationPercent).filter((a): a is number => a !== null);
    const data: PortfolioData = {
      address: wallet,
      isContract: code !== undefined && code !== '0x',
      history: {
        fromBlock: history.coveredFrom.toString(),
        toBlock: blockNumber.toString(),
        complete: historyComplete,
        transfers: history.transfers.length,
        contractsSeen: new Set(history.transfers.map((t) => t.contract)).size,
        logRequests: history.requests,
      },
      holdings,
      nfts: nfts.nfts,
      nftScan: { candidates: nfts.candidates, checked: nfts.checked },
      totals: {
        pricedUsd,
        pricedHoldings: holdings.filter((h) => h.valueUsd !== null).length,
        unpricedHoldings: holdings.filter((h) => h.valueUsd === null).length,
        largestAllocationPercent: allocations.length > 0 ? Math.max(...allocations) : null,
      },
      risk: { checkedTop: RISK_CHECK_TOP, checked: checkedTokens.length },
    };
    ctx.logger.debug({ network: params.network, target: wallet, blockNumber: blockNumber.toString(), transfers: history.transfers.length, logRequests: history.requests }, 'portfolio agent read');
    const facts = { network: params.network, blockNumber, data, uncheckedTokens: [...new Set(valued.flatMap((h) => h.riskTokens))].length - checkedTokens.length };
    return {
      agent: 'portfolio',
      network: params.network,
      target: wallet,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: portfolioSummary(facts),
      findings: portfolioFindings(facts),
      data,
    };
  },
};

/**
 * A holding's risk: its own token's checks, or for a position the worst of its non-quote tokens'
 * (a honeypot on either side makes the position one); quote tokens and the native coin are not checked.
 */
function riskColumn(h: Omit<ValuedHolding, 'riskTokens'>, riskTokens: readonly Address[], riskOf: ReadonlyMap<Address, HoldingRisk>, deployment: DexDeployment): HoldingRisk {
  if (h.kind === 'native') return NOT_CHECKED('The native coin: nothing to check.');
  if (riskTokens.length === 0) return NOT_CHECKED(`Only the network’s listed quote tokens (${dexQuoteTokens(deployment).map((q) => q.symbol).join(', ')}): not checked.`);
  const found = riskTokens.map((t) => riskOf.get(t)).filter((r): r is HoldingRisk => r !== undefined);
  if (found.length === 0) return NOT_CHECKED(`Outside the ${RISK_CHECK_TOP} largest holdings’ tokens the quick checks cover.`);
  const any = (f: (r: HoldingRisk) => boolean | null) => (found.some((r) => f(r) === true) ? true : found.every((r) => f(r) === false) ? false : null);
  const reason = found.find((r) => r.honeypot)?.honeypotReason ?? null;
  const taxes = found.map((r) => r.sellTax).filter((t): t is number => t !== null);
  const notes = found.map((r) => r.note).filter((n): n is string => n !== null);
  return {
    checked: true,
    honeypot: any((r) => r.honeypot),
    honeypotReason: reason,
    sellTax: taxes.length === found.length && taxes.length > 0 ? Math.max(...taxes) : null,
    mintable: any((r) => r.mintable),
    proxy: any((r) => r.proxy),
    note: found.length < riskTokens.length ? `Only ${found.length} of the ${riskTokens.length} tokens checked.` : notes.length > 0 ? notes.join(' ') : null,
  };
}

function noBasis(h: Omit<ValuedHolding, 'riskTokens'>, deployment: DexDeployment): CostBasis {
  const reason =
    h.kind === 'native'
      ? 'The native coin moves without logs: its purchases are not read.'
      : h.kind !== 'erc20'
        ? 'Liquidity positions: cost basis is not reconstructed (deposits are not purchases).'
        : dexQuoteTokens(deployment).some((q) => q.address === h.token)
          ? 'A quote token: swaps into it are sales of something else, and it is valued at its own price.'
          : `Outside the ${RISK_CHECK_TOP} largest holdings’ tokens whose swaps are read.`;
  return { available: false, reason };
}

