import type { GovernanceData, GovernanceProposal, GovernorInfo, SafeTreasury } from '@oca/contracts';
import { governanceFindings, governanceSummary, safeFindings, type GovernanceFacts } from './governance-report';

const A = '0x1000000000000000000000000000000000000001';
const B = '0x2000000000000000000000000000000000000002';
const C = '0x3000000000000000000000000000000000000003';

const governor: GovernorInfo = {
  address: A,
  kind: 'bravo',
  name: null,
  countingMode: null,
  clockMode: null,
  token: B,
  timelock: C,
  timelockKind: 'compound',
  timelockDelay: 172_800,
  controlsTimelock: true,
  votingDelay: '1',
  votingPeriod: '100',
  proposalThreshold: '1',
  quorum: '1000',
  guardian: null,
  proposalCount: 30,
  scannedFromBlock: '0',
};

function data(overrides: Partial<GovernanceData> = {}, power: Partial<GovernanceData['votingPower']> = {}): GovernanceData {
  return {
    governor,
    proposals: [],
    treasury: null,
    safe: null,
    votingPower: {
      token: { address: B, name: null, symbol: null, decimals: 18, totalSupply: '10000' },
      delegateCount: 5,
      delegatedVotes: '500',
      delegatedSupplyPercent: 5,
      topDelegates: [{ address: A, votes: '300', sharePercent: 60 }],
      nakamoto: { quorum: null, majority: 1 },
      scannedFromBlock: '0',
      ...power,
    },
    ...overrides,
  };
}

const facts = (d: GovernanceData, extra: Partial<GovernanceFacts> = {}): GovernanceFacts => ({ data: d, blockTimestamp: 1_000, proposalTotal: d.proposals.length, delegatesFromLogsOnly: 0, nativeSymbol: 'ETH', ...extra });

const proposal = (state: GovernanceProposal['state'], flags: GovernanceProposal['actions'][number]['flags']): GovernanceProposal => ({
  id: '7',
  proposer: A,
  title: 'T',
  state,
  voteStart: '1',
  voteEnd: '2',
  votes: { for: '0', against: '0', abstain: null },
  voters: 0,
  quorum: null,
  quorumVotes: '0',
  quorumProgressPercent: null,
  quorumReached: null,
  participationPercent: null,
  eta: 2_000,
  actions: [{ target: B, value: '0', signature: '', calldata: '0x', decoded: null, flags, notes: ['n'] }],
});

describe('governanceFindings', () => {
  it('quorum out of reach, a timelock that ignores the governor, older proposals, log-only delegates', () => {
    const titles = governanceFindings(
      facts(data({ governor: { ...governor, controlsTimelock: false } }), { proposalTotal: 30, delegatesFromLogsOnly: 4 }),
    ).map((f) => `${f.severity}: ${f.title}`);
    expect(titles).toEqual([
      'medium: Delegated votes cannot reach quorum',
      'medium: One delegate holds a majority of delegated votes',
      'high: The timelock does not take this governor’s orders',
      'info: Older proposals not listed',
      'info: Some delegates ranked from logs',
    ]);
  });

  it('no timelock; a few delegates reach quorum; a queued proposal not yet executable; canceled flagged proposals are info', () => {
    const d = data({ governor: { ...governor, timelock: null, timelockKind: null, controlsTimelock: null }, proposals: [proposal('Queued', []), proposal('Canceled', ['upgrade'])] }, { nakamoto: { quorum: 3, majority: 4 } });
    const findings = governanceFindings(facts(d));
    expect(findings.map((f) => `${f.severity}: ${f.title}`)).toEqual(['info: Proposal #7 (Canceled): upgrade', 'medium: 3 delegates reach quorum together', 'medium: No timelock']);
  });

  it('a live flagged proposal is high; a pending one too', () => {
    const findings = governanceFindings(facts(data({ proposals: [proposal('Pending', ['ownership'])] }, { nakamoto: { quorum: 9, majority: 5 } })));
    expect(findings).toEqual([{ severity: 'high', title: 'Proposal #7 (Pending): ownership', evidence: '"T": n' }]);
  });
});

const D = '0x4000000000000000000000000000000000000004';
const safe = (owners: string[], threshold: number, modules: string[] | null = []): SafeTreasury => ({
  address: D,
  version: '1.4.1',
  owners,
  threshold,
  modules,
  timelockIsOwner: owners.includes(C),
  treasury: { address: D, assets: [], pricedUsd: 1234.5, unpricedAssets: 1 },
});

describe('safeFindings (timelock C)', () => {
  const titles = (s: SafeTreasury) => safeFindings(s, C).map((f) => `${f.severity}: ${f.title}`);
  it('1-of-N with the timelock among owners: the other owners bypass the vote', () => {
    const [finding] = safeFindings(safe([C, A, B], 1), C);
    expect(finding).toMatchObject({ severity: 'high', title: '1-of-3 Safe controls treasury: one owner moves it alone' });
    expect(finding!.evidence).toContain('holds $1234.50 priced + 1 unpriced asset(s); threshold 1 of 3 owners');
    expect(finding!.evidence).toContain('every other owner bypasses the vote');
  });

  it('a single-owner Safe: the timelock alone is governance; one wallet alone is not', () => {
    expect(titles(safe([C], 1))).toEqual([]);
    expect(titles(safe([A], 1))).toEqual(['high: 1-of-1 Safe controls treasury: one owner moves it alone']);
  });

  it('a multisig the timelock does not own, and modules', () => {
    expect(titles(safe([A, B], 2, [D]))).toEqual(['medium: Treasury Safe outside governance', 'medium: Safe has 1 module(s) enabled']);
    expect(titles(safe([A, C], 2, null))).toEqual([]);
  });
});

describe('governanceSummary', () => {
  it('token only, and a governor without name, proposals or treasury', () => {
    expect(governanceSummary(facts(data({ governor: null })))).toBe(
      `${B} voting power: 5 delegates hold 5.00 % of ${B} supply; Nakamoto coefficient n/a for quorum, 1 for a majority.`,
    );
    expect(governanceSummary(facts(data()))).toBe('Compound Governor Bravo: 0 proposal(s); 5 delegates hold 5.00 % of ' + B + ' supply; Nakamoto coefficient n/a for quorum, 1 for a majority.');
    expect(governanceSummary(facts(data({ safe: safe([C, A], 1) })))).toMatch(/; Safe 1-of-2 \$1234\.50 priced\.$/);
  });
});
