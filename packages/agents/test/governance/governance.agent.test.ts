import { ChainClients } from '@oca/chain';
import { GovernanceResult, type GovernanceParams, type ProposalStateName } from '@oca/contracts';
import {
  ARTIFACTS,
  deployGovernanceScenario,
  deployMarketScenario,
  DEVNET_ADMIN,
  loadGovernanceContracts,
  PROVIDER_PROFILES,
  startAnvil,
  startMainnetShapedAnvil,
  startRpcProxy,
  type AnvilInstance,
  type GovernanceContracts,
  type GovernanceScenario,
  type MarketScenario,
  type ProviderProfileName,
  type ScenarioGovernance,
} from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, keccak256, parseEther, toHex, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { PermanentAgentError, type AgentContext } from '../../src';
import { governanceAgent } from '../../src/governance/governance.agent';
import { nativeUsd, readPool, relativeError } from '../expected-market';

// Market scenario (for USD prices) plus both governance stacks: ~10 s on a loaded 2-core runner.
jest.setTimeout(120_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
const E18 = 10n ** 18n;
const STATES: readonly ProposalStateName[] = ['Pending', 'Active', 'Canceled', 'Defeated', 'Succeeded', 'Queued', 'Expired', 'Executed'];
const PROFILES = Object.keys(PROVIDER_PROFILES) as ProviderProfileName[];

let anvil: AnvilInstance;
let market: MarketScenario;
let gov: GovernanceScenario;
let rpc: PublicClient;
let c: GovernanceContracts;
const results = new Map<string, GovernanceResult>();
const deposits = { weth: 5n * E18, usd: 10_000n * 10n ** 6n, alpha: 50_000n * E18 };
const safeDeposits = { weth: 2n * E18, usd: 3_000n * 10n ** 6n };

function context(rpcUrl: string): AgentContext {
  return { chain: new ChainClients({ rpcUrls: { devnet: [rpcUrl] } }), logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW };
}

async function analyse(rpcUrl: string, params: Omit<GovernanceParams, 'network'>): Promise<GovernanceResult> {
  const parsed = governanceAgent.params.parse({ network: 'devnet', ...params });
  return GovernanceResult.parse(await governanceAgent.run(parsed, context(rpcUrl)));
}

beforeAll(async () => {
  anvil = await startAnvil();
  market = await deployMarketScenario(anvil.rpcUrl);
  gov = await deployGovernanceScenario(anvil.rpcUrl, {
    deposits: [
      { token: market.core.weth, from: DEVNET_ADMIN, amount: deposits.weth },
      { token: market.core.usd, from: DEVNET_ADMIN, amount: deposits.usd },
      { token: market.tokens.alpha.address, from: DEVNET_ADMIN, amount: deposits.alpha },
    ],
    safeDeposits: [
      { token: market.core.weth, from: DEVNET_ADMIN, amount: safeDeposits.weth },
      { token: market.core.usd, from: DEVNET_ADMIN, amount: safeDeposits.usd },
    ],
  });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  c = loadGovernanceContracts();
  results.set('oz', await analyse(anvil.rpcUrl, { governor: gov.openZeppelin.governor }));
  results.set('alpha', await analyse(anvil.rpcUrl, { governor: gov.alpha.governor }));
  results.set('token', await analyse(anvil.rpcUrl, { token: gov.openZeppelin.token }));
  results.set('bravo', await analyse(anvil.rpcUrl, { governor: gov.bravo.governor, safe: gov.bravo.safe.address }));
});

afterAll(async () => {
  await anvil?.stop();
});

/** Percent as the agent rounds it (6 decimals), from raw integers. */
const percent = (part: bigint, whole: bigint) => Number((part * 100_000_000n) / whole) / 1_000_000;

/** Fewest of `sorted` (largest first) whose sum reaches `threshold` (or exceeds it), by a plain loop. */
function fewestReaching(sorted: bigint[], threshold: bigint, strict: boolean): number | null {
  let sum = 0n;
  for (const [i, v] of sorted.entries()) {
    sum += v;
    if (strict ? sum > threshold : sum >= threshold) return i + 1;
  }
  return null;
}

/** Every account's votes at `block`, read one by one; the ranking the agent must reproduce. */
async function expectedDelegates(stack: ScenarioGovernance, block: bigint, fn: 'getVotes' | 'getCurrentVotes') {
  const abi = fn === 'getVotes' ? c.votesToken.abi : c.uni.abi;
  const accounts = [...stack.accounts, gov.grantee, gov.newcomer, stack.timelock];
  const votes = await Promise.all(accounts.map(async (address) => ({ address, votes: (await rpc.readContract({ address: stack.token, abi, functionName: fn, args: [address], blockNumber: block })) as bigint })));
  return votes.filter((v) => v.votes > 0n).sort((a, b) => (a.votes === b.votes ? 0 : a.votes > b.votes ? -1 : 1));
}

async function expectVotingPower(result: GovernanceResult, stack: ScenarioGovernance, fn: 'getVotes' | 'getCurrentVotes', quorum: bigint | null) {
  const block = BigInt(result.blockNumber);
  const delegates = await expectedDelegates(stack, block, fn);
  const delegated = delegates.reduce((s, d) => s + d.votes, 0n);
  const supply = (await rpc.readContract({ address: stack.token, abi: ARTIFACTS.erc20.abi, functionName: 'totalSupply', blockNumber: block })) as bigint;
  const vp = result.data.votingPower;
  expect(vp.topDelegates.map((d) => [d.address, d.votes])).toEqual(delegates.map((d) => [d.address, d.votes.toString()]));
  expect(vp.topDelegates.map((d) => d.sharePercent)).toEqual(delegates.map((d) => percent(d.votes, delegated)));
  expect(vp).toMatchObject({ delegateCount: delegates.length, delegatedVotes: delegated.toString(), delegatedSupplyPercent: percent(delegated, supply) });
  expect(vp.token.totalSupply).toBe(supply.toString());
  const sorted = delegates.map((d) => d.votes);
  expect(vp.nakamoto).toEqual({ quorum: quorum === null ? null : fewestReaching(sorted, quorum, false), majority: fewestReaching(sorted, delegated / 2n, true) });
}

/** The union of flags the agent raised on a proposal's actions. */
const flagsOf = (result: GovernanceResult, id: bigint) =>
  [...new Set(result.data.proposals.find((p) => p.id === id.toString())!.actions.flatMap((a) => a.flags))].sort();

describe('OpenZeppelin Governor (ERC20Votes, TimelockController) from source', () => {
  it('identifies the governor and reads its settings, quorum and timelock as the contracts answer them', async () => {
    const result = results.get('oz')!;
    const block = BigInt(result.blockNumber);
    const read = (address: Address, abi: GovernanceContracts['governor']['abi'], functionName: string, args: readonly unknown[] = []) =>
      rpc.readContract({ address, abi, functionName, args, blockNumber: block });
    const g = gov.openZeppelin;
    expect(result).toMatchObject({ agent: 'governance', network: 'devnet', target: g.governor, generatedAt: NOW.toISOString() });
    expect(result.data.governor).toMatchObject({
      address: g.governor,
      kind: 'openzeppelin',
      name: await read(g.governor, c.governor.abi, 'name'),
      countingMode: await read(g.governor, c.governor.abi, 'COUNTING_MODE'),
      clockMode: await read(g.governor, c.governor.abi, 'CLOCK_MODE'),
      token: g.token,
      timelock: g.timelock,
      timelockKind: 'openzeppelin',
      timelockDelay: Number(await read(g.timelock, c.timelockController.abi, 'getMinDelay')),
      controlsTimelock: await read(g.timelock, c.timelockController.abi, 'hasRole', [keccak256(toHex('PROPOSER_ROLE')), g.governor]),
      votingDelay: String(await read(g.governor, c.governor.abi, 'votingDelay')),
      votingPeriod: String(await read(g.governor, c.governor.abi, 'votingPeriod')),
      proposalThreshold: String(await read(g.governor, c.governor.abi, 'proposalThreshold')),
      quorum: String(await read(g.governor, c.governor.abi, 'quorum', [block - 1n])),
      proposalCount: g.proposals.length,
    });
  });

  it('reproduces every proposal: state, votes, quorum progress, participation, eta, decoded and flagged actions', async () => {
    const result = results.get('oz')!;
    const block = BigInt(result.blockNumber);
    const g = gov.openZeppelin;
    const read = (functionName: string, id: bigint) => rpc.readContract({ address: g.governor, abi: c.governor.abi, functionName, args: [id], blockNumber: block });
    // Most recent first.
    expect(result.data.proposals.map((p) => p.id)).toEqual([...g.proposals].reverse().map((p) => p.id.toString()));
    for (const expected of g.proposals) {
      const got = result.data.proposals.find((p) => p.id === expected.id.toString())!;
      const [against, forVotes, abstain] = (await read('proposalVotes', expected.id)) as [bigint, bigint, bigint];
      const snapshot = (await read('proposalSnapshot', expected.id)) as bigint;
      // A snapshot not yet reached has no quorum or supply: both revert ("future lookup").
      const started = snapshot < block;
      expect(started).toBe(expected.state !== 'Pending');
      const quorum = started ? ((await rpc.readContract({ address: g.governor, abi: c.governor.abi, functionName: 'quorum', args: [snapshot], blockNumber: block })) as bigint) : null;
      const supply = started ? ((await rpc.readContract({ address: g.token, abi: c.votesToken.abi, functionName: 'getPastTotalSupply', args: [snapshot], blockNumber: block })) as bigint) : null;
      const eta = (await read('proposalEta', expected.id)) as bigint;
      const state = STATES[Number(await read('state', expected.id))];
      expect(state).toBe(expected.state);
      expect(got).toMatchObject({
        title: expected.description.split('\n')[0]!.replace(/^# /, ''),
        state,
        voteStart: snapshot.toString(),
        voteEnd: String(await read('proposalDeadline', expected.id)),
        votes: { for: forVotes.toString(), against: against.toString(), abstain: abstain.toString() },
        voters: expected.voters,
        quorum: quorum?.toString() ?? null,
        // Simple counting: for and abstain both count toward quorum.
        quorumVotes: (forVotes + abstain).toString(),
        quorumProgressPercent: quorum === null ? null : percent(forVotes + abstain, quorum),
        quorumReached: quorum === null ? null : forVotes + abstain >= quorum,
        participationPercent: supply === null ? null : percent(forVotes + against + abstain, supply),
        eta: eta === 0n ? null : Number(eta),
      });
      expect({ id: expected.description, flags: flagsOf(result, expected.id) }).toEqual({ id: expected.description, flags: [...expected.flags].sort() });
    }
    const grant = result.data.proposals.find((p) => p.id === g.proposals[0]!.id.toString())!;
    expect(grant.actions[0]!.decoded).toEqual({ function: 'transfer(address,uint256)', args: [gov.grantee, (1_000_000n * E18).toString()] });
  });

  it('values the timelock treasury: balances from the chain, USD through the same DEX pools, unpriced tokens listed as unknown', async () => {
    const result = results.get('oz')!;
    const block = BigInt(result.blockNumber);
    const g = gov.openZeppelin;
    const balanceOf = async (token: Address) => (await rpc.readContract({ address: token, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [g.timelock], blockNumber: block })) as bigint;
    const weth = await nativeUsd(rpc, market, block);
    // ALPHA: its deepest pool by USD quote depth prices it (dUSD at $1, WETH at the anchor price).
    const alphaPools = [market.pools.alphaWethV2, market.pools.alphaWethV3, market.pools.alphaUsdV2];
    const readings = await Promise.all(alphaPools.map(async (pool) => ({ pool, reading: await readPool(rpc, market, pool, block) })));
    const depth = (r: (typeof readings)[number]) => (r.pool.quote === market.core.usd ? Number(r.reading.quoteRaw) / 1e6 : (Number(r.reading.quoteRaw) / 1e18) * weth.price);
    const deepest = readings.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    const alphaUsd = deepest.reading.price * (deepest.pool.quote === market.core.usd ? 1 : weth.price);
    const native = await rpc.getBalance({ address: g.timelock, blockNumber: block });
    const expected = [
      { token: null, balance: native, usd: (Number(native) / 1e18) * weth.price },
      { token: market.core.weth, balance: await balanceOf(market.core.weth), usd: (Number(await balanceOf(market.core.weth)) / 1e18) * weth.price },
      { token: market.core.usd, balance: await balanceOf(market.core.usd), usd: Number(await balanceOf(market.core.usd)) / 1e6 },
      { token: market.tokens.alpha.address, balance: await balanceOf(market.tokens.alpha.address), usd: (Number(await balanceOf(market.tokens.alpha.address)) / 1e18) * alphaUsd },
      { token: g.token, balance: await balanceOf(g.token), usd: null },
    ];
    expect(expected.map((e) => e.balance)).toEqual([parseEther('5'), deposits.weth, deposits.usd, deposits.alpha, 3_000_000n * E18]);
    const treasury = result.data.treasury!;
    expect(treasury.address).toBe(g.timelock);
    expect(new Set(treasury.assets.map((a) => a.token))).toEqual(new Set(expected.map((e) => e.token)));
    for (const e of expected) {
      const got = treasury.assets.find((a) => a.token === e.token)!;
      expect(got.balance).toBe(e.balance.toString());
      if (e.usd === null) expect(got).toMatchObject({ valueUsd: null, priceUsd: null, priceSource: null });
      else expect(relativeError(got.valueUsd!, e.usd)).toBeLessThan(1e-9);
    }
    expect(treasury.unpricedAssets).toBe(1);
    expect(relativeError(treasury.pricedUsd, expected.reduce((s, e) => s + (e.usd ?? 0), 0))).toBeLessThan(1e-9);
  });

  it('ranks delegates by their votes at the block and computes both Nakamoto coefficients', async () => {
    const result = results.get('oz')!;
    await expectVotingPower(result, gov.openZeppelin, 'getVotes', BigInt(result.data.governor!.quorum!));
  });

  it('raises findings for the live flagged proposal and the concentrated votes', () => {
    const result = results.get('oz')!;
    const titles = result.findings.map((f) => `${f.severity}: ${f.title}`);
    expect(titles).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^high: Proposal .* \(Active\): role, treasury-transfer$/),
        expect.stringMatching(/^high: Proposal .* \(Pending\): ownership$/),
        expect.stringMatching(/^info: Proposal .* \(Defeated\): upgrade$/),
        expect.stringMatching(/^info: Proposal .* can be executed now$/),
        'high: One delegate reaches quorum alone',
        'info: Treasury assets without a USD price',
      ]),
    );
    expect(result.summary).toContain('5 proposal(s)');
  });
});

