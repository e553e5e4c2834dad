import { HistoryUnavailableError, LogBudgetExceededError, ratio, type AddressHistory, type NativeTransfer } from '@oca/chain';
import { encodeAbiParameters, encodeEventTopics, getAddress, keccak256, pad, parseAbiItem, toHex, zeroAddress, type Address, type Hash, type Hex } from 'viem';
import type { NftData } from './nft-contract';
import { nftFindings, nftSummary } from './nft-report';
import { decodeNftTransfer, TRANSFER_BATCH_TOPIC, TRANSFER_SINGLE_TOPIC, type NftTransfer } from '../tokens/nft-transfer-log';
import { replayHoldings } from './nft-transfers';
import { openRarity, parseMetadataUri, traitsOf, MAX_METADATA_BYTES } from './rarity';
import { nativeValue, ORDER_FULFILLED_TOPIC, salesOfTransaction, type RawSale } from './sales';
import { TRANSFER_TOPIC } from '../tokens/transfer-scan';
import { readFunding, washFilters } from './wash';

// Pure functions over hand-made logs and sales; `readFunding` runs over a stub AddressHistory
// (the seam where trace_filter would answer) and a stub code reader.

const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }));
const [A, B, C, F, NFT, WETH, USD] = [addr(0xa), addr(0xb), addr(0xc), addr(0xf), addr(0x721), addr(0xe7), addr(0x5d)];
const TX = `0x${'22'.repeat(32)}` as Hash;
const topic = (a: Address) => pad(a, { size: 32 });
const at = { blockNumber: '0x10' as Hex, logIndex: '0x1' as Hex, transactionHash: TX };
const move = (from: Address, to: Address, tokenId = 1n): NftTransfer => ({ from, to, tokenId, amount: 1n, blockNumber: 16n, logIndex: 1, transactionHash: TX });

describe('transfer logs', () => {
  it('decodes ERC-721 Transfers, ERC-1155 singles and batches, and skips ERC-20 and malformed logs', () => {
    expect(decodeNftTransfer({ topics: [TRANSFER_TOPIC, topic(A), topic(B), pad(toHex(7n))], data: '0x', ...at })).toEqual([move(A, B, 7n)].map((m) => ({ ...m, tokenId: 7n })));
    const single = encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [5n, 3n]);
    expect(decodeNftTransfer({ topics: [TRANSFER_SINGLE_TOPIC, topic(C), topic(A), topic(B)], data: single, ...at })[0]).toMatchObject({ from: A, to: B, tokenId: 5n, amount: 3n });
    const batch = encodeAbiParameters([{ type: 'uint256[]' }, { type: 'uint256[]' }], [[1n, 2n], [10n, 20n]]);
    expect(decodeNftTransfer({ topics: [TRANSFER_BATCH_TOPIC, topic(C), topic(A), topic(B)], data: batch, ...at }).map((t) => [t.tokenId, t.amount])).toEqual([
      [1n, 10n],
      [2n, 20n],
    ]);
    expect(decodeNftTransfer({ topics: [TRANSFER_TOPIC, topic(A), topic(B)], data: pad('0x01'), ...at })).toEqual([]);
    expect(decodeNftTransfer({ topics: [TRANSFER_BATCH_TOPIC, topic(C), topic(A), topic(B)], data: '0x1234', ...at })).toEqual([]);
    expect(decodeNftTransfer({ topics: [TRANSFER_TOPIC, topic(A), topic(B), pad('0x01')], data: '0x', ...at, blockNumber: null })).toEqual([]);
  });

  it('replays holdings: mints and burns are no holders, a token’s owner is its last receiver', () => {
    const { byAccount, ownerOf } = replayHoldings([move(zeroAddress, A, 1n), move(zeroAddress, A, 2n), move(A, B, 1n), move(A, zeroAddress, 2n)]);
    expect([...byAccount]).toEqual([[B, 1n]]);
    expect(ownerOf.get(1n)).toBe(B);
    expect(ownerOf.get(2n)).toBe(zeroAddress);
  });
});

