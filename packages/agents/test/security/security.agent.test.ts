import { ChainClients } from '@oca/chain';
import { GoPlusTokenSecurityResponse, toGoPlus } from '@oca/contracts';
import { ARTIFACTS, compileMarketContracts, deployTokenScenario, receiptOf, UNISWAP_V3, REWRITTEN_BALANCE, SECURITY_TOKEN_KEYS, startAnvil, type AnvilInstance, type SecurityFlag, type SecurityTokenKey, type TokenScenario } from '@oca/testkit';
import pino from 'pino';
import { concatHex, createPublicClient, createTestClient, createWalletClient, encodePacked, erc20Abi, getAddress, http, keccak256, parseAbi, parseAbiItem, parseEther, toHex, zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { PermanentAgentError, type AgentContext } from '../../src';
import { securityAgent } from '../../src/security';
import { SecurityResult, type SecurityData } from '../../src/security/schemas';
import { expectWithin } from './limits-truth';

// anvil start-up, ~150 scenario transactions and a cold solc compile on a loaded 2-core runner.
// (Each analysis's limits bisection is one eth_call of a few milliseconds: 3 swaps for a token
// without caps, ~60 for one with all three.)
jest.setTimeout(60_000);

const NOW = new Date('2025-01-02T03:04:05.000Z');
const DEAD: Address = '0x000000000000000000000000000000000000dEaD';
const EIP1967_IMPLEMENTATION = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';

let anvil: AnvilInstance;
let scenario: TokenScenario;
let chain: ChainClients;
/** Independent reads to recompute what the agent reports. */
let rpc: PublicClient;
const results = new Map<SecurityTokenKey, SecurityResult>();

function ctx(): AgentContext {
  return { chain, logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW };
}

async function analyse(address: string): Promise<SecurityResult> {
  const params = securityAgent.params.parse({ network: 'devnet', address });
  return SecurityResult.parse(await securityAgent.run(params, ctx()));
}

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployTokenScenario(anvil.rpcUrl);
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  for (const key of SECURITY_TOKEN_KEYS) results.set(key, await analyse(scenario.tokens[key].address));
});

afterAll(async () => {
  await anvil?.stop();
});

const result = (key: SecurityTokenKey) => results.get(key)!;
const serious = (r: SecurityResult) => r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');

/** Where each ground-truth flag lives in the result, and the finding title that must explain it. */
const FLAG_CHECKS: Record<SecurityFlag, { field: (d: SecurityData) => boolean | null; title: RegExp }> = {
  isProxy: { field: (d) => d.contract.isProxy, title: /upgradeable proxy/i },
  mintable: { field: (d) => d.capabilities.mintable, title: /can mint/i },
  transferPausable: { field: (d) => d.capabilities.transferPausable, title: /can be paused/i },
  blacklist: { field: (d) => d.capabilities.blacklist, title: /blacklist/i },
  ownerCanChangeBalance: { field: (d) => d.capabilities.ownerCanChangeBalance, title: /rewrite balances/i },
  taxModifiable: { field: (d) => d.capabilities.taxModifiable, title: /change the taxes/i },
  tradingCooldown: { field: (d) => d.capabilities.tradingCooldown, title: /cooldown/i },
  antiWhale: { field: (d) => d.capabilities.antiWhale, title: /maximum transaction/i },
  isHoneypot: { field: (d) => d.trading.isHoneypot, title: /honeypot/i },
  liquidityHeldByDeployer: {
    field: (d) => {
      const top = d.liquidity.pools[0]?.lpHolders[0];
      return d.liquidity.lpBurnedPercent! < 1 && top?.address === scenario.deployer && top.percent > 50;
    },
    title: /liquidity can be pulled/i,
  },
};
const FLAGS = Object.keys(FLAG_CHECKS) as SecurityFlag[];
const CLEAN: SecurityTokenKey[] = ['clean', 'stablecoin', 'weth', 'lpLocked', 'v3Clean', 'v3Locked'];
const RISKY = SECURITY_TOKEN_KEYS.filter((k) => !CLEAN.includes(k));

describe('ground truth: risky scenario tokens', () => {
  it.each(RISKY)('%s: each expected flag is set and explained by a high or critical finding; no other flag is set', (key) => {
    const { expected } = scenario.tokens[key];
    const r = result(key);
    expect(expected.risky).toBe(true);
    expect(serious(r).length).toBeGreaterThan(0);
    for (const flag of FLAGS) {
      const check = FLAG_CHECKS[flag];
      if (expected.flags.includes(flag)) {
        expect({ flag, value: check.field(r.data) }).toEqual({ flag, value: true });
        expect(serious(r).map((f) => f.title)).toContainEqual(expect.stringMatching(check.title));
      } else {
        expect({ flag, value: check.field(r.data) ?? false }).toEqual({ flag, value: false });
      }
    }
    expect(['DANGER', 'CRITICAL']).toContain(r.data.verdict);
    expect(r.data.score).toBeLessThanOrEqual(50);
  });

  it('the 50 % sell tax is a high or critical finding of its own', () => {
    expect(serious(result('sellTax')).map((f) => f.title)).toContainEqual(expect.stringMatching(/^Sell tax 4\d\.\d\d%|^Sell tax 50/));
  });

  it('a honeypot reports the token’s own revert reason', () => {
    expect(result('ownerSellOnly').data.trading).toMatchObject({ cannotBuy: false, isHoneypot: true, honeypotReason: 'sell failed: sell disabled', sellTax: null });
    expect(result('ownerSellOnly').data.verdict).toBe('CRITICAL');
  });
});

describe('ground truth: clean references', () => {
  it.each(CLEAN)('%s: no flag set, no high or critical finding, verdict SAFE or WARNING', (key) => {
    const r = result(key);
    expect(scenario.tokens[key].expected.risky).toBe(false);
    for (const flag of FLAGS) expect({ flag, value: FLAG_CHECKS[flag].field(r.data) ?? false }).toEqual({ flag, value: false });
    expect(r.data.contract).toMatchObject({ selfdestruct: false, delegatecall: false, isProxy: false, riskyFunctions: [] });
    expect(serious(r)).toEqual([]);
    expect(['SAFE', 'WARNING']).toContain(r.data.verdict);
  });

  it('WETH is simulated by wrapping and unwrapping, with no liquidity verdict', () => {
    expect(result('weth').data.trading).toMatchObject({ method: 'wrap', pool: null, buyTax: 0, sellTax: 0, transferTax: 0, isHoneypot: false });
    expect(result('weth').findings.map((f) => f.title)).not.toContainEqual(expect.stringMatching(/liquidity/i));
  });
});

