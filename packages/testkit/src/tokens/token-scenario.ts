import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeFunctionData, getAddress, keccak256, parseEther, parseUnits, toHex, zeroAddress, type Address } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS, type Artifact } from '../artifacts';
import { connectDeployer, type Deployer } from '../deployer';
import { UNISWAP_V3 } from '../markets/dex-core';
import { compileMarketContracts } from '../markets/market-contracts';
import { fullRangeTicks, liquidityForQuote, sqrtPriceX96For, TICK_SPACING } from '../markets/v3-math';
import { deployLpTimeLock } from '../lockers';
import { compileSolidity } from '../solc';
import type { SecurityScenarioToken, SecurityTokenKey, TokenGroundTruth, TokenScenario } from './ground-truth';

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
const V3_FEE = 3000;
/** The `lpLocked` token's short lock: it expires this long after it is made (the scenario then moves the clock twice as far). */
const LOCK_EXPIRY_SECONDS = 60n;
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

/**
 * Deploys the security agent's ground truth on a fresh automining anvil: solc-compiled scenario
 * tokens for each risky pattern, clean references (OpenZeppelin ERC20, WETH9, a 6-decimals
 * stablecoin), a Uniswap V2 pool against WETH for each token (liquidity added by transfer +
 * `mint`, LP burned to 0xdead unless the pattern says otherwise) and a few holders.
 * Takes a few seconds (about 150 transactions; the first solc compile adds ~10 s, then cached).
 */
