import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeFunctionData, keccak256, parseEther, parseUnits, toHex, zeroAddress, type Address } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS, type Artifact } from '../artifacts';
import { connectDeployer, type Deployer } from '../deployer';
import { UNISWAP_V3 } from '../markets/dex-core';
import { compileMarketContracts } from '../markets/market-contracts';
import { deployLpTimeLock } from '../lockers';
import { compileSolidity } from '../solc';
import type { LpLockScenario, SecurityScenarioToken, SecurityTokenKey, TokenGroundTruth, TokenScenario, V3LockScenario } from './ground-truth';
import { PoolBuilder, V3PoolBuilder } from './pool-builders';

/** Where LP tokens go to be burned: the conventional dead address (V2's `MINIMUM_LIQUIDITY` goes to 0x0). */
const DEAD_ADDRESS: Address = '0x000000000000000000000000000000000000dEaD';

/** Supply of every 18-decimals scenario token, and how it is spread. */
export const TOKEN_SCENARIO_SUPPLY = parseEther('1000000');
const POOL_TOKENS = parseEther('500000');
const POOL_WETH = parseEther('10');
/** Plain transfers from the deployer to `holders[i]`; the factory (a contract) gets the last. */
const HOLDER_AMOUNTS = [parseEther('50000'), parseEther('30000'), parseEther('10000')];
const CONTRACT_HOLDER_AMOUNT = parseEther('5000');

const STABLE = { name: 'USD Test Coin', symbol: 'USDX', decimals: 6, supply: parseUnits('100000', 6), pool: parseUnits('30000', 6) };
/** Stablecoin holders: spread so no wallet (the issuer keeps 35 %) controls most of the supply. */
const STABLE_HOLDER_AMOUNTS = [parseUnits('15000', 6), parseUnits('10000', 6), parseUnits('5000', 6)];
const CLEAN_STABLE_POOL = { clean: parseEther('50000'), usd: parseUnits('5000', 6) };

const MODIFIABLE_TAX_BPS = 500n;
/** Tokens the trader buys and half sells through the router, and the ETH each buy spends. */
const TRADED: SecurityTokenKey[] = ['sellTax', 'modifiableTax'];
const TRADE_ETH = parseEther('0.2');
/** Tokens with no V2 pool: their only liquidity is a Uniswap V3 pool. */
const V3_ONLY: SecurityTokenKey[] = ['v3Clean', 'v3SellTax', 'v3Honeypot', 'v3Locked'];
/** The `lpLocked` token's short lock: it expires this long after it is made (the scenario then moves the clock twice as far). */
const LOCK_EXPIRY_SECONDS = 60n;
const LONG_LOCK_SECONDS = 30n * 24n * 3600n;
const MAX_TX = TOKEN_SCENARIO_SUPPLY / 100n;
/** `setBalance` target: holder 0 silently drops from 50,000 to this. */
export const REWRITTEN_BALANCE = parseEther('1000');

/** Deterministic EOAs nobody holds a key for, so repeated runs print the same addresses. */
const eoa = (label: string) => privateKeyToAddress(keccak256(toHex(`oca-testkit:${label}`)));

/** Options for `deployTokenScenario`. */
export interface TokenScenarioOptions {
  /** Reuse a deployed WETH9 and Uniswap V2 factory (e.g. `deployScenario`'s) instead of deploying new ones. */
  weth?: Address;
  uniswapV2Factory?: Address;
  uniswapV3Factory?: Address;
}

function compileTokens(): Record<string, Artifact> {
  // src/tokens or dist/tokens: the .sol source is only in src.
  const file = path.join(__dirname, '..', '..', 'src', 'tokens', 'ScenarioTokens.sol');
  return compileSolidity({ sources: { 'ScenarioTokens.sol': readFileSync(file, 'utf8') } });
}