describe('trading simulation', () => {
  it.each(SECURITY_TOKEN_KEYS.filter((k) => k !== 'weth'))('%s: taxes within 1 percentage point of the configured ones, through the WETH pool (V2 or V3)', (key) => {
    const { expected, wethPair, v3Pool } = scenario.tokens[key];
    const { trading } = result(key).data;
    expect(trading.method).toBe(v3Pool ? 'v3-pool' : 'v2-pair');
    expect(trading.pool).toBe(v3Pool ?? wethPair);
    expect(trading.quoteToken).toBe(scenario.weth);
    expect(trading.cannotBuy).toBe(false);
    expect(Math.abs(trading.buyTax! - expected.buyTax)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(trading.transferTax! - expected.transferTax)).toBeLessThanOrEqual(0.01);
    if (expected.flags.includes('isHoneypot')) return;
    expect(Math.abs(trading.sellTax! - expected.sellTax)).toBeLessThanOrEqual(0.01);
    expect(trading).toMatchObject({ isHoneypot: false, cannotSellAll: false, honeypotReason: null });
  });

  it('takes the deepest pool when a token has several (CLEAN: WETH pool over the CLEAN/USDX pool)', () => {
    const { liquidity, trading } = result('clean').data;
    expect(liquidity.pools.map((p) => p.address)).toEqual([scenario.tokens.clean.wethPair, scenario.cleanStablePair]);
    expect(trading.pool).toBe(scenario.tokens.clean.wethPair);
  });
});

describe('contract', () => {
  it('reads the EIP-1967 proxy: implementation from the slot, the admin, the implementation’s functions', async () => {
    const { contract } = result('proxy').data;
    const slot = await rpc.getStorageAt({ address: scenario.tokens.proxy.address, slot: EIP1967_IMPLEMENTATION });
    expect(contract.proxy).toEqual({ kind: 'EIP-1967', implementation: getAddress(`0x${slot!.slice(-40)}`), admin: scenario.proxyAdmin, beacon: null, upgradeable: true });
    expect(contract.ownerAddress).toBe(scenario.deployer);
  });

  it('finds risky functions by dispatcher selector, with the selector as evidence', () => {
    expect(result('mintable').data.contract.riskyFunctions).toEqual([{ selector: '0x40c10f19', signature: 'mint(address,uint256)', category: 'mint', foundIn: 'contract' }]);
    expect(result('maxTx').data.capabilities).toMatchObject({ antiWhale: true, antiWhaleModifiable: true });
    expect(result('mintable').findings.find((f) => /can mint/.test(f.title))?.evidence).toContain('0x40c10f19');
  });

  it('reports owners and renounced ownership as the chain has them', () => {
    for (const key of SECURITY_TOKEN_KEYS) {
      const { expected } = scenario.tokens[key];
      expect({ key, owner: result(key).data.contract.ownerAddress, renounced: result(key).data.contract.ownershipRenounced }).toEqual({
        key,
        owner: expected.owner,
        renounced: expected.ownershipRenounced,
      });
    }
  });
});

describe('proxy kinds', () => {
  /** A fresh address for a hand-made contract. */
  const fresh = (label: string) => getAddress(`0x${keccak256(toHex(`security-test:${label}`)).slice(-40)}`);
  const cheats = () => createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) });

  it('EIP-1167 clone: fixed implementation, its functions found there, no upgrade finding', async () => {
    const clone = fresh('clone');
    const implementation = scenario.tokens.mintable.address;
    await cheats().setCode({ address: clone, bytecode: `0x363d3d373d3d3d363d73${implementation.slice(2)}5af43d82803e903d91602b57fd5bf3` });
    const r = await analyse(clone);
    expect(r.data.contract.proxy).toEqual({ kind: 'EIP-1167', implementation, admin: null, beacon: null, upgradeable: false });
    expect(r.data.contract.riskyFunctions).toEqual([expect.objectContaining({ signature: 'mint(address,uint256)', foundIn: 'implementation' })]);
    expect(r.findings.map((f) => f.title)).not.toContain('Upgradeable proxy: the code can be replaced');
  });

  it('EIP-1822 (PROXIABLE slot): a hand-assembled delegating proxy', async () => {
    const slot = keccak256(toHex('PROXIABLE'));
    // calldatacopy; delegatecall(gas, sload(slot), 0, cds, 0, 0); returndatacopy; return or revert.
    const runtime = concatHex(['0x366000600037600060003660007f', slot, '0x545af43d600060003e603e573d6000fd5b3d6000f3']) as Hex;
    const proxy = fresh('uups');
    const implementation = scenario.tokens.cooldown.address;
    await cheats().setCode({ address: proxy, bytecode: runtime });
    await cheats().setStorageAt({ address: proxy, index: slot, value: `0x${implementation.slice(2).toLowerCase().padStart(64, '0')}` });
    const r = await analyse(proxy);
    expect(r.data.contract.proxy).toEqual({ kind: 'EIP-1822', implementation, admin: null, beacon: null, upgradeable: true });
    expect(r.data.capabilities.tradingCooldown).toBe(true);
    // The slot hash in PUSH32 data and the proxy's own DELEGATECALL are not mistaken for risks.
    expect(r.data.contract).toMatchObject({ selfdestruct: false, delegatecall: false });
  });

  it('beacon proxy: implementation read through the beacon', async () => {
    const wallet = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: scenario.deployer });
    const deploy = async (artifact: { abi: readonly unknown[]; bytecode: Hex }, args: unknown[]) => {
      const hash = await wallet.deployContract({ abi: artifact.abi as never, bytecode: artifact.bytecode, args: args as never });
      return getAddress((await receiptOf(rpc, hash)).contractAddress!);
    };
    const implementation = getAddress(`0x${(await rpc.getStorageAt({ address: scenario.tokens.proxy.address, slot: EIP1967_IMPLEMENTATION }))!.slice(-40)}`);
    const beacon = await deploy(ARTIFACTS.upgradeableBeacon, [implementation]);
    const proxy = await deploy(ARTIFACTS.beaconProxy, [beacon, '0x']);
    const r = await analyse(proxy);
    expect(r.data.contract.proxy).toEqual({ kind: 'EIP-1967-beacon', implementation, admin: null, beacon, upgradeable: true });
    expect(serious(r).map((f) => f.title)).toContain('Upgradeable proxy: the code can be replaced');
  });
});