describe('Uniswap GovernorAlpha, Timelock and Uni from @uniswap/governance', () => {
  it('identifies GovernorAlpha and its Compound timelock, and reproduces its proposals', async () => {
    const result = results.get('alpha')!;
    const block = BigInt(result.blockNumber);
    const g = gov.alpha;
    const read = (functionName: string, args: readonly unknown[] = [], blockNumber = block) => rpc.readContract({ address: g.governor, abi: c.governorAlpha.abi, functionName, args, blockNumber });
    const quorum = (await read('quorumVotes')) as bigint;
    expect(result.data.governor).toMatchObject({
      kind: 'alpha',
      name: await read('name'),
      token: g.token,
      timelock: g.timelock,
      timelockKind: 'compound',
      timelockDelay: Number(await rpc.readContract({ address: g.timelock, abi: c.compoundTimelock.abi, functionName: 'delay', blockNumber: block })),
      controlsTimelock: (await rpc.readContract({ address: g.timelock, abi: c.compoundTimelock.abi, functionName: 'admin', blockNumber: block })) === g.governor,
      quorum: quorum.toString(),
      proposalThreshold: String(await read('proposalThreshold')),
      votingPeriod: '40320',
      proposalCount: 2,
    });
    for (const expected of g.proposals) {
      const got = result.data.proposals.find((p) => p.id === expected.id.toString())!;
      const [, proposer, eta, startBlock, endBlock, forVotes, againstVotes] = (await read('proposals', [expected.id])) as [bigint, Address, bigint, bigint, bigint, bigint, bigint];
      const supply = (await rpc.readContract({ address: g.token, abi: c.uni.abi, functionName: 'totalSupply', blockNumber: startBlock })) as bigint;
      expect(STATES[Number(await read('state', [expected.id]))]).toBe(expected.state);
      expect(got).toMatchObject({
        proposer,
        state: expected.state,
        voteStart: startBlock.toString(),
        voteEnd: endBlock.toString(),
        votes: { for: forVotes.toString(), against: againstVotes.toString(), abstain: null },
        voters: expected.voters,
        quorum: quorum.toString(),
        quorumVotes: forVotes.toString(),
        quorumProgressPercent: percent(forVotes, quorum),
        quorumReached: forVotes >= quorum,
        participationPercent: percent(forVotes + againstVotes, supply),
        eta: eta === 0n ? null : Number(eta),
      });
      expect(flagsOf(result, expected.id)).toEqual([...expected.flags].sort());
    }
    // Alpha stores the signature apart; the agent shows the call as the timelock sends it.
    const live = result.data.proposals.find((p) => p.id === g.proposals[1]!.id.toString())!;
    expect(live.actions[0]).toMatchObject({ signature: 'setPendingAdmin(address)', decoded: { function: 'setPendingAdmin(address)', args: [gov.newcomer] }, flags: ['admin'] });
    const treasury = result.data.treasury!;
    const uni = (await rpc.readContract({ address: g.token, abi: c.uni.abi, functionName: 'balanceOf', args: [g.timelock], blockNumber: block })) as bigint;
    expect(treasury.assets.find((a) => a.token === g.token)).toMatchObject({ balance: uni.toString(), valueUsd: null });
    expect(treasury.assets.find((a) => a.token === null)?.balance).toBe((await rpc.getBalance({ address: g.timelock, blockNumber: block })).toString());
  });

  it('ranks UNI delegates by getCurrentVotes', async () => {
    const result = results.get('alpha')!;
    await expectVotingPower(result, gov.alpha, 'getCurrentVotes', BigInt(result.data.governor!.quorum!));
  });
});

