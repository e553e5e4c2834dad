import {
  createPublicClient,
  encodeAbiParameters,
  encodeFunctionData,
  encodePacked,
  getAddress,
  getContractAddress,
  http,
  keccak256,
  numberToHex,
  parseEther,
  toFunctionSelector,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import { connectDeployer, type Deployer } from '../deployer';
import { loadGovernanceContracts, type GovernanceContracts } from './governance-contracts';

const E18 = 10n ** 18n;
const DAY = 86_400n;

/** OpenZeppelin governor settings: short enough to mine through (anvil_mine slows with chain length). */
export const OZ_GOVERNOR_SETTINGS = { votingDelay: 1n, votingPeriod: 50n, proposalThreshold: 100_000n * E18, quorumPercent: 4n, timelockDelay: 3_600n } as const;
/** Compound's Timelock refuses delays under two days. */
export const ALPHA_TIMELOCK_DELAY = 2n * DAY;
export const OZ_TOKEN_SUPPLY = 10_000_000n * E18;
/** Uni mints 1 billion to its first holder. */
export const UNI_SUPPLY = 1_000_000_000n * E18;

/** A token sent to the OpenZeppelin timelock (the treasury) from an account the node impersonates. */
export interface TreasuryDeposit {
  token: Address;
  from: Address;
  amount: bigint;
}

export interface GovernanceScenarioOptions {
  /** Extra treasury holdings, e.g. the market scenario's WETH, dUSD and ALPHA so USD values have prices. */
  deposits?: readonly TreasuryDeposit[];
  /** Tokens sent to the Bravo stack's Safe, e.g. priced ones so its USD value can be checked. */
  safeDeposits?: readonly TreasuryDeposit[];
}

/** Governor Bravo settings: the voting period outlasts the OpenZeppelin stack played after it. */
export const BRAVO_GOVERNOR_SETTINGS = { votingDelay: 1n, votingPeriod: 200n, proposalThreshold: 100_000n * E18, quorumPercent: 4n } as const;

/** The Safe (1.4.1) holding part of the Bravo stack's treasury: a 1-of-3 with the timelock among its owners. */
export interface ScenarioSafe {
  address: Address;
  owners: Address[];
  threshold: bigint;
  singleton: Address;
  factory: Address;
  /** Native sent out of the Safe by one owner alone (execTransaction with a single approval), wei. */
  movedByOneOwner: bigint;
}

/** One proposal the scenario made, with the state it leaves it in. */
export interface ScenarioProposal {
  id: bigint;
  description: string;
  state: 'Pending' | 'Active' | 'Defeated' | 'Queued' | 'Executed';
  /** What the agent must flag among its actions. */
  flags: string[];
  /** Accounts that voted on it. */
  voters: number;
}

/** One governance stack on the chain. */
export interface ScenarioGovernance {
  governor: Address;
  token: Address;
  timelock: Address;
  proposals: ScenarioProposal[];
  /** Every account that ever held or was delegated votes (for independent reads in tests). */
  accounts: Address[];
  /** Native balance sent to the timelock, wei. */
  treasuryNative: bigint;
}

export interface GovernanceScenario {
  rpcUrl: string;
  openZeppelin: ScenarioGovernance;
  alpha: ScenarioGovernance;
  /** OpenZeppelin's GovernorCompatibilityBravo over Compound's Timelock, with a Safe holding treasury. */
  bravo: ScenarioGovernance & { safe: ScenarioSafe };
  /** Where the treasury grants went. */
  grantee: Address;
  /** The account the live proposals would empower. */
  newcomer: Address;
  endBlock: bigint;
}

interface Ctx {
  d: Deployer;
  c: GovernanceContracts;
  rpc: (method: string, params: unknown[]) => Promise<unknown>;
  /** anvil's unlocked accounts: [0] deploys, [1..5] hold and delegate, [6] holds without delegating. */
  a: Address[];
}

/**
 * Three governance stacks on a running anvil, each with proposals played to different states:
 *
 * - OpenZeppelin 4.9.6 `Governor` (settings, simple counting, ERC20Votes, 4 % quorum fraction,
 *   `TimelockController` with a one-hour delay), compiled from OpenZeppelin's sources. Proposals:
 *   a 1 M OCAG treasury grant (executed), a token `upgradeTo` (defeated), a timelock delay change
 *   (queued, not executed), a proposer-role grant plus a 3 ETH payment (still active) and a
 *   `transferOwnership` created in the scenario's last block (pending).
 * - Uniswap's published `Uni`, `GovernorAlpha` and `Timelock`. Proposals: a 100 M UNI grant
 *   (executed) and a `setPendingAdmin` plus a 6 ETH payment (still active). GovernorAlpha's voting
 *   period is a constant 40,320 blocks, and anvil mines a few hundred blocks a second, slower as
 *   the chain grows: the executed proposal's `endBlock` is shortened in storage (the one state
 *   write outside a transaction; the rest is the real contracts' own behaviour).
 *
 * - OpenZeppelin's GovernorCompatibilityBravo over Compound's Timelock, with a Safe 1.4.1 (1-of-3)
 *   holding part of the treasury (see `playBravo`).
 *
 * Votes are spread over five delegates and one holder who never delegates. Automine stays on;
 * time moves with `evm_increaseTime` (two days for Alpha, two for Bravo, then one hour). Mining any block after
 * the scenario starts the pending proposal's vote.
 */
export async function deployGovernanceScenario(rpcUrl: string, options: GovernanceScenarioOptions = {}): Promise<GovernanceScenario> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const rpc = (method: string, params: unknown[]) => client.request({ method, params } as never) as Promise<unknown>;
  const d = await connectDeployer(rpcUrl);
  if (d.accounts.length < 10) throw new Error('the governance scenario needs anvil’s 10 unlocked accounts');
  const ctx: Ctx = { d, c: loadGovernanceContracts(), rpc, a: d.accounts };
  const grantee = ctx.a[7]!;
  const newcomer = ctx.a[8]!;

  // Alpha first: the OpenZeppelin stack ends with a proposal created in the last block, still pending.
  const alpha = await playAlpha(ctx, grantee, newcomer);
  const bravo = await playBravo(ctx, grantee, newcomer, options.safeDeposits ?? []);
  const openZeppelin = await playOpenZeppelin(ctx, grantee, newcomer, options.deposits ?? []);
  return { rpcUrl, openZeppelin, alpha, bravo, grantee, newcomer, endBlock: await d.blockNumber() };
}