describe('holders', () => {
  /** Every address the scenario ever gave tokens to, and the burn addresses. */
  const candidates = () =>
    [...new Set<Address>([scenario.deployer, scenario.proxyAdmin, scenario.trader, ...scenario.holders, ...scenario.lpProviders, scenario.contractHolder, scenario.cleanStablePair, scenario.lpLocker, DEAD, zeroAddress, ...SECURITY_TOKEN_KEYS.flatMap((k) => [scenario.tokens[k].wethPair, scenario.tokens[k].v3Pool]).filter((p): p is Address => p !== null)])];

  async function balances(token: Address, blockNumber: bigint) {
    const list = candidates();
    const values = await Promise.all(list.map((account) => rpc.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [account], blockNumber })));
    return new Map(list.map((account, i) => [account, values[i]!]));
  }

  it.each(SECURITY_TOKEN_KEYS)('%s: count and percentages equal values recomputed from balanceOf', async (key) => {
    const r = result(key);
    const token = scenario.tokens[key].address;
    const block = BigInt(r.blockNumber);
    const supply = await rpc.readContract({ address: token, abi: erc20Abi, functionName: 'totalSupply', blockNumber: block });
    // Largest first; equal balances by lower-case address, as the agent documents.
    const held = [...(await balances(token, block))]
      .filter(([, b]) => b > 0n)
      .sort(([x, a], [y, b]) => (a !== b ? (a > b ? -1 : 1) : x.toLowerCase() < y.toLowerCase() ? -1 : 1));
    const pct = (b: bigint) => (Number(b) / Number(supply)) * 100;
    const holders = r.data.holders!;
    expect(holders.holderCount).toBe(held.length);
    expect(holders.topHolders.map((h) => [h.address, h.balance])).toEqual(held.slice(0, 10).map(([a, b]) => [a, b.toString()]));
    holders.topHolders.forEach((h, i) => expect(h.percent).toBeCloseTo(pct(held[i]![1]), 4));
    expect(holders.top10Percent).toBeCloseTo(pct(held.slice(0, 10).reduce((s, [, b]) => s + b, 0n)), 4);
    const owner = scenario.tokens[key].expected.owner;
    if (owner) expect(holders.ownerPercent).toBeCloseTo(pct(held.find(([a]) => a === owner)?.[1] ?? 0n), 4);
    else expect(holders.ownerPercent).toBeNull();
  });

  it('finds the creator: the deployer, from the creation transaction\'s receipt (WETH too, which mints by Deposit)', async () => {
    for (const key of ['clean', 'weth'] as const) {
      const { creator } = result(key).data.contract;
      expect(creator).toMatchObject({ address: scenario.deployer, factory: null, method: 'creation-receipt', unknownReason: null });
      // Recomputed: that transaction's receipt created this very contract, in that block, sent by the deployer.
      const receipt = await rpc.getTransactionReceipt({ hash: creator.transaction as Hex });
      expect({ contract: receipt.contractAddress && getAddress(receipt.contractAddress), from: getAddress(receipt.from), block: receipt.blockNumber.toString() }).toEqual({
        contract: scenario.tokens[key].address,
        from: scenario.deployer,
        block: creator.block,
      });
      expect(result(key).data.holders!.creatorAddress).toBe(scenario.deployer);
    }
    expect(result('clean').data.holders!.creatorPercent).toBeCloseTo(35.5, 6);
    const [wethHeld, wethSupply] = await Promise.all([
      rpc.readContract({ address: scenario.weth, abi: erc20Abi, functionName: 'balanceOf', args: [scenario.deployer], blockNumber: BigInt(result('weth').blockNumber) }),
      rpc.readContract({ address: scenario.weth, abi: erc20Abi, functionName: 'totalSupply', blockNumber: BigInt(result('weth').blockNumber) }),
    ]);
    expect(result('weth').data.holders!.creatorPercent).toBeCloseTo((Number(wethHeld) / Number(wethSupply)) * 100, 6);
    expect(result('weth').data.holders!.holderCount).toBeGreaterThan(10);
  });

  it('tells contracts, pools and EOAs apart', () => {
    const top = result('blacklist').data.holders!.topHolders;
    expect(top.find((h) => h.address === scenario.tokens.blacklist.wethPair)).toMatchObject({ isContract: true, tag: 'pool' });
    expect(top.find((h) => h.address === scenario.contractHolder)).toMatchObject({ isContract: true, tag: null });
    expect(top.find((h) => h.address === scenario.holders[0])).toMatchObject({ isContract: false, tag: null });
    expect(top.find((h) => h.address === scenario.deployer)).toMatchObject({ isContract: false, tag: 'owner' });
  });

  it('reads balances, not Transfer sums: a silent setBalance shows', () => {
    const h0 = result('balanceRewrite').data.holders!.topHolders.find((h) => h.address === scenario.holders[0]);
    expect(h0?.balance).toBe(REWRITTEN_BALANCE.toString());
  });
});

describe('liquidity', () => {
  it('distinguishes burned LP from LP held by the deployer', () => {
    const burned = result('clean').data.liquidity;
    expect(burned.lpBurnedPercent).toBe(100);
    expect(burned.pools[0]!.lpHolders.map((h) => h.tag)).toEqual(['burn', 'burn']);
    expect(result('clean').findings.map((f) => f.title)).not.toContainEqual(expect.stringMatching(/liquidity can be pulled/i));

    const held = result('lpHeld').data.liquidity;
    expect(held.lpBurnedPercent).toBeLessThan(0.000001);
    expect(held.lpLockedPercent).toBe(0);
    expect(held.pools[0]!.lpHolders[0]).toMatchObject({ address: scenario.deployer, tag: 'creator', isContract: false });
    expect(held.pools[0]!.lpHolders[0]!.percent).toBeGreaterThan(99.99);
  });

  it('reads reserves and LP shares as the pair holds them', async () => {
    const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)', 'function totalSupply() view returns (uint256)', 'function balanceOf(address) view returns (uint256)']);
    const r = result('stablecoin');
    const pool = r.data.liquidity.pools[0]!;
    const pair = getAddress(pool.address);
    const block = BigInt(r.blockNumber);
    const [reserves, token0, lpSupply] = await Promise.all([
      rpc.readContract({ address: pair, abi: pairAbi, functionName: 'getReserves', blockNumber: block }),
      rpc.readContract({ address: pair, abi: pairAbi, functionName: 'token0', blockNumber: block }),
      rpc.readContract({ address: pair, abi: pairAbi, functionName: 'totalSupply', blockNumber: block }),
    ]);
    const tokenIs0 = token0 === scenario.tokens.stablecoin.address;
    expect(pool).toMatchObject({ reserveToken: String(tokenIs0 ? reserves[0] : reserves[1]), reserveQuote: String(tokenIs0 ? reserves[1] : reserves[0]), lpTotalSupply: lpSupply.toString(), quoteToken: scenario.weth });
    // 40 / 30 / 30 between the deployer and two providers, plus V2's MINIMUM_LIQUIDITY at 0x0.
    expect(pool.lpHolders.map((h) => [h.address, Math.round(h.percent)])).toEqual([
      [scenario.deployer, 40],
      [scenario.lpProviders[0], 30],
      [scenario.lpProviders[1], 30],
      [zeroAddress, 0],
    ]);
    expect(r.findings.find((f) => f.title === 'Liquidity not locked')?.severity).toBe('medium');
  });
});

