import { HistoryUnavailableError, LogBudgetExceededError, ratio, type AddressHistory, type AddressLabel, type NativeTransfer } from '@oca/chain';
import { getAddress, pad, toHex, type Address, type Hash } from 'viem';
import { gini, holdersForHalf, percentOf } from '../tokens/concentration';
import { exchangeInflowSpike, largeTransfers, whaleMoves, type FlowBasis } from './flows';
import { clustersOf, fundingClusters } from './funding';
import { concentrationOf, kindOf, replayBalances, type Holder, type HolderBook } from './holders';
import { decodeTransfer, type TokenTransfer } from '../tokens/token-history';
import { whaleFindings, whaleSummary, type WhaleFacts } from './whale-report';
import type { WhaleData } from './whale-contract';

const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }));
const [A, B, C, X] = [addr(0xa), addr(0xb), addr(0xc), addr(0xe)];
const TX = `0x${'22'.repeat(32)}` as Hash;
const E18 = 10n ** 18n;
const move = (from: Address, to: Address, amount: bigint, blockNumber = 10n): TokenTransfer => ({ from, to, amount, blockNumber, logIndex: 0, transactionHash: TX });
const holder = (address: Address, balance: bigint, kind: Holder['kind'] = 'eoa', label?: AddressLabel): Holder => ({ address, balance, kind, label, poolName: undefined });
const book = (holders: Holder[]): HolderBook => ({ holders, balancesRead: holders.length, byAddress: new Map(holders.map((h) => [h.address, h])) });
const basis = (priceUsd: FlowBasis['priceUsd'] = null): FlowBasis => ({ decimals: 18, totalSupply: 1000n * E18, circulating: 1000n * E18, priceUsd, labelOf: () => null });

describe('concentration figures', () => {
  it('Gini: 0 for equal holders and for none, (n − 1)/n for one holder among n', () => {
    expect(gini([5n, 5n, 5n])).toBe(0);
    expect(gini([])).toBe(0);
    expect(gini([0n, 0n, 0n, 10n])).toBe(0);
    expect(gini([1n, 1n, 1n, 97n])).toBe(0.72);
  });

  it('holders for half: counts the largest first, all of them when half is never reached', () => {
    expect(holdersForHalf([10n, 60n, 30n], 100n)).toBe(1);
    expect(holdersForHalf([30n, 10n, 20n], 100n)).toBe(2);
    expect(holdersForHalf([10n, 10n], 100n)).toBe(2);
    expect(percentOf(1n, 0n)).toBe(0);
    expect(percentOf(-1n, 4n)).toBe(-25);
  });

  it('leaves burn addresses out of circulating supply and of the figures', () => {
    const c = concentrationOf(book([holder(A, 500n * E18, 'burn'), holder(B, 400n * E18), holder(C, 100n * E18)]), 1000n * E18);
    expect(c).toMatchObject({ circulatingSupply: (500n * E18).toString(), top10Percent: 100, holdersFor50Percent: 1 });
  });

  it('replays balances and picks kinds: burn and exchange labels, pools, lockers, code', () => {
    expect([...replayBalances([move(X, A, 5n), move(A, B, 2n)])]).toEqual([
      [X, -5n],
      [A, 3n],
      [B, 2n],
    ]);
    const label = (kind: AddressLabel['kind']): AddressLabel => ({ address: A, name: kind, kind, source: 'test' });
    expect(kindOf(label('burn'), 'pool', true)).toBe('burn');
    expect(kindOf(undefined, 'pool', true)).toBe('pool');
    // A labelled DEX pool is a pool even when the market snapshot did not find it.
    expect(kindOf(label('dex-pool'), undefined, true)).toBe('pool');
    expect(kindOf(label('locker'), undefined, true)).toBe('locker');
    expect(kindOf(label('exchange'), undefined, false)).toBe('exchange');
    expect(kindOf(label('mixer'), undefined, true)).toBe('contract');
    expect(kindOf(undefined, undefined, undefined)).toBe('eoa');
  });
});

describe('Transfer decoding', () => {
  const word = (a: Address) => pad(a, { size: 32 });
  const base = { blockNumber: '0x5' as const, logIndex: '0x1' as const, transactionHash: TX };
  it('reads indexed and unindexed ERC-20 Transfers and skips ERC-721 and pending logs', () => {
    expect(decodeTransfer({ ...base, topics: ['0x01', word(A), word(B)], data: toHex(7n, { size: 32 }) })).toMatchObject({ from: A, to: B, amount: 7n, blockNumber: 5n, logIndex: 1 });
    expect(decodeTransfer({ ...base, topics: ['0x01'], data: `${word(A)}${word(B).slice(2)}${toHex(9n, { size: 32 }).slice(2)}` })).toMatchObject({ from: A, to: B, amount: 9n });
    expect(decodeTransfer({ ...base, topics: ['0x01', word(A), word(B), toHex(1n, { size: 32 })], data: '0x' })).toBeNull();
    expect(decodeTransfer({ ...base, blockNumber: null, topics: ['0x01', word(A), word(B)], data: toHex(7n, { size: 32 }) })).toBeNull();
    expect(decodeTransfer({ ...base, topics: ['0x01', word(A)], data: '0x' })).toBeNull();
  });
});

