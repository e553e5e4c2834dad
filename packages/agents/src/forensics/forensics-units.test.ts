import type { AddressActivity, AddressLabel, NativeTransfer } from '@oca/chain';
import { getAddress, type Address, type Hash } from 'viem';
import { nftCounterparties, type NftTransferOf } from './counterparties';
import { findDepositAddresses } from './deposit-addresses';
import type { ForensicsData } from './forensics-contract';
import { flaggedInteractions, forensicsFindings, forensicsSummary, riskOf, walletSignals } from './forensics-report';
import { traceFunding } from './funding-trail';

// Units over a stubbed AddressActivity (the seam between the agent and its history source); the
// devnet suite (packages/agents/test/forensics) runs the same code on real history.
const addr = (n: string): Address => getAddress(`0x${'00'.repeat(19)}${n}`);
const [S, F1, F2, X, EX, MIX, OFAC] = [addr('51'), addr('f1'), addr('f2'), addr('a0'), addr('e0'), addr('d0'), addr('0f')];
const H = `0x${'33'.repeat(32)}` as Hash;
const move = (from: Address, to: Address, value: bigint, block: bigint): NativeTransfer => ({ from, to, value, blockNumber: block, transactionHash: H, traceAddress: [] });
const LABELS = new Map<string, AddressLabel>([
  [EX, { address: EX, name: 'Exchange', kind: 'exchange', source: 'test source' }],
  [MIX, { address: MIX, name: 'Mixer', kind: 'mixer', source: 'test source' }],
  [OFAC, { address: OFAC, name: 'SDN entry', kind: 'sanctioned', source: 'test source' }],
]);
const labelOf = (a: string) => LABELS.get(a);

function historyOf(moves: NativeTransfer[]): AddressActivity {
  return {
    source: 'stub',
    nativeTransfersTo: async ({ to }) => ({ transfers: moves.filter((m) => to.includes(m.to)), requests: 1 }),
    outgoing: async ({ from }) => ({ transfers: moves.filter((m) => m.from === from), creations: [], requests: 1 }),
  };
}

describe('traceFunding', () => {
  it('stops at depth, at a labelled funder, at an address without funding and at a loop', async () => {
    const chain = historyOf([move(F1, S, 5n, 3n), move(F2, F1, 6n, 2n), move(MIX, F2, 7n, 1n)]);
    expect((await traceFunding(chain, S, 1, 9n, labelOf)).hops.map((h) => h.funder)).toEqual([F1]);
    const deep = await traceFunding(chain, S, 5, 9n, labelOf);
    expect(deep.hops.map((h) => [h.hop, h.funder, h.path.length])).toEqual([
      [1, F1, 2],
      [2, F2, 3],
      [3, MIX, 4],
    ]);
    expect(deep.stoppedBecause).toContain('labelled (Mixer)');
    expect((await traceFunding(historyOf([move(F1, S, 5n, 3n)]), S, 3, 9n, labelOf)).stoppedBecause).toContain(`${F1} has no native funding`);
    expect((await traceFunding(historyOf([move(F1, S, 5n, 3n), move(S, F1, 1n, 1n)]), S, 3, 9n, labelOf)).stoppedBecause).toContain('funding loop');
    expect((await traceFunding(chain, S, 2, 9n, labelOf, null)).hops).toEqual([]);
  });
});

describe('findDepositAddresses', () => {
  it('needs one labelled exchange as the only destination and two senders', async () => {
    const moves = [move(S, X, 5n, 1n), move(F1, X, 5n, 1n), move(X, EX, 9n, 2n), move(S, F2, 1n, 1n), move(F2, F1, 1n, 2n), move(S, EX, 3n, 1n)];
    const { deposits } = await findDepositAddresses(historyOf(moves), S, moves.filter((m) => m.from === S), 9n, labelOf);
    expect(deposits).toEqual([{ address: X, exchange: EX, exchangeLabel: 'Exchange', senders: 2, received: '10', forwarded: '9', paidBySubject: '5' }]);
    const lonely = [move(S, X, 5n, 1n), move(X, EX, 4n, 2n)];
    expect((await findDepositAddresses(historyOf(lonely), S, lonely.slice(0, 1), 9n, labelOf)).deposits).toEqual([]);
  });
});

const base = (over: Partial<Omit<ForensicsData, 'risk'>> = {}): Omit<ForensicsData, 'risk'> => ({
  address: S,
  kind: 'eoa',
  label: null,
  transactionCount: 1,
  sources: { nativeHistory: { available: true, source: 'stub', reason: null }, tokenTransfers: { available: true, source: 'eth_getLogs', reason: null } },
  funding: { depth: 2, hops: [], stoppedBecause: null },
  counterparties: { native: [], tokens: [], nfts: [] },
  deployed: [],
  flagged: [],
  depositAddresses: [],
  signals: { ageSeconds: null, freshWallet: null, singleUse: null },
  ...over,
});