describe('LP lockers', () => {
  const lockerAbi = parseAbi(['function lockedBalance(address) view returns (uint256)', 'function balanceOf(address) view returns (uint256)']);

  it('counts LP in the devnet locker as locked only while its lock runs; burned and deployer shares as the scenario split them', async () => {
    const r = result('lpLocked');
    const split = scenario.lpLocks;
    const supply = BigInt(split.lpTotalSupply);
    // The agent's percent: exact integer division to 6 decimals.
    const share = (raw: bigint) => Number((raw * 100_000_000n) / supply) / 1_000_000;
    const [locked, expired, burned] = [BigInt(split.locked), BigInt(split.expired), BigInt(split.burned)];
    const pool = r.data.liquidity.pools[0]!;
    expect(pool).toMatchObject({ address: split.pair, dex: 'uniswap-v2', lpTotalSupply: split.lpTotalSupply, lpUnknownReason: null });
    // V2 sends MINIMUM_LIQUIDITY (1000 wei) to 0x0 on the first mint: burned too.
    expect(pool.lpBurnedPercent).toBe(share(burned + 1000n));
    expect(pool.lpLockedPercent).toBe(share(locked));
    expect(pool.lpLocks).toEqual([{ locker: scenario.lpLocker, name: 'OCA devnet LP time-lock', heldPercent: share(locked + expired), lockedPercent: share(locked), expiryChecked: true }]);
    expect(r.data.liquidity).toMatchObject({ lpBurnedPercent: pool.lpBurnedPercent, lpLockedPercent: pool.lpLockedPercent });
    expect([Math.round(pool.lpLockedPercent!), Math.round(pool.lpBurnedPercent!), Math.round(share(locked + expired))]).toEqual([40, 30, 50]);

    const holders = new Map(pool.lpHolders.map((h) => [h.address, h]));
    expect(holders.get(scenario.lpLocker)).toMatchObject({ tag: 'locker', isContract: true, balance: (locked + expired).toString() });
    expect(holders.get(scenario.deployer)).toMatchObject({ tag: 'creator', balance: split.deployer, percent: share(BigInt(split.deployer)) });
    expect(Math.round(share(BigInt(split.deployer)))).toBe(20);

    // Independently, at the result's block: the clock is past the short lock, so the locker itself
    // says only the long lock is locked, while it still holds both.
    const blockNumber = BigInt(r.blockNumber);
    expect(await rpc.readContract({ address: scenario.lpLocker, abi: lockerAbi, functionName: 'lockedBalance', args: [split.pair], blockNumber })).toBe(locked);
    expect(await rpc.readContract({ address: split.pair, abi: lockerAbi, functionName: 'balanceOf', args: [scenario.lpLocker], blockNumber })).toBe(locked + expired);
    expect((await rpc.getBlock({ blockNumber })).timestamp).toBeGreaterThan(BigInt(split.expiredAt));
    expect((await rpc.getBlock({ blockNumber })).timestamp).toBeLessThan(BigInt(split.lockedUntil));

    const titles = r.findings.map((f) => [f.severity, f.title]);
    expect(titles).toContainEqual(['info', `Liquidity ${pool.lpBurnedPercent!.toFixed(2)}% burned, ${pool.lpLockedPercent!.toFixed(2)}% locked`]);
    expect(titles).toContainEqual(['low', `Expired LP lock: ${(share(locked + expired) - share(locked)).toFixed(2)}% withdrawable`]);
  });

  it('GoPlus marks the locker’s LP as locked and lists it next to the burned LP', () => {
    const entry = toGoPlus(result('lpLocked')).result[scenario.tokens.lpLocked.address.toLowerCase()]!;
    const byAddress = new Map(entry.lp_holders.map((h) => [h.address, h]));
    expect(byAddress.get(scenario.lpLocker)).toMatchObject({ is_locked: '1', is_contract: '1', tag: 'Locker' });
    expect(byAddress.get(DEAD)).toMatchObject({ is_locked: '1', tag: 'Burn' });
    expect(byAddress.get(scenario.deployer)).toMatchObject({ is_locked: '0' });
  });
});