async function mineBlocks(ctx: Ctx, count: bigint): Promise<void> {
  await ctx.rpc('anvil_mine', [numberToHex(count)]);
}

/** Spreads `shares` of `token` from the deployer and sets each holder's delegate (by account index). */
async function distribute(ctx: Ctx, token: Address, shares: readonly [number, bigint, number | null][], artifact = ctx.c.votesToken): Promise<void> {
  for (const [holder, amount] of shares) await ctx.d.write(token, artifact, 'transfer', [ctx.a[holder]!, amount]);
  for (const [holder, , delegate] of shares) if (delegate !== null) await ctx.d.write(token, artifact, 'delegate', [ctx.a[delegate]!], undefined, ctx.a[holder]!);
}

/** OpenZeppelin Governor, ERC20Votes and TimelockController. */
async function playOpenZeppelin(ctx: Ctx, grantee: Address, newcomer: Address, deposits: readonly TreasuryDeposit[]): Promise<ScenarioGovernance> {
  const { d, c, a } = ctx;
  const s = OZ_GOVERNOR_SETTINGS;
  const token = await d.deploy(c.votesToken, [a[0]!, OZ_TOKEN_SUPPLY]);
  const timelock = await d.deploy(c.timelockController, [s.timelockDelay, [], [zeroAddress], a[0]!]);
  const governor = await d.deploy(c.governor, [token, timelock, s.votingDelay, s.votingPeriod, s.proposalThreshold, s.quorumPercent]);
  // The governor proposes and cancels; anyone executes; the deployer gives up its admin role.
  const role = async (name: string) => (await d.read(timelock, c.timelockController, name, [])) as Hex;
  const [proposer, canceller, admin] = [await role('PROPOSER_ROLE'), await role('CANCELLER_ROLE'), await role('TIMELOCK_ADMIN_ROLE')];
  await d.write(timelock, c.timelockController, 'grantRole', [proposer, governor]);
  await d.write(timelock, c.timelockController, 'grantRole', [canceller, governor]);
  await d.write(timelock, c.timelockController, 'renounceRole', [admin, a[0]!]);

  // 10 M OCAG: 5.2 M delegated to four delegates, 0.3 M never delegated, 4 M in the treasury.
  await distribute(ctx, token, [
    [1, 2_000_000n * E18, 1],
    [2, 1_500_000n * E18, 2],
    [3, 1_000_000n * E18, 2],
    [4, 500_000n * E18, 4],
    [5, 200_000n * E18, 5],
    [6, 300_000n * E18, null],
  ]);
  await d.write(token, c.votesToken, 'transfer', [timelock, 4_000_000n * E18]);
  const treasuryNative = parseEther('5');
  await d.sendValue(timelock, treasuryNative);
  for (const deposit of deposits) {
    await depositTo(ctx, timelock, deposit);
  }

  const call = (abi: GovernanceContracts['votesToken']['abi'], functionName: string, args: readonly unknown[]) => encodeFunctionData({ abi, functionName, args } as never);
  type Plan = { targets: Address[]; values: bigint[]; calldatas: Hex[]; description: string };
  const propose = async (plan: Plan, from: Address): Promise<bigint> => {
    await d.write(governor, c.governor, 'propose', [plan.targets, plan.values, plan.calldatas, plan.description], undefined, from);
    return (await d.read(governor, c.governor, 'hashProposal', [plan.targets, plan.values, plan.calldatas, keccak256(toHex(plan.description))])) as bigint;
  };
  const vote = (id: bigint, support: 0 | 1 | 2, voter: number) => d.write(governor, c.governor, 'castVote', [id, support], undefined, a[voter]!);
  const lifecycle = (plan: Plan, fn: 'queue' | 'execute') =>
    d.write(governor, c.governor, fn, [plan.targets, plan.values, plan.calldatas, keccak256(toHex(plan.description))]);

  const grant: Plan = {
    targets: [token],
    values: [0n],
    calldatas: [call(c.votesToken.abi, 'transfer', [grantee, 1_000_000n * E18])],
    description: '# Grant 1,000,000 OCAG to the builders fund\nA quarter of the treasury.',
  };
  const upgrade: Plan = {
    targets: [token],
    values: [0n],
    calldatas: [encodeFunctionData({ abi: UPGRADE_ABI, functionName: 'upgradeTo', args: [newcomer] })],
    description: '# Upgrade the token\nPoint the token at a new implementation.',
  };
  const delay: Plan = {
    targets: [timelock],
    values: [0n],
    calldatas: [call(c.timelockController.abi, 'updateDelay', [600n])],
    description: '# Shorten the timelock delay to ten minutes',
  };
  const grantId = await propose(grant, a[1]!);
  const upgradeId = await propose(upgrade, a[2]!);
  const delayId = await propose(delay, a[4]!);
  await mineBlocks(ctx, s.votingDelay + 1n);
  // Grant: 3.5 M for, 0.5 M against, 0.2 M abstain. Upgrade: 2.5 M against beats 2 M for. Delay: 2.5 M for.
  for (const [id, support, voter] of [
    [grantId, 1, 1],
    [grantId, 1, 2],
    [grantId, 0, 4],
    [grantId, 2, 5],
    [upgradeId, 1, 1],
    [upgradeId, 0, 2],
    [delayId, 1, 2],
  ] as const) {
    await vote(id, support, voter);
  }
  await mineBlocks(ctx, s.votingPeriod + 1n);
  await lifecycle(grant, 'queue');
  await lifecycle(delay, 'queue');
  await d.increaseTime(s.timelockDelay + 1n);
  await lifecycle(grant, 'execute');

  // Still voting at the end of the scenario: a proposer-role grant and 3 of the treasury's 5 ETH.
  const live: Plan = {
    targets: [timelock, newcomer],
    values: [0n, parseEther('3')],
    calldatas: [call(c.timelockController.abi, 'grantRole', [proposer, newcomer]), '0x'],
    description: '# Add a proposer and pay the auditor',
  };
  const liveId = await propose(live, a[1]!);
  await mineBlocks(ctx, s.votingDelay + 1n);
  await vote(liveId, 1, 1);
  // Created in the scenario's last block: voting has not started.
  const handover: Plan = {
    targets: [token],
    values: [0n],
    calldatas: [encodeFunctionData({ abi: OWNABLE_ABI, functionName: 'transferOwnership', args: [newcomer] })],
    description: '# Hand the token over',
  };
  const pendingId = await propose(handover, a[4]!);

  return {
    governor,
    token,
    timelock,
    treasuryNative,
    accounts: a.slice(0, 7),
    proposals: [
      { id: grantId, description: grant.description, state: 'Executed', flags: ['treasury-transfer'], voters: 4 },
      { id: upgradeId, description: upgrade.description, state: 'Defeated', flags: ['upgrade'], voters: 2 },
      { id: delayId, description: delay.description, state: 'Queued', flags: [], voters: 1 },
      { id: liveId, description: live.description, state: 'Active', flags: ['role', 'treasury-transfer'], voters: 1 },
      { id: pendingId, description: handover.description, state: 'Pending', flags: ['ownership'], voters: 0 },
    ],
  };
}

