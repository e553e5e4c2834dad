import { DEX_DEPLOYMENTS, formatRatio, labelOf, ratioToNumber, TraceFilterHistory, type ChainClient, type Ratio } from '@oca/chain';
import { parseAbi, type Address } from 'viem';
import { abortable } from '../abort';
import { checksummedAddress } from '../checksum';
import { readOrNull, readTokenMeta, readUsdPrices } from '../dex';
import { PermanentAgentError } from '../errors';
import type { Agent, AgentContext } from '../types';
import { gini, holdersForHalf, percentOf } from '../tokens/concentration';
import { NftParams, NftResult, type NftData, type NftSale } from './nft-contract';
import { nftFindings, nftSummary } from './nft-report';
import type { NftTransfer } from '../tokens/nft-transfer-log';
import { isBurn, isMint, readNftHistory, replayHoldings } from './nft-transfers';
import { MetadataFetcher } from './metadata-fetch';
import { openRarity, readMetadata, type Trait } from './rarity';
import { nativeValue, readSales } from './sales';
import { readFunding, washFilters } from './wash';

const ERC165_ABI = parseAbi([
  'function supportsInterface(bytes4 id) view returns (bool)',
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function totalSupply() view returns (uint256)',
  'function ownerOf(uint256 id) view returns (address)',
]);
const ERC721_ID = '0x80ac58cd';
const ERC1155_ID = '0xd9b67a26';
/** Sales the floor is taken over: the most recent ones with a native value. */
export const FLOOR_SALES = 10;
const DAY = 86_400n;

/**
 * An NFT collection from the chain at one block:
 *
 * 1. the block; the standard by ERC-165, name, symbol, totalSupply;
 * 2. every Transfer / TransferSingle / TransferBatch from the creation block (the log pager);
 * 3. holdings replayed from them; mint days from the mint blocks' timestamps;
 * 4. sales: a receipt and the transaction for each transaction moving a token between holders
 *    (`sales.ts`), valued in native and USD through the DEX prices (`dex/`);
 * 5. tokenURI per token → OpenRarity scores (`rarity.ts`);
 * 6. first funders of the traders (trace_filter) → Dune's wash filters (`wash.ts`).
 *
 * Listings live off-chain (marketplace order books) and are not seen: the floor is that of recent sales.
 */