describe('Uniswap V3 pools', () => {
  const v3PoolAbi = parseAbi([
    'function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)',
    'function liquidity() view returns (uint128)',
    'function fee() view returns (uint24)',
    'function positions(bytes32) view returns (uint128, uint256, uint256, uint128, uint128)',
  ]);
  const mintEvent = parseAbiItem('event Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)');
  const npmAbi = parseAbi([
    'function totalSupply() view returns (uint256)',
    'function tokenByIndex(uint256) view returns (uint256)',
    'function ownerOf(uint256) view returns (address)',
    'function positions(uint256) view returns (uint96, address, address token0, address token1, uint24 fee, int24, int24, uint128 liquidity, uint256, uint256, uint128, uint128)',
  ]);
  const lockerAbi = parseAbi(['function isNftLocked(address, uint256) view returns (bool)']);

  /**
   * The pool's position liquidity recomputed independently of the agent: every raw position its Mint
   * logs name (the pool's own `positions(key)`), and every NFT of the scenario's position manager
   * by enumeration (ERC721Enumerable), kept when it is a position of this pool.
   */
  async function v3Truth(pool: Address, blockNumber: bigint) {
    const npm = scenario.uniswapV3PositionManager;
    const mints = await rpc.getLogs({ address: pool, event: mintEvent, fromBlock: 0n, toBlock: blockNumber });
    const keys = [...new Set(mints.map((m) => keccak256(encodePacked(['address', 'int24', 'int24'], [m.args.owner!, m.args.tickLower!, m.args.tickUpper!]))))];
    let total = 0n;
    for (const key of keys) total += (await rpc.readContract({ address: pool, abi: v3PoolAbi, functionName: 'positions', args: [key], blockNumber }))[0];
    const [token0, token1, fee] = await Promise.all(
      (['token0', 'token1', 'fee'] as const).map((f) => rpc.readContract({ address: pool, abi: parseAbi([`function ${f}() view returns (${f === 'fee' ? 'uint24' : 'address'})`]), functionName: f, blockNumber })),
    );
    const byOwner = new Map<Address, { liquidity: bigint; locked: bigint }>();
    const count = await rpc.readContract({ address: npm, abi: npmAbi, functionName: 'totalSupply', blockNumber });
    for (let i = 0n; i < count; i++) {
      const id = await rpc.readContract({ address: npm, abi: npmAbi, functionName: 'tokenByIndex', args: [i], blockNumber });
      const p = await rpc.readContract({ address: npm, abi: npmAbi, functionName: 'positions', args: [id], blockNumber });
      if (p[2] !== token0 || p[3] !== token1 || p[4] !== fee || p[7] === 0n) continue;
      const owner = getAddress(await rpc.readContract({ address: npm, abi: npmAbi, functionName: 'ownerOf', args: [id], blockNumber }));
      const locked = owner === scenario.lpLocker && (await rpc.readContract({ address: scenario.lpLocker, abi: lockerAbi, functionName: 'isNftLocked', args: [npm, id], blockNumber }));
      const entry = byOwner.get(owner) ?? { liquidity: 0n, locked: 0n };
      entry.liquidity += p[7];
      if (locked) entry.locked += p[7];
      byOwner.set(owner, entry);
    }
    const attributed = [...byOwner.values()].reduce((sum, e) => sum + e.liquidity, 0n);
    // The agent's percent: exact integer division to 6 decimals.
    const share = (raw: bigint) => Number((raw * 100_000_000n) / total) / 1_000_000;
    return { total, byOwner, attributed, share };
  }

  it.each(['v3Clean', 'v3SellTax', 'v3Honeypot', 'v3Locked'] as const)('%s: its only pool is reported with the figures the pool holds', async (key) => {
    const r = result(key);
    const token = scenario.tokens[key];
    const pool = token.v3Pool!;
    const blockNumber = BigInt(r.blockNumber);
    const [slot0, liquidity, tokenBalance, wethBalance] = await Promise.all([
      rpc.readContract({ address: pool, abi: v3PoolAbi, functionName: 'slot0', blockNumber }),
      rpc.readContract({ address: pool, abi: v3PoolAbi, functionName: 'liquidity', blockNumber }),
      rpc.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [pool], blockNumber }),
      rpc.readContract({ address: scenario.weth, abi: erc20Abi, functionName: 'balanceOf', args: [pool], blockNumber }),
    ]);
    const [token0, token1] = token.address.toLowerCase() < scenario.weth.toLowerCase() ? [token.address, scenario.weth] : [scenario.weth, token.address];
    expect(r.data.liquidity.pools).toHaveLength(1);
    expect(r.data.liquidity.pools[0]).toMatchObject({
      address: pool,
      dex: 'uniswap-v3',
      factory: scenario.uniswapV3Factory,
      token0,
      token1,
      feeTier: 3000,
      quoteToken: scenario.weth,
      reserveToken: tokenBalance.toString(),
      reserveQuote: wethBalance.toString(),
      sqrtPriceX96: slot0[0].toString(),
      liquidity: liquidity.toString(),
      lpTotalSupply: null,
      positionLiquidity: (await v3Truth(pool, blockNumber)).total.toString(),
    });
    expect(r.data.holders!.topHolders.find((h) => h.address === pool)).toMatchObject({ tag: 'pool', isContract: true });
  });

  it.each(['v3Clean', 'v3SellTax', 'v3Locked'] as const)('%s: LP holders are the position NFTs’ owners, by share of the pool’s position liquidity, as recomputed from the chain', async (key) => {
    const r = result(key);
    const pool = r.data.liquidity.pools[0]!;
    const truth = await v3Truth(scenario.tokens[key].v3Pool!, BigInt(r.blockNumber));
    expect(truth.attributed).toBe(truth.total); // every position was minted through the manager
    const expectedHolders = [...truth.byOwner].sort(([, a], [, b]) => (a.liquidity > b.liquidity ? -1 : 1)).map(([address, e]) => [address, e.liquidity.toString(), truth.share(e.liquidity)]);
    expect(pool.lpHolders.map((h) => [h.address, h.balance, h.percent])).toEqual(expectedHolders);
    expect(pool.lpHolderCount).toBe(truth.byOwner.size);
    expect(pool.lpBurnedPercent).toBe(truth.share(truth.byOwner.get(DEAD)?.liquidity ?? 0n));
    expect(pool.lpLockedPercent).toBe(truth.share(truth.byOwner.get(scenario.lpLocker)?.locked ?? 0n));
    expect(pool.lpUnattributedPercent).toBe(0);
    expect(pool.lpUnknownReason).toBeNull();
    expect(r.data.liquidity).toMatchObject({ lpBurnedPercent: pool.lpBurnedPercent, lpLockedPercent: pool.lpLockedPercent });
  });

  it('v3Clean’s position NFT is burned; v3SellTax’s is held by the deployer, who can pull the liquidity', () => {
    expect(result('v3Clean').data.liquidity.pools[0]!.lpHolders).toEqual([expect.objectContaining({ address: DEAD, tag: 'burn', percent: 100 })]);
    expect(result('v3Clean').findings.map((f) => [f.severity, f.title])).toContainEqual(['info', 'Liquidity 100.00% burned']);
    const held = result('v3SellTax');
    expect(held.data.liquidity.pools[0]!.lpHolders).toEqual([expect.objectContaining({ address: scenario.deployer, percent: 100, isContract: false })]);
    expect(serious(held).find((f) => f.title === 'Liquidity can be pulled by one holder')?.evidence).toMatch(/position liquidity/);
  });

  it('v3Locked: NFTs split burned / locked / expired lock / deployer as the scenario did; the expired lock is not counted', async () => {
    const r = result('v3Locked');
    const split = scenario.v3Locks;
    const blockNumber = BigInt(r.blockNumber);
    const pool = r.data.liquidity.pools[0]!;
    const truth = await v3Truth(split.pool, blockNumber);
    const npm = { address: scenario.uniswapV3PositionManager, abi: npmAbi } as const;
    const liquidityOf = async (id: string) => (await rpc.readContract({ ...npm, functionName: 'positions', args: [BigInt(id)], blockNumber }))[7];
    const [burned, locked, expired, kept] = await Promise.all([split.burnedTokenId, split.lockedTokenId, split.expiredTokenId, split.deployerTokenId].map(liquidityOf));
    // The owners are where the scenario put each NFT.
    for (const [id, owner] of [
      [split.burnedTokenId, DEAD],
      [split.lockedTokenId, scenario.lpLocker],
      [split.expiredTokenId, scenario.lpLocker],
      [split.deployerTokenId, scenario.deployer],
    ] as const) {
      expect(getAddress(await rpc.readContract({ ...npm, functionName: 'ownerOf', args: [BigInt(id)], blockNumber }))).toBe(owner);
    }
    expect(truth.total).toBe(burned! + locked! + expired! + kept!);
    expect(pool.lpBurnedPercent).toBe(truth.share(burned!));
    expect(pool.lpLockedPercent).toBe(truth.share(locked!));
    expect(pool.lpLocks).toEqual([{ locker: scenario.lpLocker, name: 'OCA devnet LP time-lock', heldPercent: truth.share(locked! + expired!), lockedPercent: truth.share(locked!), expiryChecked: true }]);
    expect(new Map(pool.lpHolders.map((h) => [h.address, h])).get(scenario.deployer)).toMatchObject({ tag: 'creator', balance: kept!.toString(), percent: truth.share(kept!) });
    expect([burned, locked, expired, kept].map((l) => Math.round(truth.share(l!)))).toEqual([30, 40, 10, 20]);
    // The clock is past the short lock and before the long one; the locker itself says so.
    const { timestamp } = await rpc.getBlock({ blockNumber });
    expect(timestamp).toBeGreaterThan(BigInt(split.expiredAt));
    expect(timestamp).toBeLessThan(BigInt(split.lockedUntil));
    expect(await rpc.readContract({ address: scenario.lpLocker, abi: lockerAbi, functionName: 'isNftLocked', args: [scenario.uniswapV3PositionManager, BigInt(split.expiredTokenId)], blockNumber })).toBe(false);

    const titles = r.findings.map((f) => [f.severity, f.title]);
    expect(titles).toContainEqual(['info', `Liquidity ${pool.lpBurnedPercent!.toFixed(2)}% burned, ${pool.lpLockedPercent!.toFixed(2)}% locked`]);
    expect(titles).toContainEqual(['low', `Expired LP lock: ${(truth.share(locked! + expired!) - truth.share(locked!)).toFixed(2)}% withdrawable`]);
    expect(serious(r)).toEqual([]);
  });

  it('v3Honeypot: a raw pool position (no NFT) is its owner’s own when the owner is an EOA, as the Mint log and the pool say', async () => {
    const r = result('v3Honeypot');
    const pool = r.data.liquidity.pools[0]!;
    const truth = await v3Truth(scenario.tokens.v3Honeypot.v3Pool!, BigInt(r.blockNumber));
    expect(truth.total).toBeGreaterThan(0n);
    expect(truth.attributed).toBe(0n); // no NFT of the manager
    expect(pool).toMatchObject({ lpHolderCount: 1, lpBurnedPercent: 0, lpLockedPercent: 0, lpUnattributedPercent: 0, lpLocks: [], lpUnknownReason: null });
    expect(pool.lpHolders).toEqual([{ address: scenario.deployer, balance: truth.total.toString(), percent: 100, isContract: false, tag: 'owner' }]);
    expect(serious(r).map((f) => f.title)).toContain('Liquidity can be pulled by one holder');
  });

  it('a raw position owned by a contract that is not a position manager is unattributed, not guessed; the locked share is then unknown', async () => {
    // A contract (the V2 factory, impersonated) mints a raw position in v3Locked's pool through a
    // fresh MarketTrader, paying from its own balances.
    const contract = scenario.contractHolder;
    const token = scenario.tokens.v3Locked.address;
    const poolAddress = scenario.v3Locks.pool;
    const test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) });
    const wallet = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: scenario.deployer });
    const send = async (hash: Hex) => expect((await receiptOf(rpc, hash)).status).toBe('success');
    const trader = compileMarketContracts().marketTrader;
    const v3Factory = () => ({ address: scenario.uniswapV3Factory, abi: UNISWAP_V3.factory.abi }) as const;
    let second: Address = zeroAddress;
    const traderAddress = getAddress((await receiptOf(rpc, await wallet.deployContract({ abi: trader.abi, bytecode: trader.bytecode }))).contractAddress!);
    await test.setBalance({ address: contract, value: parseEther('10') });
    await send(await wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'transfer', args: [contract, parseEther('1000')] }));
    await test.impersonateAccount({ address: contract });
    try {
      const asContract = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: contract });
      await send(await asContract.writeContract({ address: scenario.weth, abi: ARTIFACTS.weth9.abi, functionName: 'deposit', value: parseEther('1') }));
      for (const t of [token, scenario.weth]) await send(await asContract.writeContract({ address: t, abi: erc20Abi, functionName: 'approve', args: [traderAddress, parseEther('5000')] }));
      await send(await asContract.writeContract({ address: traderAddress, abi: trader.abi, functionName: 'mintV3', args: [poolAddress, -887220, 887220, 10n ** 18n], gas: 1_000_000n }));
      // And a second, 0.05 % pool whose only position is the contract's.
      await send(await wallet.writeContract({ ...v3Factory(), functionName: 'createPool', args: [token, scenario.weth, 500] }));
      second = getAddress((await rpc.readContract({ ...v3Factory(), functionName: 'getPool', args: [token, scenario.weth, 500] })) as string);
      const [sqrtPriceX96] = await rpc.readContract({ address: poolAddress, abi: v3PoolAbi, functionName: 'slot0' });
      await send(await wallet.writeContract({ address: second, abi: UNISWAP_V3.pool.abi, functionName: 'initialize', args: [sqrtPriceX96] }));
      await send(await asContract.writeContract({ address: traderAddress, abi: trader.abi, functionName: 'mintV3', args: [second, -887270, 887270, 10n ** 17n], gas: 1_000_000n }));
    } finally {
      await test.stopImpersonatingAccount({ address: contract });
    }
    const r = await analyse(token);
    const pool = r.data.liquidity.pools[0]!;
    const truth = await v3Truth(poolAddress, BigInt(r.blockNumber));
    const direct = truth.total - truth.attributed;
    expect(direct).toBe(10n ** 18n);
    expect(pool.positionLiquidity).toBe(truth.total.toString());
    expect(pool.lpUnattributedPercent).toBe(truth.share(direct));
    expect(pool.lpBurnedPercent).toBe(truth.share(truth.byOwner.get(DEAD)!.liquidity));
    expect(pool.lpLockedPercent).toBeNull();
    expect(pool.lpUnknownReason).toMatch(/not position managers/);
    expect(pool.lpHolders.map((h) => h.address)).not.toContain(contract);
    expect(r.findings.map((f) => f.title)).toContain('LP lock status unknown');
    expect(toGoPlus(r).result[token.toLowerCase()]!.lp_holders.map((h) => h.address)).not.toContain(contract);
    // Nothing of the second pool is attributable: every LP figure unknown, with the reason.
    expect(r.data.liquidity.pools.find((p) => p.address === second)).toMatchObject({
      positionLiquidity: (10n ** 17n).toString(),
      lpHolderCount: null,
      lpHolders: [],
      lpBurnedPercent: null,
      lpLockedPercent: null,
      lpUnattributedPercent: 100,
      lpUnknownReason: expect.stringMatching(/contracts that are not position managers/),
    });
  });

  it('simulates through the V3 pool: clean token untaxed, 50 % sell tax measured, honeypot caught with the token’s reason', () => {
    expect(result('v3Clean').data.trading).toMatchObject({ method: 'v3-pool', buyTax: 0, sellTax: 0, transferTax: 0, isHoneypot: false, cannotSellAll: false });
    const taxed = result('v3SellTax').data.trading;
    expect(taxed).toMatchObject({ method: 'v3-pool', buyTax: 0, isHoneypot: false, cannotSellAll: false });
    expect(Math.abs(taxed.sellTax! - 0.5)).toBeLessThanOrEqual(0.01);
    expect(serious(result('v3SellTax')).map((f) => f.title)).toContainEqual(expect.stringMatching(/^Sell tax (49|50)\.\d\d%/));
    expect(result('v3Honeypot').data.trading).toMatchObject({ method: 'v3-pool', cannotBuy: false, isHoneypot: true, honeypotReason: 'sell failed: sell disabled', sellTax: null });
    expect(result('v3Honeypot').data.verdict).toBe('CRITICAL');
  });

  it('simulates through the deepest pool, V2 or V3: a shallow V2 pair does not displace a V3 pool, nor a shallow V3 pool a V2 pair', async () => {
    const wallet = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: scenario.deployer });
    const send = async (hash: Hex) => expect((await receiptOf(rpc, hash)).status).toBe('success');
    const deadline = (await rpc.getBlock()).timestamp + 600n;
    // A V2 pair for the V3 token, a tenth as deep, added through the router.
    const v3Token = scenario.tokens.v3Clean.address;
    await send(await wallet.writeContract({ address: v3Token, abi: erc20Abi, functionName: 'approve', args: [scenario.uniswapV2Router, parseEther('50000')] }));
    await send(
      await wallet.writeContract({ address: scenario.uniswapV2Router, abi: ARTIFACTS.uniswapV2Router02.abi, functionName: 'addLiquidityETH', args: [v3Token, parseEther('50000'), 0n, 0n, DEAD, deadline], value: parseEther('1') }),
    );
    const v3First = await analyse(v3Token);
    expect(v3First.data.liquidity.pools.map((p) => p.dex)).toEqual(['uniswap-v3', 'uniswap-v2']);
    expect(v3First.data.trading).toMatchObject({ method: 'v3-pool', pool: scenario.tokens.v3Clean.v3Pool, buyTax: 0, sellTax: 0 });

    // A V3 pool for the V2 clean token, shallower than its WETH pair: found, listed second, not traded.
    const factory = { address: scenario.uniswapV3Factory, abi: UNISWAP_V3.factory.abi } as const;
    await send(await wallet.writeContract({ ...factory, functionName: 'createPool', args: [scenario.tokens.clean.address, scenario.weth, 500] }));
    const shallow = getAddress((await rpc.readContract({ ...factory, functionName: 'getPool', args: [scenario.tokens.clean.address, scenario.weth, 500] })) as string);
    await send(await wallet.writeContract({ address: shallow, abi: UNISWAP_V3.pool.abi, functionName: 'initialize', args: [2n ** 96n] }));
    // An initialised pool without positions holds nothing: give it some tokens so it is a holder.
    await send(await wallet.writeContract({ address: scenario.tokens.clean.address, abi: erc20Abi, functionName: 'transfer', args: [shallow, parseEther('10')] }));
    const v2First = await analyse(scenario.tokens.clean.address);
    expect(v2First.data.liquidity.pools.map((p) => [p.address, p.dex])).toEqual([
      [scenario.tokens.clean.wethPair, 'uniswap-v2'],
      [scenario.cleanStablePair, 'uniswap-v2'],
      [shallow, 'uniswap-v3'],
    ]);
    expect(v2First.data.trading).toMatchObject({ method: 'v2-pair', pool: scenario.tokens.clean.wethPair });
  });
});