export async function deployTokenScenario(rpcUrl: string, options: TokenScenarioOptions = {}): Promise<TokenScenario> {
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

  const holders = [eoa('holder-1'), eoa('holder-2'), eoa('holder-3')];
  const lpProviders = [eoa('lp-provider-1'), eoa('lp-provider-2')];
  const pools = new PoolBuilder(d, factory, router, weth);

  const tokens = {} as Record<SecurityTokenKey, SecurityScenarioToken>;
  const artifacts = new Map<SecurityTokenKey, Artifact>();
  const add = async (key: SecurityTokenKey, address: Address, artifact: Artifact, expected: TokenGroundTruth, decimals = 18) => {
    artifacts.set(key, artifact);
    const [name, symbol, totalSupply] = (await Promise.all([
      d.read(address, artifact, 'name', []),
      d.read(address, artifact, 'symbol', []),
      d.read(address, artifact, 'totalSupply', []),
    ])) as [string, string, bigint];
    tokens[key] = { address, name, symbol, decimals, totalSupply: totalSupply.toString(), wethPair: null, v3Pool: null, expected };
  };

  // Clean references. The clean token's WETH pool has its LP burned; the stablecoin's is shared.
  const clean = await d.deploy(art('CleanToken'), ['Clean Token', 'CLEAN', 18, TOKEN_SCENARIO_SUPPLY]);
  await add('clean', clean, art('CleanToken'), truth({ risky: false }));
  const stable = await d.deploy(art('CleanToken'), [STABLE.name, STABLE.symbol, STABLE.decimals, STABLE.supply]);
  await add('stablecoin', stable, art('CleanToken'), truth({ risky: false, liquidity: 'shared' }), STABLE.decimals);
  const wethTruth = truth({ risky: false, liquidity: 'not-applicable' });
  tokens.weth = { address: weth, name: 'Wrapped Ether', symbol: 'WETH', decimals: 18, totalSupply: '0', wethPair: null, v3Pool: null, expected: wethTruth };
  const lpHeld = await d.deploy(art('CleanToken'), ['Held Liquidity Token', 'HELD', 18, TOKEN_SCENARIO_SUPPLY]);
  await add('lpHeld', lpHeld, art('CleanToken'), truth({ flags: ['liquidityHeldByDeployer'], liquidity: 'held-by-deployer' }));
  const lpLocked = await d.deploy(art('CleanToken'), ['Locked Liquidity Token', 'LOCKD', 18, TOKEN_SCENARIO_SUPPLY]);
  await add('lpLocked', lpLocked, art('CleanToken'), truth({ risky: false, liquidity: 'locked' }));

  // Risky patterns, all owned by the deployer.
  const owned = (flags: TokenGroundTruth['flags'], extra: Partial<TokenGroundTruth> = {}) =>
    truth({ flags, owner: deployer, ownershipRenounced: false, ...extra });
  const risky: Array<[SecurityTokenKey, string, unknown[], TokenGroundTruth]> = [
    ['blacklist', 'BlacklistToken', [TOKEN_SCENARIO_SUPPLY], owned(['blacklist'])],
    ['ownerSellOnly', 'OwnerSellOnlyToken', [TOKEN_SCENARIO_SUPPLY], owned(['isHoneypot'])],
    ['sellTax', 'SellTaxToken', [TOKEN_SCENARIO_SUPPLY], truth({ sellTax: 0.5, owner: '0x0000000000000000000000000000000000000000', ownershipRenounced: true })],
    ['modifiableTax', 'ModifiableTaxToken', [TOKEN_SCENARIO_SUPPLY, MODIFIABLE_TAX_BPS, MODIFIABLE_TAX_BPS], owned(['taxModifiable'], { buyTax: 0.05, sellTax: 0.05 })],
    ['mintable', 'MintableToken', [TOKEN_SCENARIO_SUPPLY], owned(['mintable'])],
    ['pausable', 'PausableToken', [TOKEN_SCENARIO_SUPPLY], owned(['transferPausable'])],
    ['balanceRewrite', 'BalanceRewriteToken', [TOKEN_SCENARIO_SUPPLY], owned(['ownerCanChangeBalance'])],
    ['cooldown', 'CooldownToken', [TOKEN_SCENARIO_SUPPLY], owned(['tradingCooldown'])],
    ['maxTx', 'MaxTxToken', [TOKEN_SCENARIO_SUPPLY, MAX_TX], owned(['antiWhale'])],
  ];
  for (const [key, contract, args, expected] of risky) {
    const address = await d.deploy(art(contract), args);
    await add(key, address, art(contract), expected);
  }

  // The upgradeable token: an EIP-1967 transparent proxy whose admin can replace the code.
  const implementation = await d.deploy(art('UpgradeableToken'), []);
  const init = encodeFunctionData({ abi: art('UpgradeableToken').abi, functionName: 'initialize', args: ['Upgradeable Token', 'UPGR', TOKEN_SCENARIO_SUPPLY, deployer] });
  const proxy = await d.deploy(ARTIFACTS.transparentProxy, [implementation, proxyAdmin, init]);
  await add('proxy', proxy, art('UpgradeableToken'), owned(['isProxy']));

  // Pools against WETH: every token but the stablecoin gets half its supply in the pool.
  for (const key of Object.keys(tokens) as SecurityTokenKey[]) {
    if (key === 'weth' || V3_ONLY.includes(key)) continue;
    const token = tokens[key];
    const artifact = artifacts.get(key)!;
    const pair = await pools.create(token.address);
    token.wethPair = pair;
    if (hasMarketPairs(key)) await d.write(token.address, artifact, 'setMarketPair', [pair, true]);
    const amount = key === 'stablecoin' ? STABLE.pool : POOL_TOKENS;
    if (token.expected.liquidity === 'shared') {
      // 40 / 30 / 30: three providers, none able to pull most of the pool alone.
      await pools.addLiquidity(token.address, artifact, (amount * 4n) / 10n, (POOL_WETH * 4n) / 10n, deployer);
      for (const provider of lpProviders) await pools.addLiquidity(token.address, artifact, (amount * 3n) / 10n, (POOL_WETH * 3n) / 10n, provider);
    } else {
      const lpTo = token.expected.liquidity === 'held-by-deployer' || token.expected.liquidity === 'locked' ? deployer : DEAD_ADDRESS;
      await pools.addLiquidity(token.address, artifact, amount, POOL_WETH, lpTo);
    }
    if (key === 'stablecoin') continue;
    for (const [i, holder] of holders.entries()) await d.write(token.address, artifact, 'transfer', [holder, HOLDER_AMOUNTS[i]]);
    await d.write(token.address, artifact, 'transfer', [factory, CONTRACT_HOLDER_AMOUNT]);
  }
  // Tokens whose only liquidity is a full-range position in a Uniswap V3 pool against WETH.
  const v3Factory = options.uniswapV3Factory ?? (await d.deploy(UNISWAP_V3.factory, []));
  // The position manager comes from another account, so the deployer's nonce — and every address
  // deployed after this point — stays what it was before the scenario minted through it. Its token
  // descriptor is left unset (tokenURI reverts; the DEX core's position manager serves it).
  const positionManager = await d.deploy(UNISWAP_V3.positionManager, [v3Factory, weth, zeroAddress], peripheryDeployer);
  const v3 = new V3PoolBuilder(d, v3Factory, weth, await d.deploy(compileMarketContracts().marketTrader, []), positionManager, deployer);
  const v3Tokens: Array<[SecurityTokenKey, string, unknown[], TokenGroundTruth]> = [
    ['v3Clean', 'CleanToken', ['V3 Clean Token', 'V3CLEAN', 18, TOKEN_SCENARIO_SUPPLY], truth({ risky: false, liquidity: 'v3-burned' })],
    ['v3SellTax', 'V3SellTaxToken', [TOKEN_SCENARIO_SUPPLY], owned(['liquidityHeldByDeployer'], { sellTax: 0.5, liquidity: 'v3-held-by-deployer' })],
    ['v3Honeypot', 'V3HoneypotToken', [TOKEN_SCENARIO_SUPPLY], owned(['isHoneypot', 'liquidityHeldByDeployer'], { liquidity: 'v3-raw-held-by-deployer' })],
  ];
  const v3TokenIds = new Map<SecurityTokenKey, bigint>();
  for (const [key, contract, args, expected] of v3Tokens) {
    const address = await d.deploy(art(contract), args);
    await add(key, address, art(contract), expected);
    // As LPs do, through the position manager (an NFT per position) — but the honeypot's position
    // is minted on the pool through a contract (MarketTrader) with the deployer as its owner: a raw
    // pool position, which no NFT records.
    const { pool, tokenId } = await v3.open(address, art(contract), POOL_TOKENS, POOL_WETH, key === 'v3Honeypot' ? 'pool' : 'position-manager');
    if (tokenId !== null) v3TokenIds.set(key, tokenId);
    tokens[key].v3Pool = pool;
    if (key !== 'v3Clean') await d.write(address, art(contract), 'setMarketPair', [pool, true]);
    for (const [i, holder] of holders.entries()) await d.write(address, art(contract), 'transfer', [holder, HOLDER_AMOUNTS[i]]);
    await d.write(address, art(contract), 'transfer', [factory, CONTRACT_HOLDER_AMOUNT]);
  }
  await d.write(weth, ARTIFACTS.weth9, 'transfer', [holders[0], parseEther('1')]);
  for (const [i, holder] of holders.entries()) await d.write(stable, art('CleanToken'), 'transfer', [holder, STABLE_HOLDER_AMOUNTS[i]]);

  // The clean token's second pool, shallower than its WETH pool.
  const cleanStablePair = await pools.create(clean, stable);
  await d.write(clean, art('CleanToken'), 'approve', [router, CLEAN_STABLE_POOL.clean]);
  await d.write(stable, art('CleanToken'), 'approve', [router, CLEAN_STABLE_POOL.usd]);
  const deadline = (await d.timestamp()) + 3600n;
  await d.write(router, ARTIFACTS.uniswapV2Router02, 'addLiquidity', [clean, stable, CLEAN_STABLE_POOL.clean, CLEAN_STABLE_POOL.usd, 0n, 0n, DEAD_ADDRESS, deadline]);

  // Trading as a user does it, through the router: the trader buys each taxed token with ETH and
  // sells half back (the fee-on-transfer variants, which pay out what the pair actually received).
  for (const key of TRADED) {
    const token = tokens[key].address;
    await d.write(router, ARTIFACTS.uniswapV2Router02, 'swapExactETHForTokensSupportingFeeOnTransferTokens', [0n, [weth, token], trader, deadline], TRADE_ETH, trader);
    const bought = (await d.read(token, artifacts.get(key)!, 'balanceOf', [trader])) as bigint;
    await d.write(token, artifacts.get(key)!, 'approve', [router, bought / 2n], undefined, trader);
    await d.write(router, ARTIFACTS.uniswapV2Router02, 'swapExactTokensForETHSupportingFeeOnTransferTokens', [bought / 2n, 0n, [token, weth], trader, deadline], undefined, trader);
  }

  // The V3 locked-liquidity token: four position NFTs of (about) 30 / 40 / 10 / 20 % of the
  // liquidity — burned, locked for 30 days, in a lock that expires, kept by the deployer.
  const locker = await deployLpTimeLock(d);
  const v3LockedToken = await d.deploy(art('CleanToken'), ['V3 Locked Liquidity Token', 'V3LOCKD', 18, TOKEN_SCENARIO_SUPPLY]);
  await add('v3Locked', v3LockedToken, art('CleanToken'), truth({ risky: false, liquidity: 'v3-locked' }));
  const parts = [30n, 40n, 10n, 20n];
  const opened = await v3.open(v3LockedToken, art('CleanToken'), (POOL_TOKENS * parts[0]!) / 100n, (POOL_WETH * parts[0]!) / 100n, 'position-manager');
  tokens.v3Locked.v3Pool = opened.pool;
  // Ids in `parts` order: burned, locked, expiring, deployer's.
  const ids = [opened.tokenId!];
  for (const part of parts.slice(1)) ids.push(await v3.addPosition(v3LockedToken, art('CleanToken'), (POOL_TOKENS * part) / 100n, (POOL_WETH * part) / 100n));
  const nowV3 = await d.timestamp();
  const v3LockedUntil = nowV3 + 30n * 24n * 3600n;
  const v3ExpiredAt = nowV3 + LOCK_EXPIRY_SECONDS;
  await d.write(positionManager, UNISWAP_V3.positionManager, 'transferFrom', [deployer, DEAD_ADDRESS, ids[0]]);
  for (const [id, until] of [
    [ids[1]!, v3LockedUntil],
    [ids[2]!, v3ExpiredAt],
  ] as const) {
    await d.write(positionManager, UNISWAP_V3.positionManager, 'approve', [locker.address, id]);
    await d.write(locker.address, locker.contract, 'lockNft', [positionManager, id, until]);
  }
  for (const [i, holder] of holders.entries()) await d.write(v3LockedToken, art('CleanToken'), 'transfer', [holder, HOLDER_AMOUNTS[i]]);
  // V3 clean token: its position NFT is burned, as the V2 clean token's LP is.
  await d.write(positionManager, UNISWAP_V3.positionManager, 'transferFrom', [deployer, DEAD_ADDRESS, v3TokenIds.get('v3Clean')!]);
  const v3Locks = {
    pool: opened.pool,
    burnedTokenId: ids[0]!.toString(),
    lockedTokenId: ids[1]!.toString(),
    lockedUntil: v3LockedUntil.toString(),
    expiredTokenId: ids[2]!.toString(),
    expiredAt: v3ExpiredAt.toString(),
    deployerTokenId: ids[3]!.toString(),
  };

  // The locked-liquidity token's LP: 40 % locked for 30 days, 10 % in a lock that expires, 30 %
  // burned, the rest (~20 %) kept by the deployer. Then the clock passes the short locks (V2 and V3).
  const lockPair = tokens.lpLocked.wethPair!;
  const lpSupply = (await d.read(lockPair, ARTIFACTS.uniswapV2Pair, 'totalSupply', [])) as bigint;
  const share = (percent: bigint) => (lpSupply * percent) / 100n;
  const now = await d.timestamp();
  const lockedUntil = now + 30n * 24n * 3600n;
  const expiredAt = now + LOCK_EXPIRY_SECONDS;
  await d.write(lockPair, ARTIFACTS.uniswapV2Pair, 'approve', [locker.address, share(50n)]);
  await d.write(locker.address, locker.contract, 'lock', [lockPair, share(40n), lockedUntil]);
  await d.write(locker.address, locker.contract, 'lock', [lockPair, share(10n), expiredAt]);
  await d.write(lockPair, ARTIFACTS.uniswapV2Pair, 'transfer', [DEAD_ADDRESS, share(30n)]);
  await d.increaseTime(2n * LOCK_EXPIRY_SECONDS);
  const lpLocks = {
    pair: lockPair,
    lpTotalSupply: lpSupply.toString(),
    locked: share(40n).toString(),
    lockedUntil: lockedUntil.toString(),
    expired: share(10n).toString(),
    expiredAt: expiredAt.toString(),
    burned: share(30n).toString(),
    deployer: ((await d.read(lockPair, ARTIFACTS.uniswapV2Pair, 'balanceOf', [deployer])) as bigint).toString(),
  };

  // Owner actions that make the patterns live: a blacklisted holder, a silently rewritten
  // balance, a renounced owner whose fixed tax stays.
  await d.write(tokens.blacklist.address, art('BlacklistToken'), 'setBlacklist', [holders[2], true]);
  await d.write(tokens.balanceRewrite.address, art('BalanceRewriteToken'), 'setBalance', [holders[0], REWRITTEN_BALANCE]);
  await d.write(tokens.sellTax.address, art('SellTaxToken'), 'renounceOwnership', []);
  tokens.weth.totalSupply = ((await d.read(weth, ARTIFACTS.weth9, 'totalSupply', [])) as bigint).toString();

  return {
    rpcUrl,
    chainId: d.chainId,
    blockNumber: (await d.blockNumber()).toString(),
    deployer,
    proxyAdmin,
    weth,
    uniswapV2Factory: factory,
    uniswapV2Router: router,
    uniswapV3Factory: v3Factory,
    trader,
    holders,
    contractHolder: factory,
    lpLocker: locker.address,
    lpLocks,
    uniswapV3PositionManager: positionManager,
    v3Locks,
    lpProviders,
    cleanStablePair,
    tokens,
  };
}