describe('flows', () => {
  it('judges large transfers by share of supply without a price, by USD with one', () => {
    const window = [move(A, B, 2n * E18), move(A, C, E18 / 2n), move(B, C, 0n)];
    expect(largeTransfers(window, basis(), 10_000)).toMatchObject({ basis: 'supply', minUsd: null, minPercentOfSupply: 0.1, count: 1 });
    const priced = largeTransfers(window, basis(ratio(1000n, 1n)), 1_000);
    expect(priced).toMatchObject({ basis: 'usd', minUsd: 1_000, minPercentOfSupply: null, count: 1 });
    expect(priced.items[0]).toMatchObject({ usd: 2_000, percentOfSupply: 0.2 });
  });

  it('exchange inflow spike: against the earlier net rate per second, any inflow when there was none', () => {
    const ex = new Set([X]);
    const window = [move(A, X, 20n * E18)];
    expect(exchangeInflowSpike([], window, ex, { before: 100n, window: 10n }, 1000n * E18)).toEqual({ net: 20n * E18, baseline: 0n, spike: true });
    // 100 net over 100 s before: 10 expected over 10 s; 20 is less than 3×.
    expect(exchangeInflowSpike([move(A, X, 100n * E18)], window, ex, { before: 100n, window: 10n }, 1000n * E18).spike).toBe(false);
    expect(exchangeInflowSpike([move(X, A, 100n * E18)], [move(A, X, 5n * E18)], ex, { before: 100n, window: 10n }, 1000n * E18).spike).toBe(false);
  });

  it('whale moves: big enough wallets moving enough, plumbing left out', () => {
    const b = book([holder(A, 5n * E18), holder(B, 100n * E18)]);
    const window = [move(A, X, 45n * E18), move(C, B, 50n * E18), move(C, X, 1n * E18)];
    const moves = whaleMoves(window, b, basis(), (a) => a === X || a === C);
    expect(moves.map((m) => [m.address, m.direction, m.balanceBefore])).toEqual([
      [B, 'accumulating', (50n * E18).toString()],
      [A, 'distributing', (50n * E18).toString()],
    ]);
  });
});

describe('funding clusters', () => {
  const funded = (from: Address, to: Address, block: bigint): NativeTransfer => ({ from, to, value: 1n, blockNumber: block, transactionHash: TX, traceAddress: [] });
  const history = (fail?: unknown): AddressHistory => ({
    source: 'test',
    nativeTransfersTo: async ({ to }) => {
      if (fail) throw fail;
      return { transfers: to.map((a, i) => funded(i < 2 ? X : C, a, BigInt(i))), requests: 1 };
    },
  });

  it('groups candidates by first funder; a labelled funder is not an insider', () => {
    const candidates = [holder(A, 30n), holder(B, 20n), holder(C, 10n)];
    const funders = new Map<Address, NativeTransfer | null>([
      [A, funded(X, A, 1n)],
      [B, funded(X, B, 2n)],
      [C, null],
    ]);
    const clusters = clustersOf(candidates, funders, 100n, (a) => (a === X ? { address: X, name: 'Exchange', kind: 'exchange', source: 's' } : undefined));
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ funder: X, funderLabel: 'Exchange', insider: false, combinedBalance: '50', combinedPercent: 50 });
  });

  // Stub at the seam: which wallets were older than the scan start (the agent reads balance and nonce at that block).
  const scope = (fromBlock = 0n, older: readonly Address[] | Error = []) => ({
    fromBlock,
    toBlock: 10n,
    olderWallets: async () => {
      if (older instanceof Error) throw older;
      return new Set(older);
    },
  });

  it('looks up only unlabelled EOAs and says why funding is unavailable', async () => {
    const holders = [holder(A, 30n), holder(B, 20n), holder(C, 10n, 'contract'), holder(X, 5n, 'exchange')];
    const ok = await fundingClusters(history(), holders, 100n, scope(), () => undefined);
    expect(ok).toMatchObject({ available: true, analysed: 2, requests: 1 });
    expect(ok.clusters[0]?.members.map((m) => m.address)).toEqual([A, B]);
    const none = await fundingClusters(history(new HistoryUnavailableError('test', 'no')), holders, 100n, scope(), () => undefined);
    expect(none).toMatchObject({ available: false, analysed: 0, clusters: [] });
    expect(none.reason).toContain('does not offer test');
    const budget = await fundingClusters(history(new LogBudgetExceededError(64, 50_001, 'logs')), holders, 100n, scope(), () => undefined);
    expect(budget.reason).toContain('budget (64 requests, 50001 traces)');
    await expect(fundingClusters(history(new Error('boom')), holders, 100n, scope(), () => undefined)).rejects.toThrow('boom');
  });

  it('past block 0, wallets older than the token are counted and not looked up; a pruned node makes funding unavailable', async () => {
    const holders = [holder(A, 30n), holder(B, 20n), holder(C, 10n)];
    const scoped = await fundingClusters(history(), holders, 100n, scope(5n, [C]), () => undefined);
    expect(scoped).toMatchObject({ available: true, analysed: 2, olderWallets: 1, fromBlock: '5' });
    const pruned = await fundingClusters(history(), holders, 100n, scope(5n, new Error('missing trie node')), () => undefined);
    expect(pruned).toMatchObject({ available: false, analysed: 0, olderWallets: 0 });
    expect(pruned.reason).toContain('no state at block 4');
    await expect(fundingClusters(history(), holders, 100n, scope(5n, new Error('socket hang up')), () => undefined)).rejects.toThrow('socket hang up');
  });
});