describe('GoPlus view', () => {
  it('maps fields to GoPlus names, "0"/"1" flags and fraction strings', () => {
    const view = GoPlusTokenSecurityResponse.parse(toGoPlus(result('sellTax')));
    const entry = view.result[scenario.tokens.sellTax.address.toLowerCase()]!;
    expect(entry).toMatchObject({ token_symbol: 'STAX', is_honeypot: '0', is_mintable: '0', buy_tax: '0', is_in_dex: '1', owner_address: zeroAddress, holder_count: String(result('sellTax').data.holders!.holderCount) });
    expect(Number(entry.sell_tax)).toBeCloseTo(0.5, 2);
    expect(entry.total_supply).toBe('1000000');
    const honeypot = toGoPlus(result('ownerSellOnly')).result[scenario.tokens.ownerSellOnly.address.toLowerCase()]!;
    expect(honeypot).toMatchObject({ is_honeypot: '1', cannot_sell_all: '1', sell_tax: '' });
    const lp = toGoPlus(result('lpHeld')).result[scenario.tokens.lpHeld.address.toLowerCase()]!;
    expect(lp.lp_holders[0]).toMatchObject({ address: scenario.deployer, is_locked: '0', is_contract: '0' });
    expect(Number(lp.lp_holders[0]!.percent)).toBeGreaterThan(0.9999);
    // The scenario's own factories are not the devnet's listed DEX core: an unlisted fork, named as such.
    expect(lp.dex).toEqual([{ liquidity_type: 'UniV2', name: 'Unlisted V2 fork', pair: scenario.tokens.lpHeld.wethPair, liquidity: '' }]);
  });

  it('lists V3 pools under dex; a raw V3 position’s EOA owner is an lp_holder, unlocked', () => {
    const v3 = toGoPlus(result('v3Honeypot')).result[scenario.tokens.v3Honeypot.address.toLowerCase()]!;
    expect(v3).toMatchObject({ is_in_dex: '1', lp_holder_count: '1', lp_total_supply: '' });
    expect(v3.lp_holders).toEqual([expect.objectContaining({ address: scenario.deployer, is_locked: '0', is_contract: '0', percent: '1' })]);
    expect(v3.dex).toEqual([{ liquidity_type: 'UniV3', name: 'Unlisted V3 fork', pair: scenario.tokens.v3Honeypot.v3Pool, liquidity: '' }]);
    const taxed = toGoPlus(result('v3SellTax')).result[scenario.tokens.v3SellTax.address.toLowerCase()]!;
    expect(Number(taxed.sell_tax)).toBeCloseTo(0.5, 2);
  });

  it('V3 position NFT owners are lp_holders when the deepest pool is V3: burned and still-locked NFTs marked is_locked', () => {
    const entry = toGoPlus(result('v3Locked')).result[scenario.tokens.v3Locked.address.toLowerCase()]!;
    const pool = result('v3Locked').data.liquidity.pools[0]!;
    expect(entry).toMatchObject({ lp_holder_count: String(pool.lpHolderCount), lp_total_supply: '' });
    const byAddress = new Map(entry.lp_holders.map((h) => [h.address, h]));
    expect(byAddress.get(scenario.lpLocker)).toMatchObject({ is_locked: '1', is_contract: '1', tag: 'Locker' });
    expect(byAddress.get(DEAD)).toMatchObject({ is_locked: '1', tag: 'Burn' });
    expect(byAddress.get(scenario.deployer)).toMatchObject({ is_locked: '0', is_contract: '0', balance: pool.lpHolders.find((h) => h.address === scenario.deployer)!.balance });
  });
});