describe('Governor Bravo (OpenZeppelin 4.9.6 GovernorCompatibilityBravo over Compound’s Timelock) with a Safe 1.4.1 treasury', () => {
  it('identifies Bravo and its Compound timelock, and reproduces every proposal from proposals(id), quorum(startBlock) and the supply', async () => {
    const result = results.get('bravo')!;
    const block = BigInt(result.blockNumber);
    const g = gov.bravo;
    const read = (functionName: string, args: readonly unknown[] = []) => rpc.readContract({ address: g.governor, abi: c.bravoGovernor.abi, functionName, args, blockNumber: block });
    expect(await read('COUNTING_MODE')).toBe('support=bravo&quorum=bravo');
    expect(result.data.governor).toMatchObject({
      kind: 'bravo',
      name: await read('name'),
      countingMode: 'support=bravo&quorum=bravo',
      token: g.token,
      timelock: g.timelock,
      timelockKind: 'compound',
      timelockDelay: Number(await rpc.readContract({ address: g.timelock, abi: c.compoundTimelock.abi, functionName: 'delay', blockNumber: block })),
      controlsTimelock: (await rpc.readContract({ address: g.timelock, abi: c.compoundTimelock.abi, functionName: 'admin', blockNumber: block })) === g.governor,
      quorum: String(await read('quorumVotes')),
      votingDelay: String(await read('votingDelay')),
      votingPeriod: String(await read('votingPeriod')),
      proposalThreshold: String(await read('proposalThreshold')),
      proposalCount: g.proposals.length,
    });
    expect(result.data.proposals.map((p) => p.id)).toEqual([...g.proposals].reverse().map((p) => p.id.toString()));
    for (const expected of g.proposals) {
      const got = result.data.proposals.find((p) => p.id === expected.id.toString())!;
      const [, proposer, eta, startBlock, endBlock, forVotes, againstVotes, abstainVotes] = (await read('proposals', [expected.id])) as [bigint, Address, bigint, bigint, bigint, bigint, bigint, bigint];
      // Bravo counts for votes only toward a quorum fixed at the vote's start.
      const quorum = (await read('quorum', [startBlock])) as bigint;
      const supply = (await rpc.readContract({ address: g.token, abi: c.votesToken.abi, functionName: 'getPastTotalSupply', args: [startBlock], blockNumber: block })) as bigint;
      expect(STATES[Number(await read('state', [expected.id]))]).toBe(expected.state);
      expect(got).toMatchObject({
        proposer,
        state: expected.state,
        voteStart: startBlock.toString(),
        voteEnd: endBlock.toString(),
        votes: { for: forVotes.toString(), against: againstVotes.toString(), abstain: abstainVotes.toString() },
        voters: expected.voters,
        quorum: quorum.toString(),
        quorumVotes: forVotes.toString(),
        quorumProgressPercent: percent(forVotes, quorum),
        quorumReached: forVotes >= quorum,
        participationPercent: percent(forVotes + againstVotes + abstainVotes, supply),
        eta: eta === 0n ? null : Number(eta),
      });
      expect(flagsOf(result, expected.id)).toEqual([...expected.flags].sort());
    }
    // Proposed Bravo-style (signature apart); the event carries the call as the timelock sends it.
    const grant = result.data.proposals.find((p) => p.id === g.proposals[0]!.id.toString())!;
    expect(grant.actions[0]!.decoded).toEqual({ function: 'transfer(address,uint256)', args: [gov.grantee, (500_000n * E18).toString()] });
    expect(await rpc.readContract({ address: g.token, abi: c.votesToken.abi, functionName: 'balanceOf', args: [gov.grantee], blockNumber: block })).toBeGreaterThanOrEqual(500_000n * E18);
  });

  it('recognises the Safe: version, owners, threshold and modules as the Safe answers them', async () => {
    const result = results.get('bravo')!;
    const block = BigInt(result.blockNumber);
    const safe = gov.bravo.safe;
    const read = (functionName: string, args: readonly unknown[] = []) => rpc.readContract({ address: safe.address, abi: c.safeSingleton.abi, functionName, args, blockNumber: block });
    const owners = (await read('getOwners')) as Address[];
    const [modules] = (await read('getModulesPaginated', ['0x0000000000000000000000000000000000000001', 50n])) as [Address[], Address];
    expect(owners).toEqual(safe.owners);
    expect(result.data.safe).toMatchObject({
      address: safe.address,
      version: await read('VERSION'),
      owners,
      threshold: Number(await read('getThreshold')),
      modules,
      timelockIsOwner: owners.includes(gov.bravo.timelock),
    });
    expect(result.data.safe!.threshold).toBe(1);
  });

  it('values the Safe’s and the timelock’s balances in USD from the chain', async () => {
    const result = results.get('bravo')!;
    const block = BigInt(result.blockNumber);
    const g = gov.bravo;
    const weth = await nativeUsd(rpc, market, block);
    const balanceOf = async (token: Address, holder: Address) => (await rpc.readContract({ address: token, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [holder], blockNumber: block })) as bigint;
    const native = await rpc.getBalance({ address: g.safe.address, blockNumber: block });
    // 2 ETH in, 0.5 ETH out by one owner alone.
    expect(native).toBe(parseEther('2') - g.safe.movedByOneOwner);
    const expected = [
      { token: null, balance: native, usd: (Number(native) / 1e18) * weth.price },
      { token: market.core.weth, balance: await balanceOf(market.core.weth, g.safe.address), usd: (Number(safeDeposits.weth) / 1e18) * weth.price },
      { token: market.core.usd, balance: await balanceOf(market.core.usd, g.safe.address), usd: Number(safeDeposits.usd) / 1e6 },
      { token: g.token, balance: await balanceOf(g.token, g.safe.address), usd: null },
    ];
    const treasury = result.data.safe!.treasury;
    expect(treasury.address).toBe(g.safe.address);
    expect(new Set(treasury.assets.map((a) => a.token))).toEqual(new Set(expected.map((e) => e.token)));
    for (const e of expected) {
      const got = treasury.assets.find((a) => a.token === e.token)!;
      expect(got.balance).toBe(e.balance.toString());
      if (e.usd === null) expect(got.valueUsd).toBeNull();
      else expect(relativeError(got.valueUsd!, e.usd)).toBeLessThan(1e-9);
    }
    expect(relativeError(treasury.pricedUsd, expected.reduce((s, e) => s + (e.usd ?? 0), 0))).toBeLessThan(1e-9);
    expect(treasury.unpricedAssets).toBe(1);
    const timelock = result.data.treasury!;
    expect(timelock.address).toBe(g.timelock);
    expect(timelock.assets.find((a) => a.token === null)?.balance).toBe((await rpc.getBalance({ address: g.timelock, blockNumber: block })).toString());
    expect(timelock.assets.find((a) => a.token === g.token)?.balance).toBe((await balanceOf(g.token, g.timelock)).toString());
  });

  it('ranks delegates, and raises the 1-of-3 Safe and the live treasury transfer as high findings', async () => {
    const result = results.get('bravo')!;
    await expectVotingPower(result, gov.bravo, 'getVotes', BigInt(result.data.governor!.quorum!));
    const titles = result.findings.map((f) => `${f.severity}: ${f.title}`);
    expect(titles).toEqual(
      expect.arrayContaining([
        'high: 1-of-3 Safe controls treasury: one owner moves it alone',
        expect.stringMatching(/^high: Proposal .* \(Active\): treasury-transfer$/),
        expect.stringMatching(/^info: Proposal .* \(Defeated\): upgrade$/),
      ]),
    );
    expect(result.summary).toMatch(/^Compound Governor Bravo "OCA Bravo Governor": 3 proposal\(s\).*; Safe 1-of-3 \$[\d.]+ priced\.$/);
  });
});