const truth = (overrides: Partial<TokenGroundTruth>): TokenGroundTruth => ({
  risky: true,
  flags: [],
  buyTax: 0,
  transferTax: 0,
  sellTax: 0,
  owner: null,
  ownershipRenounced: null,
  liquidity: 'burned',
  ...overrides,
});

/** Ground truth of a risky pattern whose owner (`owner`) still holds ownership. */
const owned = (owner: Address, flags: TokenGroundTruth['flags'], extra: Partial<TokenGroundTruth> = {}) =>
  truth({ flags, owner, ownershipRenounced: false, ...extra });

/** The chain, the accounts, the shared contracts and the tokens deployed so far, passed from step to step. */
interface TokenBuild {
  d: Deployer;
  deployer: Address;
  proxyAdmin: Address;
  trader: Address;
  peripheryDeployer: Address;
  /** A contract of ScenarioTokens.sol by name. */
  art(name: string): Artifact;
  weth: Address;
  factory: Address;
  router: Address;
  holders: Address[];
  lpProviders: Address[];
  pools: PoolBuilder;
  /** In deployment order: the pool steps walk them in it. */
  tokens: Record<SecurityTokenKey, SecurityScenarioToken>;
  artifacts: Map<SecurityTokenKey, Artifact>;
}

/**
 * Deploys the security agent's ground truth on a fresh automining anvil: solc-compiled scenario
 * tokens for each risky pattern, clean references (OpenZeppelin ERC20, WETH9, a 6-decimals
 * stablecoin), a Uniswap V2 pool against WETH for each token (liquidity added by transfer +
 * `mint`, LP burned to 0xdead unless the pattern says otherwise) and a few holders.
 * Takes a few seconds (about 150 transactions; the first solc compile adds ~10 s, then cached).
 *
 * The steps run in a fixed order: every address after the first deployments follows from the
 * deployer's nonce, so moving a step moves the addresses.
 */
export async function deployTokenScenario(rpcUrl: string, options: TokenScenarioOptions = {}): Promise<TokenScenario> {
  const b = await startBuild(rpcUrl, options);
  await deployReferenceTokens(b);
  await deployRiskyTokens(b);
  await openWethPairs(b);
  const v3 = await deployV3Tokens(b, options);
  await fundHolders(b);
  const { cleanStablePair, deadline } = await openCleanStablePair(b);
  await tradeTaxedTokens(b, deadline);
  const locker = await deployLpTimeLock(b.d);
  const v3Locks = await lockV3Positions(b, v3, locker);
  const lpLocks = await lockV2Liquidity(b, locker);
  await ownerActions(b);
  // Last, so every address deployed before it stays where it was.
  await deployHolderTrap(b);
  return {
    rpcUrl,
    chainId: b.d.chainId,
    blockNumber: (await b.d.blockNumber()).toString(),
    deployer: b.deployer,
    proxyAdmin: b.proxyAdmin,
    weth: b.weth,
    uniswapV2Factory: b.factory,
    uniswapV2Router: b.router,
    uniswapV3Factory: v3.factory,
    trader: b.trader,
    holders: b.holders,
    contractHolder: b.factory,
    lpLocker: locker.address,
    lpLocks,
    uniswapV3PositionManager: v3.positionManager,
    v3Locks,
    lpProviders: b.lpProviders,
    cleanStablePair,
    tokens: b.tokens,
  };
}