async function depositTo(ctx: Ctx, to: Address, deposit: TreasuryDeposit): Promise<void> {
  await ctx.rpc('anvil_impersonateAccount', [deposit.from]);
  await ctx.d.write(deposit.token, ctx.c.votesToken, 'transfer', [to, deposit.amount], undefined, deposit.from);
  await ctx.rpc('anvil_stopImpersonatingAccount', [deposit.from]);
}

/**
 * OpenZeppelin 4.9.6 GovernorCompatibilityBravo (ERC20Votes token, 4 % quorum fraction) executing
 * through Compound's Timelock (`@uniswap/governance`'s build of it), and a Safe 1.4.1 1-of-3 (the
 * timelock and two wallets) holding part of the treasury. Proposals: a 500 k grant proposed
 * Bravo-style with a signature (executed), a token `upgradeTo` (defeated) and 2 of the timelock's
 * 4 ETH to the Safe (still active when the scenario ends). One Safe owner moves 0.5 ETH out of the
 * Safe alone: the 1-of-N risk, played on the real contract.
 */
async function playBravo(ctx: Ctx, grantee: Address, newcomer: Address, safeDeposits: readonly TreasuryDeposit[]): Promise<ScenarioGovernance & { safe: ScenarioSafe }> {
  const { d, c, a } = ctx;
  const s = BRAVO_GOVERNOR_SETTINGS;
  const token = await d.deploy(c.votesToken, [a[0]!, OZ_TOKEN_SUPPLY]);
  // Compound's Timelock takes its admin at construction: the governor, deployed next.
  const nonce = BigInt((await ctx.rpc('eth_getTransactionCount', [a[0]!, 'latest'])) as Hex);
  const predicted = getContractAddress({ from: a[0]!, nonce: nonce + 1n });
  const timelock = await d.deploy(c.compoundTimelock, [predicted, ALPHA_TIMELOCK_DELAY]);
  const governor = await d.deploy(c.bravoGovernor, [token, timelock, s.votingDelay, s.votingPeriod, s.proposalThreshold, s.quorumPercent]);
  if (governor !== predicted) throw new Error(`the Bravo governor landed at ${governor}, not at the Timelock's admin ${predicted}`);

  await distribute(ctx, token, [
    [1, 2_000_000n * E18, 1],
    [2, 1_500_000n * E18, 2],
    [3, 1_000_000n * E18, 2],
    [4, 500_000n * E18, 4],
    [5, 200_000n * E18, 5],
    [6, 300_000n * E18, null],
  ]);
  await d.write(token, c.votesToken, 'transfer', [timelock, 3_000_000n * E18]);
  const treasuryNative = parseEther('4');
  await d.sendValue(timelock, treasuryNative);
  const safe = await deploySafe(ctx, [timelock, a[1]!, newcomer], 1n);
  await d.write(token, c.votesToken, 'transfer', [safe.address, 1_000_000n * E18]);
  await d.sendValue(safe.address, parseEther('2'));
  for (const deposit of safeDeposits) await depositTo(ctx, safe.address, deposit);
  await safeTransferByOneOwner(ctx, safe.address, newcomer, grantee, safe.movedByOneOwner);

  type Plan = { targets: Address[]; values: bigint[]; signatures: string[]; args: Hex[]; description: string };
  const calldataOf = (plan: Plan) => plan.signatures.map((sig, i) => (sig === '' ? plan.args[i]! : (`${toFunctionSelector(sig)}${plan.args[i]!.slice(2)}` as Hex)));
  const propose = async (plan: Plan, from: Address): Promise<bigint> => {
    await d.write(governor, c.bravoGovernor, 'propose', [plan.targets, plan.values, plan.signatures, plan.args, plan.description], undefined, from);
    return (await d.read(governor, c.bravoGovernor, 'hashProposal', [plan.targets, plan.values, calldataOf(plan), keccak256(toHex(plan.description))])) as bigint;
  };
  const vote = (id: bigint, support: 0 | 1 | 2, voter: number) => d.write(governor, c.bravoGovernor, 'castVote', [id, support], undefined, a[voter]!);
  const grant: Plan = {
    targets: [token],
    values: [0n],
    signatures: ['transfer(address,uint256)'],
    args: [encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [grantee, 500_000n * E18])],
    description: '# Grant 500,000 OCAG from the Bravo treasury',
  };
  const upgrade: Plan = {
    targets: [token],
    values: [0n],
    signatures: [''],
    args: [encodeFunctionData({ abi: UPGRADE_ABI, functionName: 'upgradeTo', args: [newcomer] })],
    description: '# Upgrade the Bravo token',
  };
  const grantId = await propose(grant, a[1]!);
  const upgradeId = await propose(upgrade, a[2]!);
  await mineBlocks(ctx, s.votingDelay + 1n);
  for (const [id, support, voter] of [
    [grantId, 1, 1],
    [grantId, 1, 2],
    [grantId, 0, 4],
    [grantId, 2, 5],
    [upgradeId, 1, 1],
    [upgradeId, 0, 2],
  ] as const) {
    await vote(id, support, voter);
  }
  await mineBlocks(ctx, s.votingPeriod + 1n);
  await d.write(governor, c.bravoGovernor, 'queue', [grantId]);
  await d.increaseTime(ALPHA_TIMELOCK_DELAY + 1n);
  await d.write(governor, c.bravoGovernor, 'execute', [grantId]);

  const live: Plan = { targets: [safe.address], values: [parseEther('2')], signatures: [''], args: ['0x'], description: '# Move 2 ETH to the Safe' };
  const liveId = await propose(live, a[4]!);
  await mineBlocks(ctx, s.votingDelay + 1n);
  await vote(liveId, 1, 2);

  return {
    governor,
    token,
    timelock,
    treasuryNative,
    accounts: a.slice(0, 7),
    safe,
    proposals: [
      { id: grantId, description: grant.description, state: 'Executed', flags: ['treasury-transfer'], voters: 4 },
      { id: upgradeId, description: upgrade.description, state: 'Defeated', flags: ['upgrade'], voters: 2 },
      { id: liveId, description: live.description, state: 'Active', flags: ['treasury-transfer'], voters: 1 },
    ],
  };
}