describe('unusable targets', () => {
  it('rejects an address without code and a contract that is not an ERC-20', async () => {
    await expect(analyse(scenario.holders[0]!)).rejects.toBeInstanceOf(PermanentAgentError);
    await expect(analyse(scenario.uniswapV2Factory)).rejects.toThrow(/not an ERC-20/);
  });
});

describe('the largest holders sell for real (holder analysis)', () => {
  const sales = (key: SecurityTokenKey) => result(key).data.trading.holderAnalysis!;
  const sampledAddresses = (key: SecurityTokenKey) => sales(key).sales.map((s) => s.address).sort();

  it('samples the EOA holders only: not the owner, the pools, the burn address or contracts (the factory)', () => {
    for (const key of ['blacklist', 'holderTrap'] as const) expect(sampledAddresses(key)).toEqual([...scenario.holders].sort());
    // Without an owner, the deployer is a holder like any other (it kept the rest of the supply).
    for (const key of ['clean', 'v3Clean'] as const) expect(sampledAddresses(key)).toEqual([...scenario.holders, scenario.deployer].sort());
  });

  it('a token that traps its existing holders is a honeypot, though a fresh round trip passes', () => {
    const r = result('holderTrap');
    // The fresh wallet's buy and sell went through, without tax...
    expect(r.data.trading.sellTax).toBe(0);
    expect(r.data.trading.buyTax).toBe(0);
    // ...but none of the real holders can sell their own tokens.
    expect(sales('holderTrap')).toMatchObject({ sampled: 3, canSell: 0, cannotSell: 3 });
    for (const sale of sales('holderTrap').sales) expect(sale).toMatchObject({ sold: 'none', reason: 'rewards pending' });
    expect(r.data.trading.isHoneypot).toBe(true);
    expect(r.data.trading.honeypotReason).toMatch(/^3 of the 3 largest holders cannot sell/);
    expect(r.findings[0]).toMatchObject({ severity: 'critical', title: 'Honeypot: existing holders cannot sell' });
    expect(r.data.verdict).toBe('CRITICAL');
  });

  it('clean tokens: every sampled holder sells its whole balance without tax', () => {
    for (const key of ['clean', 'v3Clean'] as const) {
      expect(sales(key)).toMatchObject({ sampled: 4, canSell: 4, cannotSell: 0, averageTax: 0, highestTax: 0 });
      expect(sales(key).sales.every((s) => s.sold === 'all')).toBe(true);
      expect(result(key).findings).toContainEqual(expect.objectContaining({ severity: 'info', title: 'The 4 largest holders can sell' }));
    }
  });

  it('the 50 % sell tax is what every holder pays too — except the fee wallet (the deployer), which the token exempts', () => {
    for (const s of sales('sellTax').sales) expect(s.sellTax).toBeCloseTo(s.address === scenario.deployer ? 0 : 0.5, 2);
    expect(sales('sellTax').sales.map((s) => s.address)).toContain(scenario.deployer);
    expect(sales('sellTax').highestTax).toBeCloseTo(0.5, 2);
  });

  it('one blacklisted holder is named, without calling the token a honeypot', () => {
    const blocked = sales('blacklist').sales.filter((s) => s.sold === 'none');
    expect(blocked).toEqual([expect.objectContaining({ address: scenario.holders[2], reason: 'blacklisted' })]);
    expect(result('blacklist').data.trading.isHoneypot).toBe(false);
    expect(result('blacklist').findings).toContainEqual(expect.objectContaining({ severity: 'high', title: 'Some holders cannot sell' }));
  });

  it('a per-transaction limit stops a whole-balance sale, not a small one', async () => {
    const maxTx = (await rpc.readContract({ address: scenario.tokens.maxTx.address, abi: parseAbi(['function maxTxAmount() view returns (uint256)']), functionName: 'maxTxAmount' })) as bigint;
    for (const s of sales('maxTx').sales) expect(s.sold).toBe(BigInt(s.balance) > maxTx ? 'part' : 'all');
    expect(sales('maxTx').cannotSell).toBe(0);
  });
});