/** Accounts, the compiled tokens, WETH9 (200 wrapped), the V2 factory and router. */
async function startBuild(rpcUrl: string, options: TokenScenarioOptions): Promise<TokenBuild> {
  const d = await connectDeployer(rpcUrl);
  const [deployer, proxyAdmin, trader, peripheryDeployer] = d.accounts;
  if (!deployer || !proxyAdmin || !trader || !peripheryDeployer) throw new Error('deployTokenScenario needs four unlocked accounts (anvil defaults)');
  const c = compileTokens();
  const art = (name: string): Artifact => {
    const found = c[name];
    if (!found) throw new Error(`ScenarioTokens.sol has no contract ${name}`);
    return found;
  };
  const weth = options.weth ?? (await d.deploy(ARTIFACTS.weth9, []));
  const factory = options.uniswapV2Factory ?? (await d.deploy(ARTIFACTS.uniswapV2Factory, [deployer]));
  const router = await d.deploy(ARTIFACTS.uniswapV2Router02, [factory, weth]);
  await d.write(weth, ARTIFACTS.weth9, 'deposit', [], parseEther('200'));
  return {
    d,
    deployer,
    proxyAdmin,
    trader,
    peripheryDeployer,
    art,
    weth,
    factory,
    router,
    holders: [eoa('holder-1'), eoa('holder-2'), eoa('holder-3')],
    lpProviders: [eoa('lp-provider-1'), eoa('lp-provider-2')],
    pools: new PoolBuilder(d, factory, router, weth),
    tokens: {} as Record<SecurityTokenKey, SecurityScenarioToken>,
    artifacts: new Map(),
  };
}

/** Records a deployed token with what the chain says of it and its ground truth. */
async function addToken(b: TokenBuild, key: SecurityTokenKey, address: Address, artifact: Artifact, expected: TokenGroundTruth, decimals = 18): Promise<void> {
  b.artifacts.set(key, artifact);
  const [name, symbol, totalSupply] = (await Promise.all([
    b.d.read(address, artifact, 'name', []),
    b.d.read(address, artifact, 'symbol', []),
    b.d.read(address, artifact, 'totalSupply', []),
  ])) as [string, string, bigint];
  b.tokens[key] = { address, name, symbol, decimals, totalSupply: totalSupply.toString(), wethPair: null, v3Pool: null, expected };
}

/** Clean references. The clean token's WETH pool has its LP burned; the stablecoin's is shared. */
async function deployReferenceTokens(b: TokenBuild): Promise<void> {
  const { d, art } = b;
  const clean = await d.deploy(art('CleanToken'), ['Clean Token', 'CLEAN', 18, TOKEN_SCENARIO_SUPPLY]);
  await addToken(b, 'clean', clean, art('CleanToken'), truth({ risky: false }));
  const stable = await d.deploy(art('CleanToken'), [STABLE.name, STABLE.symbol, STABLE.decimals, STABLE.supply]);
  await addToken(b, 'stablecoin', stable, art('CleanToken'), truth({ risky: false, liquidity: 'shared' }), STABLE.decimals);
  const wethTruth = truth({ risky: false, liquidity: 'not-applicable' });
  b.tokens.weth = { address: b.weth, name: 'Wrapped Ether', symbol: 'WETH', decimals: 18, totalSupply: '0', wethPair: null, v3Pool: null, expected: wethTruth };
  const lpHeld = await d.deploy(art('CleanToken'), ['Held Liquidity Token', 'HELD', 18, TOKEN_SCENARIO_SUPPLY]);
  await addToken(b, 'lpHeld', lpHeld, art('CleanToken'), truth({ flags: ['liquidityHeldByDeployer'], liquidity: 'held-by-deployer' }));
  const lpLocked = await d.deploy(art('CleanToken'), ['Locked Liquidity Token', 'LOCKD', 18, TOKEN_SCENARIO_SUPPLY]);
  await addToken(b, 'lpLocked', lpLocked, art('CleanToken'), truth({ risky: false, liquidity: 'locked' }));
}