/** A Safe proxy from the published singleton and factory, set up with `owners` and `threshold` (no modules, no fallback handler). */
async function deploySafe(ctx: Ctx, owners: Address[], threshold: bigint): Promise<ScenarioSafe> {
  const { d, c } = ctx;
  const singleton = await d.deploy(c.safeSingleton, []);
  const factory = await d.deploy(c.safeProxyFactory, []);
  const initializer = encodeFunctionData({
    abi: c.safeSingleton.abi,
    functionName: 'setup',
    args: [owners, threshold, zeroAddress, '0x', zeroAddress, zeroAddress, 0n, zeroAddress],
  });
  const args = [singleton, initializer, 0n] as const;
  // The proxy's address: the factory's answer to the same call, then the call itself.
  const data = encodeFunctionData({ abi: c.safeProxyFactory.abi, functionName: 'createProxyWithNonce', args });
  const answer = (await ctx.rpc('eth_call', [{ from: ctx.a[0]!, to: factory, data }, 'latest'])) as Hex;
  const address = getAddress(`0x${answer.slice(-40)}`);
  await d.write(factory, c.safeProxyFactory, 'createProxyWithNonce', args);
  const got = (await d.read(address, c.safeSingleton, 'getOwners', [])) as Address[];
  if (got.length !== owners.length) throw new Error(`the Safe at ${address} has ${got.length} owners, set up with ${owners.length}`);
  return { address, owners, threshold, singleton, factory, movedByOneOwner: parseEther('0.5') };
}