describe('params and targets', () => {
  it('with a token alone: voting power only, and says why', async () => {
    const result = results.get('token')!;
    expect(result.target).toBe(gov.openZeppelin.token);
    expect(result.data).toMatchObject({ governor: null, proposals: [], treasury: null });
    expect(result.data.votingPower.topDelegates).toEqual(results.get('oz')!.data.votingPower.topDelegates);
    // Without a governor there is no quorum: only the majority coefficient.
    expect(result.data.votingPower.nakamoto).toEqual({ quorum: null, majority: 2 });
    expect(result.findings[0]).toMatchObject({ severity: 'info', title: 'Voting power only: no governor given' });
  });

  it('refuses what is not a governor or not a votes token, and params with both or neither', async () => {
    await expect(analyse(anvil.rpcUrl, { governor: market.core.weth })).rejects.toMatchObject({ code: 'invalid_params', field: 'governor' });
    await expect(analyse(anvil.rpcUrl, { token: market.core.usd })).rejects.toBeInstanceOf(PermanentAgentError);
    // The Safe singleton answers VERSION but has no owners: not a usable Safe.
    await expect(analyse(anvil.rpcUrl, { governor: gov.bravo.governor, safe: gov.bravo.safe.singleton })).rejects.toMatchObject({ code: 'invalid_params', field: 'safe' });
    expect(governanceAgent.params.safeParse({ network: 'devnet', governor: gov.alpha.governor, token: gov.alpha.token }).success).toBe(false);
    expect(governanceAgent.params.safeParse({ network: 'devnet' }).error?.issues[0]?.message).toBe('params: give network and exactly one of governor or token');
  });
});