function hasMarketPairs(key: SecurityTokenKey): boolean {
  return !['clean', 'stablecoin', 'lpHeld', 'lpLocked', 'proxy', 'balanceRewrite'].includes(key);
}

/** Creates V2 pairs through the factory and funds them through the router's `addLiquidityETH`. */
class PoolBuilder {
  constructor(
    private readonly d: Deployer,
    private readonly factory: Address,
    private readonly router: Address,
    private readonly weth: Address,
  ) {}

  async create(token: Address, quote: Address = this.weth): Promise<Address> {
    await this.d.write(this.factory, ARTIFACTS.uniswapV2Factory, 'createPair', [token, quote]);
    return getAddress((await this.d.read(this.factory, ARTIFACTS.uniswapV2Factory, 'getPair', [token, quote])) as Address);
  }

  /** Adds `tokenAmount` and `ethAmount` (wrapped by the router) at the pool's ratio; LP to `lpTo`. */
  async addLiquidity(token: Address, artifact: Artifact, tokenAmount: bigint, ethAmount: bigint, lpTo: Address) {
    await this.d.write(token, artifact, 'approve', [this.router, tokenAmount]);
    const deadline = (await this.d.timestamp()) + 3600n;
    await this.d.write(this.router, ARTIFACTS.uniswapV2Router02, 'addLiquidityETH', [token, tokenAmount, 0n, 0n, lpTo, deadline], ethAmount);
  }
}