describe('trade limits, probed by bisection', () => {
  it('maxTx: the largest buy and sale are the contract\'s maxTxAmount; no wallet cap up to eight of them', async () => {
    const maxTx = await rpc.readContract({ address: scenario.tokens.maxTx.address, abi: parseAbi(['function maxTxAmount() view returns (uint256)']), functionName: 'maxTxAmount', blockNumber: BigInt(result('maxTx').blockNumber) });
    const limits = result('maxTx').data.trading.limits!;
    expect(limits).toMatchObject({ method: 'bisection', pool: scenario.tokens.maxTx.wethPair, repeatBuyBlocked: false });
    expectWithin(limits.maxBuy.limit, maxTx);
    expectWithin(limits.maxSell!.limit, maxTx);
    expect(limits.maxWallet).toEqual({ limit: null, searchedUpTo: expect.any(String) });
    expect(BigInt(limits.maxWallet!.searchedUpTo)).toBeGreaterThanOrEqual((BigInt(limits.maxBuy.limit!) * 8n * 9_999n) / 10_000n);
  });

  it('clean tokens: nothing limits a buy of half the pool, nor the sale of it', () => {
    for (const key of ['clean', 'lpLocked'] as const) {
      const limits = result(key).data.trading.limits!;
      const pool = result(key).data.liquidity.pools[0]!;
      expect(limits.maxBuy).toEqual({ limit: null, searchedUpTo: (BigInt(pool.reserveToken) / 2n).toString() });
      expect(limits.maxSell).toMatchObject({ limit: null });
      expect(limits.repeatBuyBlocked).toBe(false);
    }
  });

  it('ownerSellOnly: no sale of any size goes through (limit 0), while buys are unlimited', () => {
    const limits = result('ownerSellOnly').data.trading.limits!;
    expect(limits.maxBuy.limit).toBeNull();
    expect(limits.maxSell).toMatchObject({ limit: '0' });
    expect(BigInt(limits.maxSell!.searchedUpTo)).toBeGreaterThan(0n);
  });
});