describe('through provider-limited RPC', () => {
  const rows: string[] = [];
  afterAll(() => console.log(`governance agent: chain, profile, target, HTTP requests, JSON-RPC calls, refusals\n${rows.join('\n')}`));

  /** Runs each target through a proxy per profile; each answer must equal the node's own. */
  async function throughProfiles(label: string, upstream: string, targets: Record<string, Omit<GovernanceParams, 'network'>>, direct: Map<string, GovernanceResult>) {
    const proxy = await startRpcProxy({ upstream });
    try {
      for (const profile of PROFILES) {
        proxy.setProfile(PROVIDER_PROFILES[profile]);
        for (const [name, params] of Object.entries(targets)) {
          const first = proxy.requests.length;
          const refused = proxy.refusals.logs + proxy.refusals.batch;
          const result = await analyse(proxy.url, params);
          const requests = proxy.requests.slice(first);
          rows.push(`${label} ${profile.padEnd(9)} ${name.padEnd(6)} ${String(requests.length).padStart(3)} ${String(requests.flatMap((r) => r.calls).length).padStart(4)} ${proxy.refusals.logs + proxy.refusals.batch - refused}`);
          expect(result).toEqual(direct.get(name));
          // A named Safe adds a fourth creation-block search and log scan beside the token's, governor's and timelock's.
          expect(requests.length).toBeLessThanOrEqual('safe' in params ? 30 : 24);
        }
      }
    } finally {
      await proxy.stop();
    }
  }

  it('devnet: the same results behind every profile', async () => {
    await throughProfiles(
      'devnet  ',
      anvil.rpcUrl,
      { oz: { governor: gov.openZeppelin.governor }, alpha: { governor: gov.alpha.governor }, bravo: { governor: gov.bravo.governor, safe: gov.bravo.safe.address }, token: { token: gov.openZeppelin.token } },
      results,
    );
  });

  it('mainnet-shaped chain (history from block 18,000,000): scans start at creation blocks, same results behind every profile', async () => {
    const chain = await startMainnetShapedAnvil();
    try {
      const stacks = await deployGovernanceScenario(chain.rpcUrl);
      const targets = { oz: { governor: stacks.openZeppelin.governor }, alpha: { governor: stacks.alpha.governor }, bravo: { governor: stacks.bravo.governor, safe: stacks.bravo.safe.address } };
      const direct = new Map<string, GovernanceResult>();
      for (const [name, params] of Object.entries(targets)) direct.set(name, await analyse(chain.rpcUrl, params));
      const oz = direct.get('oz')!;
      expect(BigInt(oz.data.governor!.scannedFromBlock)).toBeGreaterThan(chain.firstBlock);
      expect(BigInt(oz.data.votingPower.scannedFromBlock)).toBeGreaterThan(chain.firstBlock);
      expect(oz.data.proposals.map((p) => p.state)).toEqual(['Pending', 'Active', 'Queued', 'Defeated', 'Executed']);
      expect(direct.get('alpha')!.data.proposals.map((p) => p.state)).toEqual(['Active', 'Executed']);
      const bravo = direct.get('bravo')!;
      expect(bravo.data.governor!.kind).toBe('bravo');
      expect(bravo.data.proposals.map((p) => p.state)).toEqual(['Active', 'Defeated', 'Executed']);
      expect(BigInt(bravo.data.safe!.treasury.assets.find((a) => a.token === null)!.balance)).toBe(parseEther('1.5'));
      await throughProfiles('mainnet ', chain.rpcUrl, targets, direct);
    } finally {
      await chain.stop();
    }
  });
});