/**
 * Opens Uniswap V3 pools against WETH with a full-range position each: minted through the
 * NonfungiblePositionManager as LPs do (an NFT to the deployer), or on the pool through the market
 * scenario's `MarketTrader` (`pool.mint` with the deployer as the owner of a raw position: no NFT).
 */
class V3PoolBuilder {
  constructor(
    private readonly d: Deployer,
    private readonly factory: Address,
    private readonly weth: Address,
    /** The market scenario's `MarketTrader`: its `mintV3` pays the mint callback from the caller. */
    private readonly minter: Address,
    private readonly positionManager: Address,
    private readonly recipient: Address,
  ) {}

  /**
   * A 0.3 % pool priced at `wethAmount / tokenAmount`, holding about `wethAmount` (and ~`tokenAmount`);
   * `tokenId` is the position NFT (null when minted on the pool directly).
   */
  async open(token: Address, artifact: Artifact, tokenAmount: bigint, wethAmount: bigint, via: 'position-manager' | 'pool'): Promise<{ pool: Address; tokenId: bigint | null }> {
    const { d } = this;
    await d.write(this.factory, UNISWAP_V3.factory, 'createPool', [token, this.weth, V3_FEE]);
    const pool = getAddress((await d.read(this.factory, UNISWAP_V3.factory, 'getPool', [token, this.weth, V3_FEE])) as Address);
    const tokenIs0 = token.toLowerCase() < this.weth.toLowerCase();
    const sqrtPriceX96 = sqrtPriceX96For({ num: wethAmount, den: tokenAmount }, tokenIs0, 18, 18);
    await d.write(pool, UNISWAP_V3.pool, 'initialize', [sqrtPriceX96]);
    if (via === 'position-manager') return { pool, tokenId: await this.addPosition(token, artifact, tokenAmount, wethAmount) };
    const { lower, upper } = fullRangeTicks(TICK_SPACING[V3_FEE]!);
    // Full range needs a little more than the price-implied amounts; the approvals leave headroom.
    await d.write(token, artifact, 'approve', [this.minter, (tokenAmount * 11n) / 10n]);
    await d.write(this.weth, ARTIFACTS.weth9, 'approve', [this.minter, (wethAmount * 11n) / 10n]);
    const trader = compileMarketContracts().marketTrader;
    await d.write(this.minter, trader, 'mintV3', [pool, lower, upper, liquidityForQuote(wethAmount, sqrtPriceX96, !tokenIs0)]);
    return { pool, tokenId: null };
  }