describe('sales from a transaction', () => {
  const ORDER = parseAbiItem(
    'event OrderFulfilled(bytes32 orderHash, address indexed offerer, address indexed zone, address recipient, (uint8 itemType, address token, uint256 identifier, uint256 amount)[] offer, (uint8 itemType, address token, uint256 identifier, uint256 amount, address recipient)[] consideration)',
  );
  const orderLog = (offer: { itemType: number; token: Address; identifier: bigint; amount: bigint }[], consideration: { itemType: number; token: Address; identifier: bigint; amount: bigint; recipient: Address }[]) => ({
    topics: encodeEventTopics({ abi: [ORDER], eventName: 'OrderFulfilled', args: { offerer: A, zone: zeroAddress } }) as Hex[],
    data: encodeAbiParameters(ORDER.inputs.filter((i) => !('indexed' in i && i.indexed)), [keccak256('0x01'), B, offer, consideration]),
    ...at,
  });

  it('prices an accepted bid by the offer’s WETH, split over the tokens it bought', () => {
    const log = orderLog(
      [{ itemType: 1, token: WETH, identifier: 0n, amount: 10n }],
      [
        { itemType: 2, token: NFT, identifier: 1n, amount: 1n, recipient: A },
        { itemType: 2, token: NFT, identifier: 2n, amount: 1n, recipient: A },
      ],
    );
    expect(log.topics[0]).toBe(ORDER_FULFILLED_TOPIC);
    const sales = salesOfTransaction(NFT, [move(B, A, 1n), move(B, A, 2n)], [log], { from: B, value: 0n }, 100n);
    expect(sales.map((s) => [s.marketplace, s.currency, s.price])).toEqual([
      ['seaport', WETH, 5n],
      ['seaport', WETH, 5n],
    ]);
  });

  it('flags a flash loan in the transaction, pays by ERC-20 then by value, and calls an unpaid move no sale', () => {
    const flash = { topics: [keccak256(new TextEncoder().encode('FlashLoan(address,address,uint256,uint256)'))], data: '0x' as Hex, ...at };
    const paid = { address: USD, topics: [TRANSFER_TOPIC, topic(B), topic(A)], data: pad(toHex(700n)), ...at };
    const [usdSale] = salesOfTransaction(NFT, [move(A, B)], [flash, paid], { from: B, value: 0n }, 1n);
    expect(usdSale).toMatchObject({ marketplace: 'direct', currency: USD, price: 700n, flashLoan: true });
    expect(salesOfTransaction(NFT, [move(A, B)], [], { from: B, value: 9n }, 1n)[0]).toMatchObject({ currency: null, price: 9n, flashLoan: false });
    expect(salesOfTransaction(NFT, [move(A, B)], [], { from: C, value: 9n }, 1n)).toEqual([]);
    // A Seaport event for another token does not price this one.
    const other = orderLog([{ itemType: 2, token: NFT, identifier: 9n, amount: 1n }], [{ itemType: 0, token: zeroAddress, identifier: 0n, amount: 5n, recipient: A }]);
    expect(salesOfTransaction(NFT, [move(A, B)], [other], { from: B, value: 0n }, 1n)).toEqual([]);
  });

  it('values payments in native: 1:1 for native and wrapped native, through USD for others, null when unpriced', () => {
    expect(nativeValue(5n, null, WETH, undefined, null)).toBe(5n);
    expect(nativeValue(5n, WETH, WETH, undefined, null)).toBe(5n);
    // 1,500 dUSD (6 decimals) at $1 with ETH at $2,500: 0.6 ETH.
    expect(nativeValue(1_500_000_000n, USD, WETH, { usd: ratio(1n, 1n), decimals: 6 }, ratio(2500n, 1n))).toBe(6n * 10n ** 17n);
    expect(nativeValue(1n, USD, WETH, { usd: null, decimals: 6 }, ratio(1n, 1n))).toBeNull();
    expect(nativeValue(1n, USD, WETH, { usd: ratio(1n, 1n), decimals: 6 }, null)).toBeNull();
  });
});