/**
 * `execTransaction` sent by one owner with only its own approval: Safe's "approved by the sender"
 * signature (r = the owner, s = 0, v = 1) counts as one of `threshold` signatures.
 */
async function safeTransferByOneOwner(ctx: Ctx, safe: Address, owner: Address, to: Address, value: bigint): Promise<void> {
  const signature = encodePacked(['uint256', 'uint256', 'uint8'], [BigInt(owner), 0n, 1]);
  await ctx.d.write(safe, ctx.c.safeSingleton, 'execTransaction', [to, value, '0x', 0, 0n, 0n, 0n, zeroAddress, zeroAddress, signature], undefined, owner);
}

const UPGRADE_ABI = [{ type: 'function', name: 'upgradeTo', stateMutability: 'nonpayable', inputs: [{ name: 'implementation', type: 'address' }], outputs: [] }] as const;
const OWNABLE_ABI = [{ type: 'function', name: 'transferOwnership', stateMutability: 'nonpayable', inputs: [{ name: 'newOwner', type: 'address' }], outputs: [] }] as const;

/** GovernorAlpha keeps proposals in a mapping at storage slot 3; `endBlock` is the struct's 9th word. */
const ALPHA_PROPOSALS_SLOT = 3n;
const ALPHA_END_BLOCK_WORD = 8n;