/** Risky patterns, all owned by the deployer, and the upgradeable token behind an EIP-1967 proxy. */
async function deployRiskyTokens(b: TokenBuild): Promise<void> {
  const { d, art, deployer } = b;
  const risky: Array<[SecurityTokenKey, string, unknown[], TokenGroundTruth]> = [
    ['blacklist', 'BlacklistToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['blacklist'])],
    ['ownerSellOnly', 'OwnerSellOnlyToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['isHoneypot'])],
    ['sellTax', 'SellTaxToken', [TOKEN_SCENARIO_SUPPLY], truth({ sellTax: 0.5, owner: '0x0000000000000000000000000000000000000000', ownershipRenounced: true })],
    ['modifiableTax', 'ModifiableTaxToken', [TOKEN_SCENARIO_SUPPLY, MODIFIABLE_TAX_BPS, MODIFIABLE_TAX_BPS], owned(deployer, ['taxModifiable'], { buyTax: 0.05, sellTax: 0.05 })],
    ['mintable', 'MintableToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['mintable'])],
    ['pausable', 'PausableToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['transferPausable'])],
    ['balanceRewrite', 'BalanceRewriteToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['ownerCanChangeBalance'])],
    ['cooldown', 'CooldownToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['tradingCooldown'])],
    ['maxTx', 'MaxTxToken', [TOKEN_SCENARIO_SUPPLY, MAX_TX], owned(deployer, ['antiWhale'])],
  ];
  for (const [key, contract, args, expected] of risky) {
    const address = await d.deploy(art(contract), args);
    await addToken(b, key, address, art(contract), expected);
  }
  // The upgradeable token: an EIP-1967 transparent proxy whose admin can replace the code.
  const implementation = await d.deploy(art('UpgradeableToken'), []);
  const init = encodeFunctionData({ abi: art('UpgradeableToken').abi, functionName: 'initialize', args: ['Upgradeable Token', 'UPGR', TOKEN_SCENARIO_SUPPLY, deployer] });
  const proxy = await d.deploy(ARTIFACTS.transparentProxy, [implementation, b.proxyAdmin, init]);
  await addToken(b, 'proxy', proxy, art('UpgradeableToken'), owned(deployer, ['isProxy']));
}

/** Pools against WETH: every token so far but WETH gets half its supply in the pool; then the holders their share. */
async function openWethPairs(b: TokenBuild): Promise<void> {
  const { d, pools, deployer } = b;
  for (const key of Object.keys(b.tokens) as SecurityTokenKey[]) {
    if (key === 'weth' || V3_ONLY.includes(key)) continue;
    const token = b.tokens[key];
    const artifact = b.artifacts.get(key)!;
    const pair = await pools.create(token.address);
    token.wethPair = pair;
    if (hasMarketPairs(key)) await d.write(token.address, artifact, 'setMarketPair', [pair, true]);
    const amount = key === 'stablecoin' ? STABLE.pool : POOL_TOKENS;
    if (token.expected.liquidity === 'shared') {
      // 40 / 30 / 30: three providers, none able to pull most of the pool alone.
      await pools.addLiquidity(token.address, artifact, (amount * 4n) / 10n, (POOL_WETH * 4n) / 10n, deployer);
      for (const provider of b.lpProviders) await pools.addLiquidity(token.address, artifact, (amount * 3n) / 10n, (POOL_WETH * 3n) / 10n, provider);
    } else {
      const lpTo = token.expected.liquidity === 'held-by-deployer' || token.expected.liquidity === 'locked' ? deployer : DEAD_ADDRESS;
      await pools.addLiquidity(token.address, artifact, amount, POOL_WETH, lpTo);
    }
    if (key === 'stablecoin') continue;
    await transferToHolders(b, token.address, artifact, true);
  }
}

/** `HOLDER_AMOUNTS` to the three holders, and (when `contractHolder`) `CONTRACT_HOLDER_AMOUNT` to the factory. */
async function transferToHolders(b: TokenBuild, token: Address, artifact: Artifact, contractHolder: boolean): Promise<void> {
  for (const [i, holder] of b.holders.entries()) await b.d.write(token, artifact, 'transfer', [holder, HOLDER_AMOUNTS[i]]);
  if (contractHolder) await b.d.write(token, artifact, 'transfer', [b.factory, CONTRACT_HOLDER_AMOUNT]);
}

interface V3Deployment {
  factory: Address;
  positionManager: Address;
  builder: V3PoolBuilder;
  /** Position NFT of each V3 token minted through the position manager. */
  tokenIds: Map<SecurityTokenKey, bigint>;
}

/** Tokens whose only liquidity is a full-range position in a Uniswap V3 pool against WETH. */
async function deployV3Tokens(b: TokenBuild, options: TokenScenarioOptions): Promise<V3Deployment> {
  const { d, art, deployer, weth } = b;
  const factory = options.uniswapV3Factory ?? (await d.deploy(UNISWAP_V3.factory, []));
  // The position manager comes from another account, so the deployer's nonce — and every address
  // deployed after this point — stays what it was before the scenario minted through it. Its token
  // descriptor is left unset (tokenURI reverts; the DEX core's position manager serves it).
  const positionManager = await d.deploy(UNISWAP_V3.positionManager, [factory, weth, zeroAddress], b.peripheryDeployer);
  const builder = new V3PoolBuilder(d, factory, weth, await d.deploy(compileMarketContracts().marketTrader, []), positionManager, deployer);
  const v3Tokens: Array<[SecurityTokenKey, string, unknown[], TokenGroundTruth]> = [
    ['v3Clean', 'CleanToken', ['V3 Clean Token', 'V3CLEAN', 18, TOKEN_SCENARIO_SUPPLY], truth({ risky: false, liquidity: 'v3-burned' })],
    ['v3SellTax', 'V3SellTaxToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['liquidityHeldByDeployer'], { sellTax: 0.5, liquidity: 'v3-held-by-deployer' })],
    ['v3Honeypot', 'V3HoneypotToken', [TOKEN_SCENARIO_SUPPLY], owned(deployer, ['isHoneypot', 'liquidityHeldByDeployer'], { liquidity: 'v3-raw-held-by-deployer' })],
  ];
  const tokenIds = new Map<SecurityTokenKey, bigint>();
  for (const [key, contract, args, expected] of v3Tokens) {
    const address = await d.deploy(art(contract), args);
    await addToken(b, key, address, art(contract), expected);
    // As LPs do, through the position manager (an NFT per position) — but the honeypot's position
    // is minted on the pool through a contract (MarketTrader) with the deployer as its owner: a raw
    // pool position, which no NFT records.
    const { pool, tokenId } = await builder.open(address, art(contract), POOL_TOKENS, POOL_WETH, key === 'v3Honeypot' ? 'pool' : 'position-manager');
    if (tokenId !== null) tokenIds.set(key, tokenId);
    b.tokens[key].v3Pool = pool;
    if (key !== 'v3Clean') await d.write(address, art(contract), 'setMarketPair', [pool, true]);
    await transferToHolders(b, address, art(contract), true);
  }
  return { factory, positionManager, builder, tokenIds };
}

/** WETH for holder 0 and the stablecoin's holders. */
async function fundHolders(b: TokenBuild): Promise<void> {
  await b.d.write(b.weth, ARTIFACTS.weth9, 'transfer', [b.holders[0], parseEther('1')]);
  for (const [i, holder] of b.holders.entries()) await b.d.write(b.tokens.stablecoin.address, b.art('CleanToken'), 'transfer', [holder, STABLE_HOLDER_AMOUNTS[i]]);
}

/** The clean token's second pool, shallower than its WETH pool; `deadline` serves the trades after it too. */
async function openCleanStablePair(b: TokenBuild): Promise<{ cleanStablePair: Address; deadline: bigint }> {
  const { d, art, router } = b;
  const clean = b.tokens.clean.address;
  const stable = b.tokens.stablecoin.address;
  const cleanStablePair = await b.pools.create(clean, stable);
  await d.write(clean, art('CleanToken'), 'approve', [router, CLEAN_STABLE_POOL.clean]);
  await d.write(stable, art('CleanToken'), 'approve', [router, CLEAN_STABLE_POOL.usd]);
  const deadline = (await d.timestamp()) + 3600n;
  await d.write(router, ARTIFACTS.uniswapV2Router02, 'addLiquidity', [clean, stable, CLEAN_STABLE_POOL.clean, CLEAN_STABLE_POOL.usd, 0n, 0n, DEAD_ADDRESS, deadline]);
  return { cleanStablePair, deadline };
}

/**
 * Trading as a user does it, through the router: the trader buys each taxed token with ETH and
 * sells half back (the fee-on-transfer variants, which pay out what the pair actually received).
 */
async function tradeTaxedTokens(b: TokenBuild, deadline: bigint): Promise<void> {
  const { d, router, weth, trader } = b;
  for (const key of TRADED) {
    const token = b.tokens[key].address;
    const artifact = b.artifacts.get(key)!;
    await d.write(router, ARTIFACTS.uniswapV2Router02, 'swapExactETHForTokensSupportingFeeOnTransferTokens', [0n, [weth, token], trader, deadline], TRADE_ETH, trader);
    const bought = (await d.read(token, artifact, 'balanceOf', [trader])) as bigint;
    await d.write(token, artifact, 'approve', [router, bought / 2n], undefined, trader);
    await d.write(router, ARTIFACTS.uniswapV2Router02, 'swapExactTokensForETHSupportingFeeOnTransferTokens', [bought / 2n, 0n, [token, weth], trader, deadline], undefined, trader);
  }
}

type Locker = Awaited<ReturnType<typeof deployLpTimeLock>>;

/**
 * The V3 locked-liquidity token: four position NFTs of (about) 30 / 40 / 10 / 20 % of the
 * liquidity — burned, locked for 30 days, in a lock that expires, kept by the deployer. The V3
 * clean token's NFT is burned here too, as the V2 clean token's LP is.
 */
async function lockV3Positions(b: TokenBuild, v3: V3Deployment, locker: Locker): Promise<V3LockScenario> {
  const { d, art, deployer } = b;
  const { positionManager } = v3;
  const token = await d.deploy(art('CleanToken'), ['V3 Locked Liquidity Token', 'V3LOCKD', 18, TOKEN_SCENARIO_SUPPLY]);
  await addToken(b, 'v3Locked', token, art('CleanToken'), truth({ risky: false, liquidity: 'v3-locked' }));
  const parts = [30n, 40n, 10n, 20n];
  const opened = await v3.builder.open(token, art('CleanToken'), (POOL_TOKENS * parts[0]!) / 100n, (POOL_WETH * parts[0]!) / 100n, 'position-manager');
  b.tokens.v3Locked.v3Pool = opened.pool;
  // Ids in `parts` order: burned, locked, expiring, deployer's.
  const ids = [opened.tokenId!];
  for (const part of parts.slice(1)) ids.push(await v3.builder.addPosition(token, art('CleanToken'), (POOL_TOKENS * part) / 100n, (POOL_WETH * part) / 100n));
  const now = await d.timestamp();
  const lockedUntil = now + LONG_LOCK_SECONDS;
  const expiredAt = now + LOCK_EXPIRY_SECONDS;
  await d.write(positionManager, UNISWAP_V3.positionManager, 'transferFrom', [deployer, DEAD_ADDRESS, ids[0]]);
  for (const [id, until] of [
    [ids[1]!, lockedUntil],
    [ids[2]!, expiredAt],
  ] as const) {
    await d.write(positionManager, UNISWAP_V3.positionManager, 'approve', [locker.address, id]);
    await d.write(locker.address, locker.contract, 'lockNft', [positionManager, id, until]);
  }
  await transferToHolders(b, token, art('CleanToken'), false);
  await d.write(positionManager, UNISWAP_V3.positionManager, 'transferFrom', [deployer, DEAD_ADDRESS, v3.tokenIds.get('v3Clean')!]);
  return {
    pool: opened.pool,
    burnedTokenId: ids[0]!.toString(),
    lockedTokenId: ids[1]!.toString(),
    lockedUntil: lockedUntil.toString(),
    expiredTokenId: ids[2]!.toString(),
    expiredAt: expiredAt.toString(),
    deployerTokenId: ids[3]!.toString(),
  };
}

/**
 * The locked-liquidity token's LP: 40 % locked for 30 days, 10 % in a lock that expires, 30 %
 * burned, the rest (~20 %) kept by the deployer. Then the clock passes the short locks (V2 and V3).
 */
async function lockV2Liquidity(b: TokenBuild, locker: Locker): Promise<LpLockScenario> {
  const { d } = b;
  const pair = b.tokens.lpLocked.wethPair!;
  const lpSupply = (await d.read(pair, ARTIFACTS.uniswapV2Pair, 'totalSupply', [])) as bigint;
  const share = (percent: bigint) => (lpSupply * percent) / 100n;
  const now = await d.timestamp();
  const lockedUntil = now + LONG_LOCK_SECONDS;
  const expiredAt = now + LOCK_EXPIRY_SECONDS;
  await d.write(pair, ARTIFACTS.uniswapV2Pair, 'approve', [locker.address, share(50n)]);
  await d.write(locker.address, locker.contract, 'lock', [pair, share(40n), lockedUntil]);
  await d.write(locker.address, locker.contract, 'lock', [pair, share(10n), expiredAt]);
  await d.write(pair, ARTIFACTS.uniswapV2Pair, 'transfer', [DEAD_ADDRESS, share(30n)]);
  await d.increaseTime(2n * LOCK_EXPIRY_SECONDS);
  return {
    pair,
    lpTotalSupply: lpSupply.toString(),
    locked: share(40n).toString(),
    lockedUntil: lockedUntil.toString(),
    expired: share(10n).toString(),
    expiredAt: expiredAt.toString(),
    burned: share(30n).toString(),
    deployer: ((await d.read(pair, ARTIFACTS.uniswapV2Pair, 'balanceOf', [b.deployer])) as bigint).toString(),
  };
}

/**
 * Owner actions that make the patterns live: a blacklisted holder, a silently rewritten balance, a
 * renounced owner whose fixed tax stays. Last, WETH's supply as it ends.
 */
async function ownerActions(b: TokenBuild): Promise<void> {
  const { d, art, tokens, holders } = b;
  await d.write(tokens.blacklist.address, art('BlacklistToken'), 'setBlacklist', [holders[2], true]);
  await d.write(tokens.balanceRewrite.address, art('BalanceRewriteToken'), 'setBalance', [holders[0], REWRITTEN_BALANCE]);
  await d.write(tokens.sellTax.address, art('SellTaxToken'), 'renounceOwnership', []);
  tokens.weth.totalSupply = ((await d.read(b.weth, ARTIFACTS.weth9, 'totalSupply', [])) as bigint).toString();
}

/**
 * The token that traps its existing holders: a WETH pool (LP burned), the three holders and the
 * factory get their share, then the owner springs the trap. A fresh buy-then-sell still passes.
 */
async function deployHolderTrap(b: TokenBuild): Promise<void> {
  const { d, art, pools, deployer } = b;
  const artifact = art('HolderTrapToken');
  const address = await d.deploy(artifact, [TOKEN_SCENARIO_SUPPLY]);
  await addToken(b, 'holderTrap', address, artifact, owned(deployer, ['isHoneypot']));
  await d.write(b.weth, ARTIFACTS.weth9, 'deposit', [], POOL_WETH);
  const pair = await pools.create(address);
  b.tokens.holderTrap.wethPair = pair;
  await d.write(address, artifact, 'setMarketPair', [pair, true]);
  await pools.addLiquidity(address, artifact, POOL_TOKENS, POOL_WETH, DEAD_ADDRESS);
  await transferToHolders(b, address, artifact, true);
  await d.write(address, artifact, 'syncRewards', []);
}

function hasMarketPairs(key: SecurityTokenKey): boolean {
  return !['clean', 'stablecoin', 'lpHeld', 'lpLocked', 'proxy', 'balanceRewrite'].includes(key);
}
