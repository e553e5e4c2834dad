import { ChainClients } from '@oca/chain';
import {
  CRITTER_TRAITS,
  deployNftScenario,
  nftScenarioDocuments,
  PROVIDER_PROFILES,
  startIpfsGateway,
  startMainnetShapedAnvil,
  startRpcProxy,
  type IpfsGateway,
  type MainnetShapedAnvil,
  type NftScenario,
} from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext, OffchainMetadataOptions } from '../../src';
import { nftAgent } from '../../src/nft/nft.agent';
import { NftResult, type NftParams } from '../../src/nft/nft-contract';
import { pct, rarityTruth, readTruth, washTruth, type Truth } from './expected-nft';
import { gatewayTraits, readBadgeTruth } from './expected-nft-1155';

jest.setTimeout(120_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
let anvil: MainnetShapedAnvil;
let s: NftScenario;
let rpc: PublicClient;
let truth: Truth;
let result: NftResult;
let gateway: IpfsGateway;

function ctx(url: string, metadata?: OffchainMetadataOptions): AgentContext {
  return { chain: new ChainClients({ rpcUrls: { devnet: [url] } }), logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW, metadata };
}

async function nft(params: Partial<Omit<NftParams, 'network'>> = {}, url = anvil.rpcUrl, metadata?: OffchainMetadataOptions): Promise<NftResult> {
  const parsed = nftAgent.params.parse({ network: 'devnet', collection: s.collection, ...params });
  return NftResult.parse(await nftAgent.run(parsed, ctx(url, metadata)));
}

/** The local gateway, loopback allowed (as NFT_METADATA_ALLOW_PRIVATE_TARGETS does for tests). */
const viaGateway = (): OffchainMetadataOptions => ({ ipfsGateway: gateway.url, allowPrivate: true });

beforeAll(async () => {
  // Mainnet-shaped: history starts at block 18,000,000, so the scans must find the creation block.
  anvil = await startMainnetShapedAnvil();
  s = await deployNftScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  truth = await readTruth(rpc, s, anvil.firstBlock);
  result = await nft({ tokenId: '1' });
  gateway = await startIpfsGateway(nftScenarioDocuments({ tokenId: 19n, traits: CRITTER_TRAITS[18]! }));
});

afterAll(async () => {
  await gateway?.stop();
  await anvil?.stop();
});

const saleKey = (x: { transactionHash?: string; tx?: string; tokenId: string | bigint }) => `${x.transactionHash ?? x.tx}:${x.tokenId}`;

describe('nft agent on the devnet NFT scenario', () => {
  it('recognises an ERC-721 by ERC-165 and counts supply, holders and mints from the chain', () => {
    const { data } = result;
    expect(result).toMatchObject({ agent: 'nft', network: 'devnet', target: s.collection, blockNumber: s.endBlock.toString(), generatedAt: NOW.toISOString() });
    expect(data.collection).toEqual({ address: s.collection, standard: 'ERC721', name: 'OCA Critters', symbol: 'CRIT', supply: truth.supply.toString(), supplySource: 'totalSupply', minted: truth.mintCount, burned: 0 });
    expect(data.history).toMatchObject({ toBlock: s.endBlock.toString(), complete: true, transferLogs: truth.transferLogs });
    // Scanned from the collection's creation block: after the chain's first block, at or before the first mint.
    expect(BigInt(data.history.fromBlock)).toBeGreaterThan(anvil.firstBlock);
    expect(BigInt(data.history.fromBlock)).toBeLessThanOrEqual(BigInt(data.mints.firstBlock!));
    expect(truth.codeBefore(BigInt(data.history.fromBlock))).resolves.toBe(false);
    const held = truth.holders.reduce((a, h) => a + h.tokens, 0n);
    expect(data.holders.count).toBe(truth.holders.length);
    expect(data.holders.top.map((h) => [h.address, h.tokens, h.percent])).toEqual(truth.holders.slice(0, 20).map((h) => [h.address, h.tokens.toString(), pct(h.tokens, held)]));
    expect(data.holders.top10Percent).toBe(pct(truth.holders.slice(0, 10).reduce((a, h) => a + h.tokens, 0n), held));
    expect(data.mints.count).toBe(truth.mintCount);
    expect(data.mints.timeline).toEqual([...truth.mintsPerDay].sort().map(([day, mints]) => ({ day, mints })));
    expect(data.mints.timeline).toHaveLength(3);
  });

  it('reconstructs every sale from its transaction: Seaport events, WETH and dUSD transfers, ETH value; a gift is no sale', () => {
    const { sales } = result.data;
    expect(sales.count).toBe(truth.sales.length);
    expect(sales.unpaidTransfers).toBe(truth.unpaid);
    expect(sales.transactionsSkipped).toBe(0);
    const got = new Map(sales.items.map((x) => [saleKey(x), [x.seller, x.buyer, x.currency, x.price, x.timestamp]]));
    expect(got).toEqual(new Map(truth.sales.map((x) => [saleKey(x), [x.seller, x.buyer, x.currency, x.price.toString(), x.timestamp]])));
    // The chain says what the scenario meant to do: every sale, its parties and what the buyer paid.
    expect(new Map(truth.sales.map((x) => [x.tx, [x.seller, x.buyer, x.price]]))).toEqual(new Map(s.sales.map((x) => [x.transactionHash, [x.seller, x.buyer, x.price]])));
    expect(sales.items.some((x) => x.transactionHash === s.gift.transactionHash)).toBe(false);
    const kinds = new Map(s.sales.map((x) => [x.transactionHash, x.kind]));
    for (const x of sales.items) expect(x.marketplace).toBe(kinds.get(x.transactionHash as `0x${string}`)!.startsWith('seaport') ? 'seaport' : 'direct');
    expect(new Set(sales.items.map((x) => x.currencySymbol))).toEqual(new Set(['native', 'WETH', 'dUSD']));
  });

  it('values sales in native and USD at the pool price, by window, with the last sale and the floor of recent sales', () => {
    const { data } = result;
    expect(Math.abs(Number(data.pricing.nativeUsd) / truth.ethUsd - 1)).toBeLessThan(1e-9);
    const value = (x: (typeof truth.sales)[number]) => (x.currency === s.core.usd ? (Number(x.price) / 1e6 / truth.ethUsd) * 1e18 : Number(x.price));
    for (const item of data.sales.items) {
      const t = truth.sales.find((x) => saleKey(x) === saleKey(item))!;
      expect(Math.abs(Number(item.priceNative) / value(t) - 1)).toBeLessThan(1e-9);
      expect(Math.abs(item.priceUsd! - (value(t) / 1e18) * truth.ethUsd)).toBeLessThanOrEqual(0.01);
    }
    const end = Number(s.endTimestamp);
    const windows = { day: 1, week: 7, month: 30, all: 100_000 } as const;
    for (const [name, days] of Object.entries(windows) as [keyof typeof windows, number][]) {
      const inside = truth.sales.filter((x) => x.timestamp > end - days * 86_400);
      const volume = inside.reduce((a, x) => a + value(x), 0);
      const w = data.sales.windows[name];
      expect(w.count).toBe(inside.length);
      expect(Math.abs(Number(w.volumeNative) - volume)).toBeLessThanOrEqual(inside.length);
      expect(Math.abs(w.volumeUsd! - (volume / 1e18) * truth.ethUsd)).toBeLessThanOrEqual(0.01);
    }
    expect(data.sales.windows.month.count).toBe(2);
    const newest = [...truth.sales].sort((a, b) => b.timestamp - a.timestamp);
    expect(data.sales.lastSale).toMatchObject({ transactionHash: newest[0]!.tx, tokenId: newest[0]!.tokenId.toString() });
    const recent = newest.slice(0, 10).sort((a, b) => value(a) - value(b));
    expect(data.sales.floor).toMatchObject({ tokenId: recent[0]!.tokenId.toString(), transactionHash: recent[0]!.tx });
    expect(data.sales.floor!.basis).toContain('last 10');
  });

  it('scores rarity by OpenRarity from the on-chain metadata, and names the token it could not read', () => {
    const { rarity } = result.data;
    const t = rarityTruth(truth.traits);
    expect(rarity.scored).toBe(truth.traits.size);
    expect(rarity.entropy).toBeCloseTo(t.entropy, 5);
    const ranked = [...t.score].sort((a, b) => b[1] - a[1] || Number(a[0] - b[0]));
    expect(rarity.top.map((r) => r.tokenId)).toEqual(ranked.slice(0, 20).map(([id]) => id.toString()));
    for (const r of rarity.top) {
      expect(r.score).toBeCloseTo(t.score.get(BigInt(r.tokenId))!, 5);
      expect(r.informationContent).toBeCloseTo(t.ic.get(BigInt(r.tokenId))!, 5);
    }
    // The Gold Robot with a Crown is the rarest.
    expect(rarity.top[0]!.tokenId).toBe('17');
    expect(rarity.unfetched.count).toBe(truth.offchain.size);
    expect(rarity.unfetched.items).toEqual([...truth.offchain].map(([id, uri]) => ({ tokenId: id.toString(), uri, reason: 'ipfs metadata is not fetched: no IPFS gateway is configured' })));
    expect(result.findings.find((f) => f.title.startsWith('Metadata not read'))?.evidence).toContain(`token ${[...truth.offchain.keys()][0]}`);
  });

  it('flags wash trades by Dune’s filters and measures their share of volume', async () => {
    const expected = await washTruth(truth);
    const got = new Map(result.data.sales.items.map((x) => [x.transactionHash, x.wash as string[]]));
    expect(got).toEqual(expected);
    const flagged = result.data.sales.items.filter((x) => x.wash.length > 0);
    // The scenario's wash tokens, and nothing else; flash_loan flags the flash-loan sale alone.
    expect(new Set(flagged.map((x) => x.tokenId))).toEqual(new Set(['13', '14', '15', '16', s.flashSale.tokenId.toString()]));
    expect(flagged.filter((x) => x.wash.includes('flash_loan')).map((x) => [x.transactionHash, x.buyer, x.wash])).toEqual([[s.flashSale.transactionHash, s.flashSale.buyer, ['flash_loan']]]);
    const count = (f: string) => [...expected.values()].filter((x) => x.includes(f)).length;
    expect(result.data.wash.byFilter).toEqual({
      buyer_is_seller: count('buyer_is_seller'),
      back_and_forth: count('back_and_forth'),
      repeat_buyer: count('repeat_buyer'),
      common_funder: count('common_funder'),
      flash_loan: count('flash_loan'),
    });
    expect(Object.values(result.data.wash.byFilter).every((n) => n > 0)).toBe(true);
    expect(result.data.wash.funding).toEqual({ available: true, source: 'trace_filter', reason: null });
    const total = result.data.sales.items.reduce((a, x) => a + BigInt(x.priceNative!), 0n);
    const wash = flagged.reduce((a, x) => a + BigInt(x.priceNative!), 0n);
    expect(result.data.wash.volumePercent).toBe(pct(wash, total));
    expect(result.findings.find((f) => f.title.startsWith('Wash trading'))?.severity).toBe(result.data.wash.volumePercent >= 25 ? 'high' : 'medium');
  });

  it('fetches ipfs:// metadata through a configured gateway: the off-chain token is scored, ranks as recomputed', async () => {
    const r = await nft({}, anvil.rpcUrl, viaGateway());
    const [id19, uri19] = [...truth.offchain][0]!;
    const traits = new Map([...truth.traits, [id19, await gatewayTraits(gateway.url, uri19)]]);
    const t = rarityTruth(traits);
    expect(r.data.rarity.unfetched).toEqual({ count: 0, items: [] });
    expect(r.data.rarity.scored).toBe(traits.size);
    expect(r.data.rarity.entropy).toBeCloseTo(t.entropy, 5);
    const ranked = [...t.score].sort((a, b) => b[1] - a[1] || Number(a[0] - b[0]));
    expect(r.data.rarity.top.map((x) => x.tokenId)).toEqual(ranked.slice(0, 20).map(([id]) => id.toString()));
    for (const x of r.data.rarity.top) expect(x.score).toBeCloseTo(t.score.get(BigInt(x.tokenId))!, 5);
    expect(gateway.requests).toContain(`/ipfs/${uri19.slice('ipfs://'.length)}`);
    // Loopback not allowed: the SSRF guard refuses the gateway before connecting, and the token is named.
    const before = gateway.requests.length;
    const strict = await nft({}, anvil.rpcUrl, { ipfsGateway: gateway.url });
    expect(strict.data.rarity.unfetched.items).toEqual([{ tokenId: id19.toString(), uri: uri19, reason: expect.stringMatching(/^blocked by the SSRF guard: .*loopback/) }]);
    expect(gateway.requests.length).toBe(before);
    // A gateway that answers with something else than metadata JSON: named, not scored.
    const broken = await startIpfsGateway(new Map([[`/ipfs/${uri19.slice('ipfs://'.length)}`, '<html>rate limited</html>']]));
    try {
      const r2 = await nft({}, anvil.rpcUrl, { ipfsGateway: broken.url, allowPrivate: true });
      expect(r2.data.rarity.unfetched.items).toEqual([{ tokenId: id19.toString(), uri: uri19, reason: 'metadata is not JSON with an attributes list' }]);
      expect(r2.data.rarity.scored).toBe(truth.traits.size);
    } finally {
      await broken.stop();
    }
  });

  it('reads an ERC-1155: TransferSingle and TransferBatch, holders and supply by balance, sales, rarity of uri(id) {id} metadata', async () => {
    const b = await readBadgeTruth(rpc, s, anvil.firstBlock, gateway.url);
    const r = await nft({ collection: s.badges.address, tokenId: '3' }, anvil.rpcUrl, viaGateway());
    const { data } = r;
    expect(b.singleLogs).toBeGreaterThan(0);
    expect(b.batchLogs).toBe(2); // the batch mint and the batch sale
    expect(data.collection).toMatchObject({ address: s.badges.address, standard: 'ERC1155', name: 'OCA Badges', symbol: 'BADGE', supply: b.supply.toString(), supplySource: 'logs', burned: 0 });
    expect(data.mints.count).toBe(b.mintUnits);
    const units = b.holders.reduce((x, h) => x + h.units, 0n);
    expect(data.holders.count).toBe(b.holders.length);
    expect(data.holders.top.map((h) => [h.address, h.tokens, h.percent])).toEqual(b.holders.map((h) => [h.address, h.units.toString(), pct(h.units, units)]));
    // Sales: one per id moved for a payment; the gift is no sale.
    expect(data.sales.count).toBe(b.sales.length);
    expect(data.sales.unpaidTransfers).toBe(b.unpaid);
    const key = (x: { tokenId: string | bigint; transactionHash?: string; tx?: string }) => `${x.transactionHash ?? x.tx}:${x.tokenId}`;
    expect(new Map(data.sales.items.map((x) => [key(x), [x.seller, x.buyer, x.amount, x.currency, x.price, x.wash]]))).toEqual(
      new Map(b.sales.map((x) => [key(x), [x.seller, x.buyer, x.amount.toString(), null, x.price.toString(), []]])),
    );
    // What the scenario meant: its two sales (one a batch of two ids), paid what it says.
    expect(new Set(b.sales.map((x) => x.tx))).toEqual(new Set(s.badges.sales.map((x) => x.transactionHash)));
    for (const sale of s.badges.sales) expect(b.sales.filter((x) => x.tx === sale.transactionHash).reduce((x, y) => x + y.price, 0n)).toBe(sale.price);
    // Rarity over every id from ipfs:// metadata expanded from the {id} template, through the gateway.
    const t = rarityTruth(new Map([...b.metadata].map(([id, m]) => [id, m.traits])));
    expect(data.rarity).toMatchObject({ scored: b.ids.length, unfetched: { count: 0, items: [] } });
    const ranked = [...t.score].sort((x, y) => y[1] - x[1] || Number(x[0] - y[0]));
    expect(data.rarity.top.map((x) => [x.tokenId, x.rank])).toEqual(ranked.map(([id], i) => [id.toString(), ranked.findIndex(([, v]) => Math.abs(v - ranked[i]![1]) < 1e-12) + 1]));
    for (const x of data.rarity.top) expect(x.score).toBeCloseTo(t.score.get(BigInt(x.tokenId))!, 5);
    for (const m of b.metadata.values()) expect(gateway.requests).toContain(`/ipfs/${m.uri.slice('ipfs://'.length)}`);
    expect(data.token).toMatchObject({ tokenId: '3', owner: null, traits: [...b.metadata.get(3n)!.traits].map(([traitType, value]) => ({ traitType, value })) });
    expect(data.wash.flaggedSales).toBe(0);
  });

  it('reports one token: owner, traits, rarity and its sales', () => {
    const token = result.data.token!;
    expect(token.owner).toBe(truth.owners.get(1n));
    expect(token.traits).toEqual([...truth.traits.get(1n)!].map(([traitType, value]) => ({ traitType, value })));
    expect(token.rarity?.score).toBeCloseTo(rarityTruth(truth.traits).score.get(1n)!, 5);
    expect(token.sales.map((x) => x.transactionHash).sort()).toEqual(truth.sales.filter((x) => x.tokenId === 1n).map((x) => x.tx).sort());
  });

  it('says the first-funder filter did not run on a node without trace_filter, and keeps the others', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, unsupportedMethods: ['trace_filter'] });
    try {
      const r = await nft({}, proxy.url);
      expect(r.data.wash.funding.available).toBe(false);
      expect(r.data.wash.funding.reason).toContain('does not offer trace_filter');
      expect(r.data.wash.byFilter.common_funder).toBe(0);
      expect(r.data.wash.byFilter.repeat_buyer).toBe(result.data.wash.byFilter.repeat_buyer);
      expect(r.findings.some((f) => f.title === 'First-funder wash filter did not run')).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a contract that is neither ERC-721 nor ERC-1155', async () => {
    await expect(nft({ collection: s.core.weth })).rejects.toMatchObject({ code: 'invalid_params', field: 'collection' });
  });

  it('gives the same answer through each provider profile; round trips per analysis', async () => {
    // No test adds blocks, so the first analysis stands for the direct one (without its tokenId part).
    const direct = { ...result, data: { ...result.data, token: null } };
    const rows: string[] = [];
    for (const profile of Object.values(PROVIDER_PROFILES)) {
      const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, profile });
      try {
        const started = Date.now();
        const through = await nft({}, proxy.url);
        rows.push(`| ${profile.name} | ${proxy.requests.length} | ${proxy.calls().length} | ${proxy.refusals.logs} | ${Date.now() - started} ms |`);
        expect(through.data).toEqual(direct.data);
      } finally {
        await proxy.stop();
      }
    }
    console.log(['| profile | HTTP requests | JSON-RPC calls | getLogs refusals | wall time |', '|---|---|---|---|---|', ...rows].join('\n'));
  });
});
