import { identifyGovernor, type GovernorProbe } from './governor-detect';

const TOKEN = '0x1111111111111111111111111111111111111111';
const GUARDIAN = '0x2222222222222222222222222222222222222222';

const nothing: GovernorProbe = {
  erc165: null,
  countingMode: null,
  clockMode: null,
  name: null,
  token: null,
  timelock: null,
  votingDelay: null,
  votingPeriod: null,
  proposalThreshold: null,
  quorumVotes: null,
  proposalCount: null,
  guardian: null,
  comp: null,
  uni: null,
  proposalBytes: null,
};
const compound: GovernorProbe = { ...nothing, quorumVotes: 400n, proposalCount: 3n };

describe('identifyGovernor', () => {
  it('OpenZeppelin: COUNTING_MODE with ERC-165 and a token', () => {
    expect(identifyGovernor({ ...nothing, countingMode: 'support=bravo&quorum=for,abstain', erc165: true, token: TOKEN })).toMatchObject({ kind: 'openzeppelin', token: TOKEN });
    // COUNTING_MODE alone (no ERC-165) is not enough.
    expect(identifyGovernor({ ...nothing, countingMode: 'support=bravo', erc165: false, token: TOKEN })).toBeNull();
  });

  it('Bravo on OpenZeppelin: the bravo counting mode with quorumVotes (proposals(0) reverts there)', () => {
    const compat: GovernorProbe = { ...nothing, countingMode: 'support=bravo&quorum=bravo', erc165: true, token: TOKEN, quorumVotes: 400n };
    expect(identifyGovernor(compat)).toMatchObject({ kind: 'bravo', token: TOKEN, evidence: expect.stringContaining('GovernorCompatibilityBravo') });
    // Without quorumVotes it is a plain OpenZeppelin Governor that happens to count Bravo-style.
    expect(identifyGovernor({ ...compat, quorumVotes: null })).toMatchObject({ kind: 'openzeppelin' });
  });

  it('Compound family: proposals() of ten words is Bravo, nine is Alpha', () => {
    expect(identifyGovernor({ ...compound, comp: TOKEN, proposalBytes: 320 })).toMatchObject({ kind: 'bravo', token: TOKEN, evidence: expect.stringContaining('comp()') });
    expect(identifyGovernor({ ...compound, uni: TOKEN, proposalBytes: 288 })).toMatchObject({ kind: 'alpha', evidence: expect.stringContaining('uni()') });
    expect(identifyGovernor({ ...compound, token: TOKEN, guardian: GUARDIAN, proposalBytes: 288 })).toMatchObject({
      kind: 'alpha',
      evidence: expect.stringContaining(`token() = ${TOKEN}, proposals() returns nine words (no abstain), guardian() = ${GUARDIAN}`),
    });
  });

  it('nothing recognisable: no token getter, an odd proposals() shape, or no quorumVotes', () => {
    expect(identifyGovernor({ ...compound, proposalBytes: 288 })).toBeNull();
    expect(identifyGovernor({ ...compound, comp: TOKEN, proposalBytes: 64 })).toBeNull();
    expect(identifyGovernor({ ...nothing, proposalCount: 1n, comp: TOKEN, proposalBytes: 288 })).toBeNull();
    expect(identifyGovernor(nothing)).toBeNull();
  });
});