export const nftAgent: Agent<NftParams, NftResult> = {
  name: 'nft',
  params: NftParams,
  result: NftResult,

  async run(params: NftParams, ctx: AgentContext): Promise<NftResult> {
    const collection = checksummedAddress(params.collection, 'collection');
    const { signal } = ctx;
    signal.throwIfAborted();
    const client = ctx.chain.get(params.network);
    const deployment = DEX_DEPLOYMENTS[params.network];
    const wrapped = deployment.wrappedNative.address;

    // 1. Block and identity.
    const latest = await abortable(client.getBlock({ blockTag: 'latest' }), signal);
    const blockNumber = latest.number;
    const read = <F extends 'supportsInterface' | 'name' | 'symbol' | 'totalSupply'>(functionName: F, args?: readonly unknown[]) =>
      readOrNull(client, { address: collection, abi: ERC165_ABI, functionName, args, blockNumber } as never) as Promise<unknown>;
    const [is721, is1155, name, symbol, totalSupply] = await abortable(
      Promise.all([read('supportsInterface', [ERC721_ID]), read('supportsInterface', [ERC1155_ID]), read('name'), read('symbol'), read('totalSupply')]),
      signal,
    );
    const standard = is721 === true ? 'ERC721' : is1155 === true ? 'ERC1155' : null;
    if (standard === null) {
      throw new PermanentAgentError('invalid_params', `collection: ${collection} is not an ERC-721 or ERC-1155 contract (supportsInterface answered neither)`, 'collection');
    }

    // 2–3. History and holdings.
    const history = await abortable(readNftHistory(client, collection, blockNumber, signal), signal);
    const { byAccount, ownerOf } = replayHoldings(history.transfers);
    const mints = history.transfers.filter(isMint);
    const burns = history.transfers.filter((t) => isBurn(t) && !isMint(t));
    const liveIds = [...new Set(mints.map((t) => t.tokenId))].filter((id) => !(standard === 'ERC721' && isBurnedOwner(ownerOf.get(id)))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    // 4–5. Sales, prices, metadata (independent reads, one batch). The fetcher's budgets are this job's.
    const metadataFetcher = new MetadataFetcher(ctx.metadata ?? {}, signal);
    const [scan, mintStamps, metadata] = await abortable(
      Promise.all([
        readSales(client, collection, history.transfers, signal),
        blockTimes(client, [...new Set(mints.map((m) => m.blockNumber))]),
        readMetadata(client, collection, standard, liveIds, blockNumber, metadataFetcher),
      ]),
      signal,
    );
    const currencies = [...new Set(scan.sales.map((s) => s.currency).filter((c): c is Address => c !== null && c !== wrapped))];
    const [prices, metas] = await abortable(
      Promise.all([readUsdPrices(client, deployment, [wrapped, ...currencies], blockNumber), Promise.all(currencies.map((c) => readTokenMeta(client, c, blockNumber)))]),
      signal,
    );
    const nativeUsd = prices.native.priceUsd;
    const tokenInfo = new Map(currencies.map((c, i) => [c, { usd: prices.tokens.get(c.toLowerCase())?.priceUsd ?? null, decimals: metas[i]!.decimals, symbol: metas[i]!.symbol }]));

    // 6. Wash filters.
    const funding = await readFunding(
      new TraceFilterHistory(client),
      scan.sales,
      history.start.block,
      blockNumber,
      (a) => labelOf(params.network, a),
      async (addresses) => {
        const codes = await Promise.all(addresses.map((address) => client.getCode({ address, blockNumber })));
        return new Set(addresses.filter((_, i) => (codes[i] ?? '0x') !== '0x'));
      },
      signal,
    );
    const filters = washFilters(scan.sales, funding.funderOf);

    const sales: NftSale[] = scan.sales.map((s, i) => {
      const priceNative = nativeValue(s.price, s.currency, wrapped, s.currency ? tokenInfo.get(s.currency) : undefined, nativeUsd);
      return {
        transactionHash: s.transfer.transactionHash,
        blockNumber: s.transfer.blockNumber.toString(),
        timestamp: Number(s.timestamp),
        logIndex: s.transfer.logIndex,
        tokenId: s.transfer.tokenId.toString(),
        amount: s.transfer.amount.toString(),
        seller: s.seller,
        buyer: s.buyer,
        marketplace: s.marketplace,
        currency: s.currency,
        currencySymbol: s.currency === null ? 'native' : s.currency === wrapped ? deployment.wrappedNative.symbol : (tokenInfo.get(s.currency)?.symbol ?? null),
        price: s.price.toString(),
        priceNative: priceNative?.toString() ?? null,
        priceUsd: priceNative !== null && nativeUsd ? usdOf(priceNative, nativeUsd) : null,
        wash: filters[i]!,
      };
    });
    const newestFirst = [...sales].reverse();

    const holdersList = [...byAccount].sort((a, b) => (a[1] !== b[1] ? (a[1] > b[1] ? -1 : 1) : a[0].toLowerCase() < b[0].toLowerCase() ? -1 : 1));
    const held = holdersList.reduce((s, [, n]) => s + n, 0n);
    const balances = holdersList.map(([, n]) => n);
    const scored = metadata.filter((m): m is Extract<typeof m, { traits: Trait[] }> => 'traits' in m);
    const rarity = openRarity(scored);
    const rarityById = new Map(rarity.scores.map((r) => [r.tokenId, r]));
    const entry = (r: (typeof rarity.scores)[number]) => ({ tokenId: r.tokenId.toString(), rank: r.rank, score: round6(r.score), informationContent: round6(r.informationContent) });
    const supplyFromLogs = mints.reduce((s, t) => s + t.amount, 0n) - burns.reduce((s, t) => s + t.amount, 0n);

    const data: NftData = {
      collection: {
        address: collection,
        standard,
        name: typeof name === 'string' ? name : null,
        symbol: typeof symbol === 'string' ? symbol : null,
        supply: (typeof totalSupply === 'bigint' ? totalSupply : supplyFromLogs).toString(),
        supplySource: typeof totalSupply === 'bigint' ? 'totalSupply' : 'logs',
        minted: mints.length,
        burned: burns.length,
      },
      history: {
        fromBlock: history.start.block.toString(),
        toBlock: blockNumber.toString(),
        complete: history.start.proven,
        transferLogs: history.transfers.length,
        logRequests: history.requests,
      },
      holders: {
        count: holdersList.length,
        top: holdersList.slice(0, 20).map(([address, n]) => ({ address, tokens: n.toString(), percent: percentOf(n, held) })),
        top10Percent: percentOf(balances.slice(0, 10).reduce((s, b) => s + b, 0n), held),
        gini: gini(balances),
        holdersFor50Percent: holdersForHalf(balances, held),
      },
      mints: mintTimeline(mints, mintStamps),
      pricing: { nativeUsd: nativeUsd ? formatRatio(nativeUsd) : null, source: prices.native.source },
      sales: {
        count: sales.length,
        transactionsRead: scan.transactionsRead,
        transactionsSkipped: scan.transactionsSkipped,
        unpaidTransfers: scan.unpaidTransfers,
        windows: {
          day: salesWindow(sales, latest.timestamp - DAY, nativeUsd),
          week: salesWindow(sales, latest.timestamp - 7n * DAY, nativeUsd),
          month: salesWindow(sales, latest.timestamp - 30n * DAY, nativeUsd),
          all: salesWindow(sales, null, nativeUsd),
        },
        lastSale: newestFirst[0] ?? null,
        floor: floorOf(newestFirst),
        items: newestFirst.slice(0, 100),
      },
      rarity: {
        method: 'openrarity-information-content',
        scored: scored.length,
        entropy: round6(rarity.entropy),
        unfetched: {
          count: metadata.length - scored.length + Math.max(0, liveIds.length - metadata.length),
          items: metadata.filter((m) => 'error' in m).slice(0, 50).map((m) => ({ tokenId: m.tokenId.toString(), uri: m.uri, reason: (m as { error: string }).error })),
        },
        top: rarity.scores.slice(0, 20).map(entry),
      },
      wash: washSummary(sales, funding),
      token: null,
    };
    if (params.tokenId !== undefined) {
      const id = BigInt(params.tokenId);
      const meta = scored.find((m) => m.tokenId === id);
      const owner = standard === 'ERC721' ? ((await readOrNull(client, { address: collection, abi: ERC165_ABI, functionName: 'ownerOf', args: [id], blockNumber })) ?? null) : null;
      const r = rarityById.get(id);
      data.token = {
        tokenId: params.tokenId,
        owner,
        rarity: r ? entry(r) : null,
        traits: meta ? meta.traits.map((t) => ({ traitType: t.traitType, value: t.value })) : null,
        sales: newestFirst.filter((s) => s.tokenId === params.tokenId),
      };
    }
    const facts = { network: params.network, blockNumber, data };
    ctx.logger.debug(
      {
        network: params.network,
        target: collection,
        blockNumber: blockNumber.toString(),
        logRequests: history.requests,
        saleRequests: scan.requests,
        traceRequests: funding.requests,
        metadataFetches: metadataFetcher.fetchCount,
      },
      'nft agent read',
    );
    return {
      agent: 'nft',
      network: params.network,
      target: collection,
      blockNumber: blockNumber.toString(),
      generatedAt: ctx.now().toISOString(),
      summary: nftSummary(facts),
      findings: nftFindings(facts),
      data,
    };
  },
};

const isBurnedOwner = (owner: Address | undefined) => owner === undefined || owner === '0x0000000000000000000000000000000000000000' || owner === '0x000000000000000000000000000000000000dEaD';

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** USD of a wei amount at `nativeUsd` (USD per whole coin), cents rounded. */
export function usdOf(wei: bigint, nativeUsd: Ratio): number {
  return Math.round(ratioToNumber({ num: wei * nativeUsd.num * 100n, den: nativeUsd.den * 10n ** 18n })) / 100;
}

async function blockTimes(client: ChainClient, blocks: bigint[]): Promise<Map<bigint, bigint>> {
  const got = await Promise.all(blocks.map((blockNumber) => client.getBlock({ blockNumber })));
  return new Map(got.map((b) => [b.number, b.timestamp]));
}

function mintTimeline(mints: readonly NftTransfer[], stamps: ReadonlyMap<bigint, bigint>): NftData['mints'] {
  const perDay = new Map<string, number>();
  for (const m of mints) {
    const day = new Date(Number(stamps.get(m.blockNumber) ?? 0n) * 1000).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + Number(m.amount));
  }
  return {
    count: mints.reduce((s, m) => s + Number(m.amount), 0),
    firstBlock: mints[0]?.blockNumber.toString() ?? null,
    lastBlock: mints.at(-1)?.blockNumber.toString() ?? null,
    timeline: [...perDay].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, n]) => ({ day, mints: n })),
  };
}