describe('findings and summary', () => {
  const flow = { members: 0, inflow: '0', outflow: '0', net: '0', netUsd: null, netPercent: 0 };
  const data = (over: Partial<WhaleData> = {}): WhaleData => ({
    token: { address: A, name: null, symbol: null, decimals: 18, totalSupply: '1000' },
    priceUsd: null,
    pricePool: null,
    history: { fromBlock: '7', complete: false, transfers: 0, holders: 1 },
    window: { hours: 24, fromBlock: '8', fromTimestamp: 0, blockTimestamp: 0 },
    topHolders: [],
    concentration: { circulatingSupply: '1000', top10Percent: 60, gini: 0.5, holdersFor50Percent: 1 },
    largeTransfers: { basis: 'supply', minUsd: null, minPercentOfSupply: 0.1, count: 1, items: [{ blockNumber: '8', transactionHash: TX, logIndex: 0, from: A, to: B, fromLabel: null, toLabel: null, amount: '5', usd: null, percentOfSupply: 0.5 }] },
    cohorts: { topHolders: flow, exchanges: flow, pools: flow },
    whaleMoves: [],
    funding: { available: false, source: null, reason: null, analysed: 0, fromBlock: '0', olderWallets: 0, clusters: [] },
    ...over,
  });
  const facts = (d: WhaleData): WhaleFacts => ({ network: 'devnet', blockNumber: 9n, data: d, exchangeInflow: { net: 0n, baseline: 0n, spike: false } });

  it('says what is unknown: funding, early history, the USD price', () => {
    const findings = whaleFindings(facts(data()));
    expect(findings.map((f) => [f.severity, f.title])).toEqual([
      ['medium', 'Concentrated supply: top 10 hold 60 %'],
      ['info', '1 large transfer in 24 h'],
      ['info', 'Funding data unavailable'],
      ['info', 'History may be incomplete'],
      ['info', 'No USD price'],
    ]);
    expect(findings[1]?.evidence).toContain('0.1 % of supply (no USD price)');
    expect(whaleSummary(facts(data()))).toContain('funding data unavailable');
    const older = whaleFindings(facts(data({ funding: { available: true, source: 'trace_filter', reason: null, analysed: 1, fromBlock: '7', olderWallets: 2, clusters: [] } })));
    expect(older.find((f) => f.title === 'Some holders predate the token')?.evidence).toMatch(/^2 of the largest unlabelled wallets .* before block 7/);
  });

  it('grades insider clusters by combined share and counts them in the summary', () => {
    const cluster = (combinedPercent: number, insider = true) => ({ funder: X, funderLabel: null, insider, members: [], combinedBalance: '1', combinedPercent });
    const d = data({
      concentration: { circulatingSupply: '1000', top10Percent: 10, gini: 0.1, holdersFor50Percent: 4 },
      largeTransfers: { basis: 'usd', minUsd: 1, minPercentOfSupply: null, count: 0, items: [] },
      priceUsd: '1',
      history: { fromBlock: '0', complete: true, transfers: 0, holders: 1 },
      funding: { available: true, source: 'trace_filter', reason: null, analysed: 3, fromBlock: '0', olderWallets: 0, clusters: [cluster(12), cluster(4), cluster(1), cluster(50, false)] },
    });
    expect(whaleFindings(facts(d)).map((f) => f.severity)).toEqual(['high', 'medium', 'low']);
    expect(whaleSummary(facts(d))).toContain('3 insider clusters holding 17 %');
    const one = data({ funding: { available: true, source: 'trace_filter', reason: null, analysed: 1, fromBlock: '0', olderWallets: 0, clusters: [cluster(2)] } });
    expect(whaleSummary(facts(one))).toContain('1 insider cluster holding 2 %');
    expect(whaleSummary(facts(data({ funding: { available: true, source: 'trace_filter', reason: null, analysed: 1, fromBlock: '0', olderWallets: 0, clusters: [] } })))).toContain('no insider cluster');
  });
});