describe('OpenRarity', () => {
  it('reads base64 and percent-encoded data: URIs, and names what it cannot read', () => {
    const json = JSON.stringify({ attributes: [{ trait_type: 'Hat', value: ' Cap ' }, { trait_type: 'Level', value: 3 }, { trait_type: 'Born', value: 'x', display_type: 'date' }, { trait_type: 'Empty', value: '' }] });
    const base64 = parseMetadataUri(1n, `data:application/json;base64,${Buffer.from(json).toString('base64')}`);
    expect(base64).toMatchObject({ traits: [{ traitType: 'hat', value: 'cap' }] });
    expect(parseMetadataUri(1n, `data:application/json,${encodeURIComponent(json)}`)).toMatchObject({ traits: [{ traitType: 'hat', value: 'cap' }] });
    expect(parseMetadataUri(1n, 'ipfs://cid/1.json')).toMatchObject({ error: 'off-chain metadata (ipfs) is not fetched' });
    expect(parseMetadataUri(1n, 'no-scheme')).toMatchObject({ error: 'off-chain metadata (no scheme) is not fetched' });
    expect(parseMetadataUri(1n, 'data:application/json,%E0%A4%A')).toMatchObject({ error: 'the data: URI does not decode' });
    expect(parseMetadataUri(1n, 'data:application/json,{"name":1}')).toMatchObject({ error: 'metadata is not JSON with an attributes list' });
    expect(parseMetadataUri(1n, `data:application/json,${'x'.repeat(MAX_METADATA_BYTES + 1)}`)).toMatchObject({ error: `metadata over ${MAX_METADATA_BYTES} bytes` });
    expect(traitsOf('not json')).toBeNull();
  });

  it('scores information content over entropy with null traits and the trait count, ties sharing a rank', () => {
    // Two tokens: one with a hat, one without. Hat: {cap, null}, count: {1, 0}; each value 1/2.
    const { entropy, scores } = openRarity([
      { tokenId: 1n, traits: [{ traitType: 'hat', value: 'cap' }] },
      { tokenId: 2n, traits: [] },
    ]);
    expect(entropy).toBe(2);
    expect(scores).toEqual([
      { tokenId: 1n, rank: 1, score: 1, informationContent: 2 },
      { tokenId: 2n, rank: 1, score: 1, informationContent: 2 },
    ]);
    expect(openRarity([])).toEqual({ entropy: 0, scores: [] });
    expect(openRarity([{ tokenId: 1n, traits: [] }]).scores[0]).toMatchObject({ score: 0, rank: 1 });
  });
});

describe('wash filters', () => {
  const DAY = 86_400n;
  const sale = (seller: Address, buyer: Address, day: bigint, tokenId = 1n, flashLoan = false): RawSale => ({
    transfer: move(seller, buyer, tokenId),
    timestamp: day * DAY,
    seller,
    buyer,
    marketplace: 'direct',
    currency: null,
    price: 1n,
    flashLoan,
  });

  it('trips each filter on its pattern and none on a pair trading back after 30 days', () => {
    const sales = [sale(A, A, 0n), sale(A, B, 1n, 2n), sale(B, A, 40n, 2n), sale(B, C, 50n, 3n, true), sale(A, C, 60n, 4n)];
    expect(washFilters(sales, new Map([[A, F], [C, F]]))).toEqual([['buyer_is_seller'], [], [], ['flash_loan'], ['common_funder']]);
    const repeat = [sale(A, B, 0n), sale(B, A, 1n), sale(A, B, 2n), sale(B, A, 3n), sale(A, B, 4n)];
    expect(washFilters(repeat, new Map())[4]).toEqual(['back_and_forth', 'repeat_buyer']);
  });

  const history = (answer: () => Promise<NativeTransfer[]>): AddressHistory => ({ source: 'trace_filter', nativeTransfersTo: async () => ({ transfers: await answer(), requests: 1 }) });
  const funded = (to: Address, from: Address): NativeTransfer => ({ from, to, value: 1n, blockNumber: 5n, transactionHash: TX, traceAddress: [] });

  it('counts a funder only when it is neither labelled plumbing nor a contract, and says when traces are missing', async () => {
    const sales = [sale(A, B, 0n), sale(C, B, 1n)];
    const f = await readFunding(history(async () => [funded(A, F), funded(B, F), funded(C, USD)]), sales, 3n, 10n, (a) => (a === USD ? { address: USD, name: 'x', kind: 'exchange', source: 's' } : undefined), async () => new Set());
    expect([...f.funderOf]).toEqual([
      [B, F],
      [A, F],
    ]);
    const contract = await readFunding(history(async () => [funded(A, F)]), sales, 3n, 10n, () => undefined, async () => new Set([F]));
    expect(contract.funderOf.size).toBe(0);
    const none = await readFunding(history(() => Promise.reject(new HistoryUnavailableError('trace_filter', 'no'))), sales, 3n, 10n, () => undefined, async () => new Set());
    expect(none).toMatchObject({ available: false, reason: expect.stringContaining('does not offer trace_filter') });
    const over = await readFunding(history(() => Promise.reject(new LogBudgetExceededError(64, 0, 'requests'))), sales, 3n, 10n, () => undefined, async () => new Set());
    expect(over).toMatchObject({ available: false, reason: expect.stringContaining('read budget') });
    await expect(readFunding(history(() => Promise.reject(new Error('boom'))), sales, 3n, 10n, () => undefined, async () => new Set())).rejects.toThrow('boom');
  });
});