describe('nftCounterparties', () => {
  const nft = (collection: Address, standard: NftTransferOf['standard'], from: Address, to: Address, tokenId: bigint, amount: bigint, logIndex: number): NftTransferOf => ({
    collection,
    standard,
    from,
    to,
    tokenId,
    amount,
    blockNumber: 1n,
    logIndex,
    transactionHash: H,
  });
  it('counts movements and units per collection and counterparty, ranked by count; self-moves are no counterparty', () => {
    const [C721, C1155] = [addr('72'), addr('15')];
    const parties = nftCounterparties(
      S,
      [
        nft(C1155, 'erc1155', S, X, 1n, 4n, 1),
        nft(C1155, 'erc1155', S, X, 2n, 5n, 1),
        nft(C1155, 'erc1155', X, S, 1n, 2n, 2),
        nft(C721, 'erc721', OFAC, S, 7n, 1n, 3),
        nft(C721, 'erc721', S, S, 7n, 1n, 4),
      ],
      labelOf,
    );
    expect(parties).toEqual([
      { collection: C1155, standard: 'erc1155', address: X, label: null, kind: null, sentCount: 2, sentUnits: '9', receivedCount: 1, receivedUnits: '2', tokenIds: 2 },
      { collection: C721, standard: 'erc721', address: OFAC, label: 'SDN entry', kind: 'sanctioned', sentCount: 0, sentUnits: '0', receivedCount: 1, receivedUnits: '1', tokenIds: 1 },
    ]);
    // An NFT from a sanctioned address is a direct interaction like any other.
    expect(flaggedInteractions(S, [], [], parties, labelOf).map((f) => [f.address, f.via, f.hop])).toEqual([[OFAC, 'received', 0]]);
  });
});

describe('report', () => {
  it('flags sanctioned counterparties at hop 0 in both directions, once each', () => {
    const party = { address: OFAC, label: 'SDN entry', kind: 'sanctioned' as const, sentCount: 1, sent: '1', receivedCount: 2, received: '2' };
    const flagged = flaggedInteractions(S, [], [party, party], [{ ...party, token: X }], labelOf);
    expect(flagged.map((f) => [f.via, f.hop, f.path])).toEqual([
      ['sent', 0, [S, OFAC]],
      ['received', 0, [S, OFAC]],
    ]);
    const data = { ...base({ flagged }), risk: riskOf(base({ flagged })) };
    expect(data.risk.level).toBe('critical');
    expect(forensicsFindings(data).map((f) => f.severity)).toEqual(['critical', 'critical']);
  });

  it('signals: fresh by age, single-use by nonce and counterparties, null without history', () => {
    expect(walletSignals(100, 200, 1, 1)).toEqual({ ageSeconds: 100, freshWallet: true, singleUse: true });
    expect(walletSignals(0, 8 * 24 * 3600, 3, 1)).toEqual({ ageSeconds: 8 * 24 * 3600, freshWallet: false, singleUse: false });
    expect(walletSignals(null, 5, 0, null)).toEqual({ ageSeconds: null, freshWallet: null, singleUse: null });
  });

  it('risk: a fresh deployer is medium; nothing found is low, and an unavailable source says so', () => {
    const deployed = [{ address: X, blockNumber: '1', transactionHash: H, security: { analysed: true, verdict: 'SAFE' as const, score: 90, isHoneypot: false, reason: null } }];
    const fresh = base({ deployed, signals: { ageSeconds: 3600, freshWallet: true, singleUse: true } });
    expect(riskOf(fresh)).toEqual({ level: 'medium', reasons: ['A fresh wallet (first funded 1 h before the block) that deployed 1 contract(s)'] });
    const blind = base({ sources: { nativeHistory: { available: false, source: null, reason: 'no traces' }, tokenTransfers: { available: false, source: null, reason: 'budget' } } });
    const data = { ...blind, risk: riskOf(blind) };
    expect(data.risk.level).toBe('low');
    expect(data.risk.reasons[0]).toContain('unknown, not clean');
    expect(forensicsFindings(data).map((f) => f.title)).toEqual(['Funding data unavailable', 'Token transfers unavailable']);
    expect(forensicsSummary(data)).toContain('Funding data unavailable.');
    const quiet = { ...base(), risk: riskOf(base()) };
    expect(forensicsSummary(quiet)).toContain('No native funding on record.');
    const single = { ...fresh, risk: riskOf(fresh) };
    expect(forensicsFindings(single).map((f) => f.title)).toEqual(['Fresh wallet', 'Single-use wallet']);
  });
});
