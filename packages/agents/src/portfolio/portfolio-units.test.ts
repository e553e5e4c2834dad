import { DEX_DEPLOYMENTS, ratio } from '@oca/chain';
import type { PortfolioHolding } from '@oca/contracts';
import { encodeAbiParameters, encodeEventTopics, getAddress, pad, toHex, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem';
import { uniswapV2PairAbi } from '@oca/chain';
import { DEPOSIT_TOPIC, TRANSFER_TOPIC } from '../tokens/transfer-scan';
import { TRANSFER_BATCH_TOPIC, TRANSFER_SINGLE_TOPIC } from '../tokens/nft-transfer-log';
import { averageCost, costBasisOf, swapAfter, type PoolMove } from './cost-basis';
import { lpUnderlying } from './holdings-read';
import { portfolioFindings, portfolioSummary, type PortfolioFacts } from './portfolio-report';
import { NOT_CHECKED } from './risk';
import { allocation, byValue, tokenHolding, valueOf, type PriceBook } from './valuation';
import { amountsForLiquidity, feeGrowthInside, MAX_TICK, sqrtRatioAtTick, uncollectedFees } from './v3-math';
import { decodeWalletLog, type WalletTransfer } from './wallet-history';

// Pure functions only: no chain. `costBasisOf` is called on inputs it answers before any read
// (the client passed is a stub that fails the test if touched).

const d = DEX_DEPLOYMENTS.devnet;
const A = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`);
const WALLET = A(0xaa);
const TOKEN = A(0x70);
const POOL = A(0x90);
const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hash;
const transfer = (from: Address, to: Address, amount: bigint, n: number): WalletTransfer => ({
  contract: TOKEN,
  kind: 'erc20',
  from,
  to,
  amount,
  tokenId: null,
  blockNumber: BigInt(n),
  logIndex: 0,
  transactionHash: tx(n),
});
const untouchable = new Proxy({}, { get: () => { throw new Error('the chain was read'); } }) as never;

describe('v3 math', () => {
  it('matches TickMath at its bounds and at tick 0, and refuses ticks out of range', () => {
    expect(sqrtRatioAtTick(-MAX_TICK)).toBe(4295128739n);
    expect(sqrtRatioAtTick(MAX_TICK)).toBe(1461446703485210103287273052203988822378723970342n);
    expect(sqrtRatioAtTick(0)).toBe(1n << 96n);
    expect(() => sqrtRatioAtTick(MAX_TICK + 1)).toThrow(RangeError);
  });

  it('puts a range below the price all in token1, above it all in token0', () => {
    const price = sqrtRatioAtTick(0);
    expect(amountsForLiquidity(price, 60, 120, 10n ** 18n)).toMatchObject({ amount1: 0n });
    expect(amountsForLiquidity(price, 60, 120, 10n ** 18n).amount0).toBeGreaterThan(0n);
    expect(amountsForLiquidity(price, -120, -60, 10n ** 18n)).toMatchObject({ amount0: 0n });
    const inRange = amountsForLiquidity(price, -60, 60, 10n ** 18n);
    expect(inRange.amount0).toBeGreaterThan(0n);
    expect(inRange.amount1).toBeGreaterThan(0n);
  });

  it('grows fees inside a range from the outside figures, modulo 2^256', () => {
    // Price inside: inside = global − below − above.
    expect(feeGrowthInside(0, -60, 60, 100n, 10n, 20n)).toBe(70n);
    // Price below the range: below = global − outsideLower, above = outsideUpper.
    expect(feeGrowthInside(-120, -60, 60, 100n, 90n, 20n)).toBe(70n);
    // A negative difference wraps, as the pool's unchecked uint256 arithmetic does.
    expect(feeGrowthInside(-120, -60, 60, 100n, 90n, 95n)).toBe((1n << 256n) - 5n);
    // Price above: above = global − outsideUpper.
    expect(feeGrowthInside(120, -60, 60, 100n, 10n, 70n)).toBe(60n);
    expect(uncollectedFees(1n << 128n, 5n, 2n, 7n)).toBe(10n);
    expect(uncollectedFees(1n << 128n, 1n, 2n, 0n)).toBe((1n << 256n) - 1n);
  });
});

describe('wallet log decoding', () => {
  const base = { address: TOKEN, blockNumber: '0x1' as Hex, logIndex: '0x2' as Hex, transactionHash: tx(1) };
  const w = pad(WALLET, { size: 32 });
  const o = pad(A(0xbb), { size: 32 });
  it('reads ERC-20, ERC-721, ERC-1155 and Deposit logs and skips anything else', () => {
    expect(decodeWalletLog({ ...base, topics: [TRANSFER_TOPIC, o, w], data: pad(toHex(5n), { size: 32 }) })).toMatchObject([{ kind: 'erc20', from: A(0xbb), to: WALLET, amount: 5n }]);
    expect(decodeWalletLog({ ...base, topics: [TRANSFER_TOPIC, o, w, pad(toHex(9n), { size: 32 })], data: '0x' })).toMatchObject([{ kind: 'erc721', tokenId: 9n, amount: null }]);
    expect(decodeWalletLog({ ...base, topics: [DEPOSIT_TOPIC, w], data: pad(toHex(3n), { size: 32 }) })).toMatchObject([{ kind: 'deposit', to: WALLET, amount: 3n }]);
    // ERC-1155: topic1 is the operator, topic2 the sender, topic3 the recipient.
    const single = encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [4n, 6n]);
    expect(decodeWalletLog({ ...base, topics: [TRANSFER_SINGLE_TOPIC, o, w, o], data: single })).toMatchObject([{ kind: 'erc1155', contract: TOKEN, from: WALLET, to: A(0xbb), tokenId: 4n, amount: 6n }]);
    const batch = encodeAbiParameters([{ type: 'uint256[]' }, { type: 'uint256[]' }], [[1n, 2n], [3n, 5n]]);
    expect(decodeWalletLog({ ...base, topics: [TRANSFER_BATCH_TOPIC, o, o, w], data: batch }).map((t) => [t.kind, t.to, t.tokenId, t.amount])).toEqual([
      ['erc1155', WALLET, 1n, 3n],
      ['erc1155', WALLET, 2n, 5n],
    ]);
    expect(decodeWalletLog({ ...base, topics: [TRANSFER_TOPIC, o, w], data: '0x' })).toEqual([]);
    expect(decodeWalletLog({ ...base, topics: [tx(7), o, w], data: '0x' })).toEqual([]);
    expect(decodeWalletLog({ ...base, blockNumber: null, topics: [TRANSFER_TOPIC, o, w], data: '0x' })).toEqual([]);
  });
});

describe('cost basis', () => {
  const input = { wallet: WALLET, token: TOKEN, decimals: 18, balance: 0n, priceUsd: null, pools: [], transfers: [], historyComplete: true, blockNumber: 1n };
  const pool = { address: POOL, version: 'v2' as const, dex: 'uniswap-v2', feeTier: null, base: TOKEN, quote: d.usdStables[0]!.address, baseIsToken0: true };
  it('is absent when the history is partial, a token arrived by transfer, or there are too many swaps', async () => {
    expect(await costBasisOf(untouchable, d, { ...input, historyComplete: false }, undefined)).toMatchObject({ available: false, reason: expect.stringContaining('genesis') });
    expect(await costBasisOf(untouchable, d, { ...input, transfers: [transfer(A(0xbb), WALLET, 1n, 1)] })).toMatchObject({ reason: expect.stringContaining('1 of 1 incoming') });
    const many = Array.from({ length: 41 }, (_, i) => transfer(POOL, WALLET, 1n, i + 1));
    expect(await costBasisOf(untouchable, d, { ...input, pools: [pool], transfers: many })).toMatchObject({ reason: expect.stringContaining('41 swap transactions') });
  });

  it('takes the first Swap of the pool after the transfer, skipping other events and pools', () => {
    const swapLog = (address: Address, logIndex: number) => ({
      address,
      logIndex,
      topics: encodeEventTopics({ abi: uniswapV2PairAbi, eventName: 'Swap', args: { sender: A(1), to: WALLET } }),
      data: encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], [0n, 7n, 11n, 0n]),
      blockNumber: 1n,
      transactionHash: tx(1),
    });
    const sync = { ...swapLog(POOL, 3), topics: encodeEventTopics({ abi: uniswapV2PairAbi, eventName: 'Sync' }), data: encodeAbiParameters([{ type: 'uint112' }, { type: 'uint112' }], [1n, 2n]) };
    const receipt = { logs: [swapLog(POOL, 1), swapLog(A(0x91), 2), sync, swapLog(POOL, 4)] } as unknown as TransactionReceipt;
    // Base is token0: 11 out of the pool for 7 of the quote in is a buy.
    expect(swapAfter(receipt, pool, 2)).toMatchObject({ logIndex: 4, side: 'buy', baseRaw: 11n, quoteRaw: 7n, recipient: WALLET });
    expect(swapAfter(receipt, pool, 4)).toBeNull();
  });

  it('walks average cost: sales realise against it, other outflows leave at cost, the end must be the balance', () => {
    const fill = { pool: POOL, blockNumber: 1n, logIndex: 1, txHash: tx(1), side: 'buy' as const, baseRaw: 0n, quoteRaw: 0n, recipient: WALLET };
    const moves = [
      { transfer: transfer(POOL, WALLET, 100n, 1), pool, fill },
      { transfer: transfer(POOL, WALLET, 100n, 2), pool, fill },
      { transfer: transfer(WALLET, POOL, 50n, 3), pool, fill },
      { transfer: transfer(WALLET, POOL, 50n, 4), pool, fill: null },
    ];
    const usd = new Map([
      [tx(1), 100],
      [tx(2), 300],
      [tx(3), 150],
    ]);
    const transfers = [...moves.map((m) => m.transfer), transfer(WALLET, WALLET, 5n, 5)];
    const quote = (m: PoolMove) => usd.get(m.transfer.transactionHash)!;
    const basis = averageCost({ wallet: WALLET, decimals: 0, balance: 100n, priceUsd: ratio(3n, 1n), transfers }, moves, quote);
    // 200 bought for $400 ($2 each); 50 sold for $150 (+$50); 50 into a pool at cost; 100 left at $200, worth $300.
    expect(basis).toEqual({ available: true, method: 'average-cost', swaps: 3, bought: '200', sold: '50', costUsd: 200, realizedPnlUsd: 50, unrealizedPnlUsd: 100 });
    expect(averageCost({ wallet: WALLET, decimals: 0, balance: 99n, priceUsd: null, transfers }, moves, quote)).toMatchObject({ available: false, reason: expect.stringContaining('leave 100') });
    expect(averageCost({ wallet: WALLET, decimals: 0, balance: 100n, priceUsd: null, transfers }, moves, quote)).toMatchObject({ unrealizedPnlUsd: null });
  });
});

describe('valuation', () => {
  const book: PriceBook = {
    native: { priceUsd: null, source: null },
    tokens: new Map([[d.wrappedNative.address.toLowerCase(), { priceUsd: ratio(2000n, 1n), source: 'native anchor' }]]),
    meta: new Map([[d.wrappedNative.address.toLowerCase(), { address: d.wrappedNative.address, name: 'WETH', symbol: 'WETH', decimals: 18, totalSupply: null }]]),
  };
  it('values an LP token only when every part is priced', () => {
    const pair = { factory: 'uniswap-v2', token0: TOKEN, token1: d.wrappedNative.address, reserve0: 1000n, reserve1: 10n ** 18n, totalSupply: 100n };
    expect(lpUnderlying(10n, pair)).toEqual({ amount0: 100n, amount1: 10n ** 17n });
    expect(lpUnderlying(10n, { ...pair, totalSupply: 0n })).toEqual({ amount0: 0n, amount1: 0n });
    const lp = tokenHolding({ meta: { address: POOL, name: null, symbol: null, decimals: 18, totalSupply: 100n }, balance: 10n, pair }, book, d);
    expect(lp).toMatchObject({ kind: 'v2-lp', symbol: `LP ${TOKEN}/WETH`, valueUsd: null, priceSource: null, riskTokens: [TOKEN] });
    expect(lp.underlying![1]!.valueUsd).toBe(200);
  });

  it('rounds allocation, sorts by value with unpriced last, and converts raw units', () => {
    expect(allocation(1, 3)).toBe(33.3333);
    expect(allocation(null, 3)).toBeNull();
    expect(allocation(1, 0)).toBeNull();
    expect(valueOf(5n * 10n ** 17n, 18, ratio(3n, 1n))).toBe(1.5);
    const h = (valueUsd: number | null, token: Address) => ({ kind: 'erc20', token, tokenId: null, valueUsd }) as never;
    expect([h(null, A(2)), h(1, A(3)), h(null, A(1)), h(5, A(4))].sort(byValue).map((x: { token: Address }) => x.token)).toEqual([A(4), A(3), A(1), A(2)]);
  });
});

describe('portfolio findings', () => {
  const holding = (over: Partial<PortfolioHolding>): PortfolioHolding => ({
    kind: 'erc20',
    token: TOKEN,
    tokenId: null,
    symbol: 'TKN',
    decimals: 18,
    balance: '1',
    priceUsd: '1',
    priceSource: POOL,
    valueUsd: 90,
    allocationPercent: 90,
    underlying: null,
    uncollectedFees: null,
    pool: null,
    risk: NOT_CHECKED('x'),
    costBasis: { available: false, reason: 'x' },
    ...over,
  });
  const facts = (holdings: PortfolioHolding[], over: Partial<PortfolioFacts['data']['history']> = {}, unchecked = 0, nfts: Partial<Pick<PortfolioFacts['data'], 'nfts' | 'nftScan'>> = {}): PortfolioFacts => ({
    network: 'devnet',
    blockNumber: 9n,
    uncheckedTokens: unchecked,
    data: {
      address: WALLET,
      isContract: false,
      history: { fromBlock: '0', toBlock: '9', complete: true, transfers: 1, contractsSeen: 1, logRequests: 2, ...over },
      holdings,
      nfts: [],
      nftScan: { candidates: 0, checked: 0 },
      ...nfts,
      totals: { pricedUsd: 100, pricedHoldings: holdings.filter((h) => h.valueUsd !== null).length, unpricedHoldings: 0, largestAllocationPercent: 90 },
      risk: { checkedTop: 8, checked: 1 },
    },
  });

  it('says a concentrated allocation, an upgradeable token, partial history and unchecked tokens', () => {
    const f = facts([holding({ risk: { ...NOT_CHECKED('x'), checked: true, proxy: true, mintable: false, honeypot: false, note: null } }), holding({ token: A(5), valueUsd: 10, allocationPercent: 10 })], { complete: false, fromBlock: '5' }, 2);
    expect(portfolioFindings(f).map((x) => [x.severity, x.title])).toEqual([
      ['medium', 'Concentrated allocation: 90 % in TKN'],
      ['low', 'Upgradeable token held: TKN'],
      ['info', 'History read only in part'],
      ['info', '2 tokens not risk-checked'],
    ]);
    expect(portfolioSummary(f)).toContain('history read from block 5 only');
    const mild = facts([holding({ allocationPercent: 60 }), holding({ token: A(5), valueUsd: 10, allocationPercent: 40 })]);
    expect(portfolioFindings(mild)[0]).toMatchObject({ severity: 'low' });
    expect(portfolioFindings(facts([holding({})]))).toEqual([]);
  });

  it('names positions by pool in honeypot and mint findings', () => {
    const risk = { ...NOT_CHECKED('x'), checked: true, honeypot: true, honeypotReason: null, mintable: true, note: null };
    const v3 = holding({ kind: 'v3-position', tokenId: '7', pool: POOL, valueUsd: null, allocationPercent: null, risk });
    const minty = holding({ kind: 'v2-lp', pool: POOL, valueUsd: null, allocationPercent: null, risk: { ...risk, honeypot: false } });
    const found = portfolioFindings(facts([v3, minty]));
    expect(found[0]).toMatchObject({ severity: 'high', title: 'Holding a honeypot: TKN #7' });
    expect(found[0]!.evidence).toContain(`the tokens of pool ${POOL}`);
    expect(found[1]!.evidence).toContain(`a token of pool ${POOL}`);
    expect(found[1]!.evidence).toContain('unknown value');
  });

  it('lists NFTs as unpriced, outside the total, and says when the id cap cut the reads', () => {
    const nft = (standard: 'erc721' | 'erc1155', tokens: [string, string][]) => ({ standard, collection: A(0x721), name: 'Badges', symbol: 'BADGE', tokens: tokens.map(([tokenId, amount]) => ({ tokenId, amount })), valueUsd: null, valueNote: 'x' });
    const f = facts([holding({})], {}, 0, { nfts: [nft('erc1155', [['1', '6'], ['4', '2']]), nft('erc721', [['3', '1']])], nftScan: { candidates: 9, checked: 5 } });
    const found = portfolioFindings(f);
    expect(found.map((x) => [x.severity, x.title])).toEqual([
      ['info', '3 NFTs in 2 collections, unpriced'],
      ['info', 'NFTs read only in part'],
    ]);
    expect(found[0]!.evidence).toContain(`BADGE (ERC-1155 ${A(0x721)}: #1 × 6, #4 × 2)`);
    expect(found[0]!.evidence).toContain(`BADGE (ERC-721 ${A(0x721)}: #3)`);
    expect(portfolioSummary(f)).toContain('and 3 NFTs in 2 collections unpriced');
  });
});