describe('summary and findings', () => {
  const window = { count: 0, volumeNative: '0', volumeUsd: null };
  const data = (over: Partial<NftData> = {}): NftData => ({
    collection: { address: NFT, standard: 'ERC1155', name: null, symbol: null, supply: '3', supplySource: 'logs', minted: 3, burned: 0 },
    history: { fromBlock: '5', toBlock: '9', complete: false, transferLogs: 3, logRequests: 1 },
    holders: { count: 1, top: [{ address: A, tokens: '3', percent: 100 }], top10Percent: 100, gini: 0, holdersFor50Percent: 1 },
    mints: { count: 3, firstBlock: '5', lastBlock: '5', timeline: [] },
    pricing: { nativeUsd: null, source: null },
    sales: { count: 0, transactionsRead: 0, transactionsSkipped: 2, unpaidTransfers: 0, windows: { day: window, week: window, month: window, all: window }, lastSale: null, floor: null, items: [] },
    rarity: { method: 'openrarity-information-content', scored: 0, entropy: 0, unfetched: { count: 1, items: [{ tokenId: '1', uri: null, reason: 'the metadata URI call failed' }] }, top: [] },
    wash: { flaggedSales: 0, volumePercent: 0, byFilter: { buyer_is_seller: 0, back_and_forth: 0, repeat_buyer: 0, common_funder: 0, flash_loan: 0 }, funding: { available: false, source: null, reason: null }, sales: [] },
    token: null,
    ...over,
  });

  it('says what it could not see: no sales, no price, incomplete history, skipped transactions, no traces', () => {
    const facts = { network: 'devnet' as const, blockNumber: 9n, data: data() };
    expect(nftSummary(facts)).toContain('no valued sale for a floor');
    expect(nftFindings(facts).map((f) => f.title)).toEqual([
      'Concentrated ownership: top 10 hold 100 %',
      'Metadata not read for 1 tokens',
      'First-funder wash filter did not run',
      'History may be incomplete',
      'Older transfers not checked for payment',
      'No USD price',
    ]);
  });

  it('rates wash trading high from a quarter of volume, and lists at most ten sales', () => {
    const flagged = Array.from({ length: 12 }, (_, i) => ({ transactionHash: TX, tokenId: String(i), seller: A, buyer: B, priceNative: '1', filters: ['back_and_forth' as const] }));
    const d = data({ wash: { ...data().wash, flaggedSales: 12, volumePercent: 30, sales: flagged, funding: { available: true, source: 'trace_filter', reason: null } } });
    const [wash] = nftFindings({ network: 'devnet', blockNumber: 9n, data: d });
    expect(wash).toMatchObject({ severity: 'high' });
    expect(wash!.evidence).toContain('and 2 more');
  });
});