  /** `NonfungiblePositionManager.mint` of a full-range position of up to these amounts; returns its token id. */
  async addPosition(token: Address, artifact: Artifact, tokenAmount: bigint, wethAmount: bigint): Promise<bigint> {
    const { d } = this;
    const { lower, upper } = fullRangeTicks(TICK_SPACING[V3_FEE]!);
    const tokenIs0 = token.toLowerCase() < this.weth.toLowerCase();
    await d.write(token, artifact, 'approve', [this.positionManager, tokenAmount]);
    await d.write(this.weth, ARTIFACTS.weth9, 'approve', [this.positionManager, wethAmount]);
    const [token0, token1] = tokenIs0 ? [token, this.weth] : [this.weth, token];
    const [amount0Desired, amount1Desired] = tokenIs0 ? [tokenAmount, wethAmount] : [wethAmount, tokenAmount];
    const deadline = (await d.timestamp()) + 3600n;
    const before = (await d.read(this.positionManager, UNISWAP_V3.positionManager, 'totalSupply', [])) as bigint;
    await d.write(this.positionManager, UNISWAP_V3.positionManager, 'mint', [
      { token0, token1, fee: V3_FEE, tickLower: lower, tickUpper: upper, amount0Desired, amount1Desired, amount0Min: 0n, amount1Min: 0n, recipient: this.recipient, deadline },
    ]);
    // Token ids count up from 1 and none is burned here: the new one is the supply after.
    const tokenId = before + 1n;
    const owner = getAddress((await d.read(this.positionManager, UNISWAP_V3.positionManager, 'ownerOf', [tokenId])) as Address);
    if (owner !== this.recipient) throw new Error(`position ${tokenId} went to ${owner}`);
    return tokenId;
  }
}