function salesWindow(sales: readonly NftSale[], since: bigint | null, nativeUsd: Ratio | null): NftData['sales']['windows']['all'] {
  const inside = sales.filter((s) => since === null || BigInt(s.timestamp) > since);
  const volume = inside.reduce((sum, s) => sum + BigInt(s.priceNative ?? 0), 0n);
  return { count: inside.length, volumeNative: volume.toString(), volumeUsd: nativeUsd ? usdOf(volume, nativeUsd) : null };
}

function floorOf(newestFirst: readonly NftSale[]): NftData['sales']['floor'] {
  const recent = newestFirst.filter((s) => s.priceNative !== null).slice(0, FLOOR_SALES);
  if (recent.length === 0) return null;
  const low = recent.reduce((a, b) => (BigInt(b.priceNative!) < BigInt(a.priceNative!) ? b : a));
  return { basis: `lowest of the last ${recent.length} valued sales`, priceNative: low.priceNative!, priceUsd: low.priceUsd, tokenId: low.tokenId, transactionHash: low.transactionHash };
}

function washSummary(sales: readonly NftSale[], funding: { available: boolean; source: string | null; reason: string | null }): NftData['wash'] {
  const flagged = sales.filter((s) => s.wash.length > 0);
  const total = sales.reduce((s, x) => s + BigInt(x.priceNative ?? 0), 0n);
  const wash = flagged.reduce((s, x) => s + BigInt(x.priceNative ?? 0), 0n);
  const byFilter = { buyer_is_seller: 0, back_and_forth: 0, repeat_buyer: 0, common_funder: 0, flash_loan: 0 };
  for (const s of flagged) for (const f of s.wash) byFilter[f] += 1;
  return {
    flaggedSales: flagged.length,
    volumePercent: percentOf(wash, total),
    byFilter,
    funding: { available: funding.available, source: funding.source, reason: funding.reason },
    sales: flagged.map((s) => ({ transactionHash: s.transactionHash, tokenId: s.tokenId, seller: s.seller, buyer: s.buyer, priceNative: s.priceNative, filters: s.wash })),
  };
}