/** Uniswap's Uni, GovernorAlpha and Timelock from `@uniswap/governance`. */
async function playAlpha(ctx: Ctx, grantee: Address, newcomer: Address): Promise<ScenarioGovernance> {
  const { d, c, a } = ctx;
  const now = await d.timestamp();
  const uni = await d.deploy(c.uni, [a[0]!, a[0]!, now + 365n * DAY]);
  // The Timelock's admin is the governor, deployed next: its address follows from the deployer's nonce.
  const nonce = BigInt((await ctx.rpc('eth_getTransactionCount', [a[0]!, 'latest'])) as Hex);
  const predicted = getContractAddress({ from: a[0]!, nonce: nonce + 1n });
  const timelock = await d.deploy(c.compoundTimelock, [predicted, ALPHA_TIMELOCK_DELAY]);
  const governor = await d.deploy(c.governorAlpha, [timelock, uni]);
  if (governor !== predicted) throw new Error(`GovernorAlpha landed at ${governor}, not at the Timelock's admin ${predicted}`);

  // 1 B UNI: 90 M delegated to four delegates, 3 M never delegated, 400 M in the treasury.
  await distribute(
    ctx,
    uni,
    [
      [1, 30_000_000n * E18, 1],
      [2, 25_000_000n * E18, 2],
      [3, 20_000_000n * E18, 2],
      [4, 10_000_000n * E18, 4],
      [5, 5_000_000n * E18, 5],
      [6, 3_000_000n * E18, null],
    ],
    c.uni,
  );
  await d.write(uni, c.uni, 'transfer', [timelock, 400_000_000n * E18]);
  const treasuryNative = parseEther('10');
  await d.sendValue(timelock, treasuryNative);

  const args = (types: string, values: readonly unknown[]) =>
    encodeAbiParameters(
      types.split(',').map((type) => ({ type })),
      values,
    );
  const grantDescription = '# Grant 100,000,000 UNI\nA quarter of the treasury to the builders fund.';
  await d.write(governor, c.governorAlpha, 'propose', [[uni], [0n], ['transfer(address,uint256)'], [args('address,uint256', [grantee, 100_000_000n * E18])], grantDescription], undefined, a[1]!);
  const grantId = (await d.read(governor, c.governorAlpha, 'proposalCount', [])) as bigint;
  await mineBlocks(ctx, 2n);
  await d.write(governor, c.governorAlpha, 'castVote', [grantId, true], undefined, a[1]!);
  await d.write(governor, c.governorAlpha, 'castVote', [grantId, true], undefined, a[2]!);
  await d.write(governor, c.governorAlpha, 'castVote', [grantId, false], undefined, a[4]!);
  await shortenAlphaVoting(ctx, governor, grantId);
  await d.write(governor, c.governorAlpha, 'queue', [grantId]);
  await d.increaseTime(ALPHA_TIMELOCK_DELAY + 1n);
  await d.write(governor, c.governorAlpha, 'execute', [grantId]);

  const liveDescription = '# Hand the timelock to a new admin and pay 6 ETH';
  await d.write(
    governor,
    c.governorAlpha,
    'propose',
    [[timelock, newcomer], [0n, parseEther('6')], ['setPendingAdmin(address)', ''], [args('address', [newcomer]), '0x'], liveDescription],
    undefined,
    a[2]!,
  );
  const liveId = (await d.read(governor, c.governorAlpha, 'proposalCount', [])) as bigint;
  await mineBlocks(ctx, 2n);
  await d.write(governor, c.governorAlpha, 'castVote', [liveId, false], undefined, a[4]!);

  return {
    governor,
    token: uni,
    timelock,
    treasuryNative,
    accounts: a.slice(0, 7),
    proposals: [
      { id: grantId, description: grantDescription, state: 'Executed', flags: ['treasury-transfer'], voters: 3 },
      { id: liveId, description: liveDescription, state: 'Active', flags: ['admin', 'treasury-transfer'], voters: 1 },
    ],
  };
}

/**
 * Ends a GovernorAlpha vote now: writes the current block as the proposal's `endBlock` and mines
 * one block, so `state()` moves on as it would after 40,320 blocks. Checked through `proposals()`.
 */
async function shortenAlphaVoting(ctx: Ctx, governor: Address, id: bigint): Promise<void> {
  const base = BigInt(keccak256(encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [id, ALPHA_PROPOSALS_SLOT])));
  const endBlock = await ctx.d.blockNumber();
  await ctx.rpc('anvil_setStorageAt', [governor, numberToHex(base + ALPHA_END_BLOCK_WORD, { size: 32 }), numberToHex(endBlock, { size: 32 })]);
  const proposal = (await ctx.d.read(governor, ctx.c.governorAlpha, 'proposals', [id])) as readonly unknown[];
  if (proposal[4] !== endBlock) throw new Error(`GovernorAlpha storage layout moved: endBlock of proposal ${id} reads ${String(proposal[4])}, wrote ${endBlock}`);
  await mineBlocks(ctx, 1n);
}
