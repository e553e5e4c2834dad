import { DEX_DEPLOYMENTS } from '@oca/chain';
import { concatHex, encodeAbiParameters, getAddress, getContractAddress, keccak256, numberToHex, parseEther, size, toHex, zeroAddress, type Address, type Hex } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import { connectDeployer, type Deployer } from '../deployer';
import { CREATE2_DEPLOYER, deployCanonicalWeth } from '../markets/dex-core';
import { compileMarketContracts } from '../markets/market-contracts';
import { fullRangeTicks, liquidityForQuote, sqrtPriceX96For } from '../markets/v3-math';
import { compileForkContracts, PANCAKESWAP_V3, type ForkContracts } from './fork-contracts';

const SALT = keccak256(toHex('oca:devnet-forks:v1'));
/** The PancakeSwap V3 fee tier the scenario opens (0.25 %) and its tick spacing in PancakeV3Factory. */
export const PANCAKE_V3_FEE = 2500;
const PANCAKE_V3_TICK_SPACING = 50;
/** The unlisted V2 fork's fee: above Uniswap's 0.3 %, so a simulation at 0.3 % reverts on its K check. */
export const UNLISTED_V2_FEE_BPS = 100;
/** The taxed token's sell tax: 10 % of every transfer into its PancakeSwap V3 pool. */
export const FORK_TAXED_SELL_TAX_BPS = 1000n;
/**
 * The Solidly-style factory's fees (`getFee(pool, stable)`, basis points): volatile pools at 1 %
 * (Velodrome's maximum, above Uniswap's 0.3 %, so only the pool's own quote trades), stable pools
 * at Velodrome's default 0.05 %.
 */
export const SOLIDLY_FEES_BPS = { volatile: 100, stable: 5 } as const;

/** The devnet's DEX forks, at the same addresses on every fresh anvil (listed in DEX_DEPLOYMENTS.devnet). */
export interface ForkDexes {
  /** A 0.25 % V2 fork, listed as `pancakeswap-v2` (feeBps 25). */
  pancakeV2Factory: Address;
  /** A 1 % V2 fork that is not listed: the agent assumes 0.3 % for it. */
  unlistedV2Factory: Address;
  /** The published PancakeV3Factory, listed as `pancakeswap-v3` (flavour `pancakeswap`). */
  pancakeV3Factory: Address;
  pancakeV3PoolDeployer: Address;
  /** The data contract holding the published PancakeV3Pool creation code. */
  pancakeV3PoolCode: Address;
  /** A Solidly-style factory (volatile pools 1 %, stable 0.05 %: `SOLIDLY_FEES_BPS`), listed as `aerodrome` (kind `solidly`). */
  solidlyFactory: Address;
}

export type ForkTokenKey = 'cakeV3Clean' | 'cakeV3Taxed' | 'feeV2Clean' | 'deepPoolSkipped' | 'honeypotDeep' | 'solidlyClean' | 'solidlyStable';

/** A scenario token and where it trades, deepest pool first. */
export interface ForkToken {
  address: Address;
  symbol: string;
  /** Every pool, deepest (most tokens) first. */
  pools: Address[];
  /** The pool a correct simulation trades through. */
  tradedPool: Address;
  /** Deeper pools whose simulated buy must revert (a fork the simulator cannot match) and be passed over. */
  skippedPools: Address[];
  sellTax: number;
  isHoneypot: boolean;
}

export interface ForkScenario {
  rpcUrl: string;
  weth: Address;
  deployer: Address;
  dexes: ForkDexes;
  tokens: Record<ForkTokenKey, ForkToken>;
}

/** Runtime code 0x00 ‖ `data`, created by a 10-byte loader: PUSH2 len, DUP1, PUSH1 10, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN. */
function dataContract(data: Hex): Hex {
  const runtime = concatHex(['0x00', data]);
  return concatHex([`0x61${numberToHex(size(runtime), { size: 2 }).slice(2)}80600a3d393df3`, runtime]);
}

const at = (bytecode: Hex) => getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: SALT, bytecode });
const addressArg = (a: Address) => encodeAbiParameters([{ type: 'address' }], [a]);
const feeArg = (bps: number) => encodeAbiParameters([{ type: 'uint16' }], [bps]);

function creationCodes(contracts: ForkContracts): Record<keyof ForkDexes, Hex> {
  const pancakeV3PoolCode = dataContract(PANCAKESWAP_V3.pool.bytecode);
  const pancakeV3PoolDeployer = concatHex([contracts.pancakeV3PoolDeployer.bytecode, addressArg(at(pancakeV3PoolCode))]);
  return {
    pancakeV2Factory: concatHex([contracts.feeV2Factory.bytecode, feeArg(25)]),
    unlistedV2Factory: concatHex([contracts.feeV2Factory.bytecode, feeArg(UNLISTED_V2_FEE_BPS)]),
    pancakeV3PoolCode,
    pancakeV3PoolDeployer,
    pancakeV3Factory: concatHex([PANCAKESWAP_V3.factory.bytecode, addressArg(at(pancakeV3PoolDeployer))]),
    solidlyFactory: concatHex([contracts.solidlyFactory.bytecode, encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [BigInt(SOLIDLY_FEES_BPS.volatile), BigInt(SOLIDLY_FEES_BPS.stable)])]),
  };
}

/** Where `deployForkScenario` puts the fork factories: a pure function of their creation code. */
export function forkDexAddresses(contracts: ForkContracts = compileForkContracts()): ForkDexes {
  return Object.fromEntries(Object.entries(creationCodes(contracts)).map(([key, code]) => [key, at(code)])) as unknown as ForkDexes;
}

/** CREATE2-deploys the fork factories (skipping any already there) and checks @oca/chain lists them where they landed. */
async function deployForkDexes(d: Deployer, contracts: ForkContracts): Promise<ForkDexes> {
  const codes = creationCodes(contracts);
  const dexes = forkDexAddresses(contracts);
  for (const key of Object.keys(codes) as (keyof ForkDexes)[]) {
    if ((await d.getCode(dexes[key])) === undefined) await d.send(CREATE2_DEPLOYER, concatHex([SALT, codes[key]]), 12_000_000n);
  }
  const deployerArtifact = contracts.pancakeV3PoolDeployer;
  if ((await d.read(dexes.pancakeV3PoolDeployer, deployerArtifact, 'factoryAddress', [])) === zeroAddress) {
    await d.write(dexes.pancakeV3PoolDeployer, deployerArtifact, 'setFactoryAddress', [dexes.pancakeV3Factory]);
  }
  const listed = DEX_DEPLOYMENTS.devnet;
  const v2 = (name: string) => listed.v2Factories.find((f) => f.name === name);
  const v3 = listed.v3Factories.find((f) => f.name === 'pancakeswap-v3');
  const solidly = listed.solidlyFactories?.find((f) => f.name === 'aerodrome');
  const mismatch = [
    ['aerodrome', dexes.solidlyFactory, solidly?.address, solidly?.kind === 'solidly'],
    ['pancakeswap-v2', dexes.pancakeV2Factory, v2('pancakeswap-v2')?.address, v2('pancakeswap-v2')?.feeBps === 25],
    ['pancakeswap-v3', dexes.pancakeV3Factory, v3?.address, v3?.flavour === 'pancakeswap' && v3.feeTiers.includes(PANCAKE_V3_FEE)],
  ].filter(([, actual, address, shape]) => actual !== address || !shape);
  if (mismatch.length > 0) {
    throw new Error(`devnet DEX forks moved; update DEX_DEPLOYMENTS.devnet in packages/chain/src/dex-deployments.ts: ${mismatch.map(([name, actual]) => `${name} at ${actual}`).join(', ')}`);
  }
  if (listed.v2Factories.some((f) => f.address === dexes.unlistedV2Factory)) throw new Error('the unlisted V2 fork must stay unlisted');
  return dexes;
}

export interface Build {
  d: Deployer;
  deployer: Address;
  weth: Address;
  dexes: ForkDexes;
  contracts: ForkContracts;
  minter: Address;
}

/** A V2 fork pair of `token`/WETH holding these amounts, LP to the deployer. */
export async function openV2(b: Build, factory: Address, token: Address, artifact: Artifact, tokenAmount: bigint, wethAmount: bigint): Promise<Address> {
  const { d, contracts } = b;
  await d.write(factory, contracts.feeV2Factory, 'createPair', [token, b.weth]);
  const pair = getAddress((await d.read(factory, contracts.feeV2Factory, 'getPair', [token, b.weth])) as Address);
  await d.write(token, artifact, 'transfer', [pair, tokenAmount]);
  await d.write(b.weth, ARTIFACTS.weth9, 'transfer', [pair, wethAmount]);
  await d.write(pair, contracts.feeV2Pair, 'mint', [b.deployer]);
  return pair;
}

/** A 0.25 % PancakeSwap V3 pool of `token`/WETH priced at `wethAmount / tokenAmount`, with a full-range position of about those amounts. */
export async function openPancakeV3(b: Build, token: Address, artifact: Artifact, tokenAmount: bigint, wethAmount: bigint): Promise<Address> {
  const { d, dexes } = b;
  await d.write(dexes.pancakeV3Factory, PANCAKESWAP_V3.factory, 'createPool', [token, b.weth, PANCAKE_V3_FEE]);
  const pool = getAddress((await d.read(dexes.pancakeV3Factory, PANCAKESWAP_V3.factory, 'getPool', [token, b.weth, PANCAKE_V3_FEE])) as Address);
  const tokenIs0 = token.toLowerCase() < b.weth.toLowerCase();
  const sqrtPriceX96 = sqrtPriceX96For({ num: wethAmount, den: tokenAmount }, tokenIs0, 18, 18);
  await d.write(pool, PANCAKESWAP_V3.pool, 'initialize', [sqrtPriceX96]);
  const { lower, upper } = fullRangeTicks(PANCAKE_V3_TICK_SPACING);
  // Full range needs a little more than the price-implied amounts; the approvals leave headroom.
  await d.write(token, artifact, 'approve', [b.minter, (tokenAmount * 11n) / 10n]);
  await d.write(b.weth, ARTIFACTS.weth9, 'approve', [b.minter, (wethAmount * 11n) / 10n]);
  await d.write(b.minter, b.contracts.pancakeV3Minter, 'mint', [pool, lower, upper, liquidityForQuote(wethAmount, sqrtPriceX96, !tokenIs0)]);
  return pool;
}

/** A Solidly-style pool of `token`/WETH (volatile or stable) holding these amounts, LP to the deployer. */
export async function openSolidly(b: Build, token: Address, artifact: Artifact, tokenAmount: bigint, wethAmount: bigint, stable = false): Promise<Address> {
  const { d, contracts, dexes } = b;
  await d.write(dexes.solidlyFactory, contracts.solidlyFactory, 'createPool', [token, b.weth, stable]);
  const pool = getAddress((await d.read(dexes.solidlyFactory, contracts.solidlyFactory, 'getPool', [token, b.weth, stable])) as Address);
  await d.write(token, artifact, 'transfer', [pool, tokenAmount]);
  await d.write(b.weth, ARTIFACTS.weth9, 'transfer', [pool, wethAmount]);
  await d.write(pool, contracts.solidlyPool, 'mint', [b.deployer]);
  return pool;
}

/**
 * One exact-input swap through a Solidly-style pool, as Velodrome's router makes it: `tokenIn`
 * sent to the pool, the pool's own `getAmountOut` asked, `swap` to `to`. From the deployer, who
 * holds the scenario's tokens and WETH. Returns what `to` was paid.
 */
export async function tradeSolidly(d: Deployer, pool: Address, tokenIn: Address, amountIn: bigint, to: Address): Promise<bigint> {
  const { solidlyPool } = compileForkContracts();
  const out = (await d.read(pool, solidlyPool, 'getAmountOut', [amountIn, tokenIn])) as bigint;
  const zeroIn = getAddress((await d.read(pool, solidlyPool, 'token0', [])) as Address) === getAddress(tokenIn);
  await d.write(tokenIn, ARTIFACTS.erc20, 'transfer', [pool, amountIn]);
  await d.write(pool, solidlyPool, 'swap', [zeroIn ? 0n : out, zeroIn ? out : 0n, to, '0x']);
  return out;
}

const SUPPLY = parseEther('1000000');

/** An OpenZeppelin ERC-20 (preset minter) with `SUPPLY` minted to the deployer. */
async function plainToken(b: Build, name: string, symbol: string): Promise<Address> {
  const token = await b.d.deploy(ARTIFACTS.erc20, [name, symbol]);
  await b.d.write(token, ARTIFACTS.erc20, 'mint', [b.deployer, SUPPLY]);
  return token;
}

/**
 * DEX forks on a fresh anvil, for the security agent's trade simulation: PancakeSwap V3 (the
 * published factory and pool; pools call `pancakeV3SwapCallback`), a 0.25 % V2 fork listed as
 * PancakeSwap V2, and an unlisted 1 % V2 fork; and tokens trading on them:
 *
 * - `cakeV3Clean`, `cakeV3Taxed` (10 % sell tax): a PancakeSwap V3 pool each;
 * - `feeV2Clean`: a 0.25 % pair only;
 * - `deepPoolSkipped`: its deepest pool on the unlisted 1 % fork (a simulation at 0.3 % reverts
 *   there on K), a shallower 0.25 % pair that works;
 * - `honeypotDeep`: sells into its deepest pool (0.25 % pair) revert; a PancakeSwap V3 pool it does
 *   not block exists beside it — a simulation must not "rescue" it there;
 * - `solidlyClean`: a volatile Solidly-style pool only (1 %: only the pool's own quote trades);
 * - `solidlyStable`: a stable Solidly-style pool only (x³y + xy³ = k, 0.05 %), 10 tokens and
 *   10 WETH: a staked-ETH-like token, the pairs Velodrome's stable pools are for.
 *
 * The factories land at fixed CREATE2 addresses; the tokens and pools follow anvil's first
 * account's nonce (their addresses are returned), ~60 transactions, a few seconds.
 */
export async function deployForkScenario(rpcUrl: string): Promise<ForkScenario> {
  const d = await connectDeployer(rpcUrl);
  const deployer = d.accounts[0]!;
  const contracts = compileForkContracts();
  const market = compileMarketContracts();
  const dexes = await deployForkDexes(d, contracts);
  // The devnet's listed WETH, so the listed factories find the pools without the holders.
  const weth = await deployCanonicalWeth(d);
  await d.write(weth, ARTIFACTS.weth9, 'deposit', [], parseEther('200'));
  const minter = await d.deploy(contracts.pancakeV3Minter, []);
  const b: Build = { d, deployer, weth, dexes, contracts, minter };
  const erc20 = ARTIFACTS.erc20;
  const tokens = {} as Record<ForkTokenKey, ForkToken>;
  const add = (key: ForkTokenKey, address: Address, symbol: string, pools: Address[], rest: Partial<ForkToken> = {}) => {
    tokens[key] = { address, symbol, pools, tradedPool: pools[0]!, skippedPools: [], sellTax: 0, isHoneypot: false, ...rest };
  };

  const cakeClean = await plainToken(b, 'Cake Clean', 'CCLEAN');
  add('cakeV3Clean', cakeClean, 'CCLEAN', [await openPancakeV3(b, cakeClean, erc20, parseEther('100000'), parseEther('10'))]);

  const cakeTaxed = await d.deploy(market.taxedToken, ['Cake Taxed', 'CTAX', SUPPLY, FORK_TAXED_SELL_TAX_BPS]);
  const taxedPool = await openPancakeV3(b, cakeTaxed, market.taxedToken, parseEther('100000'), parseEther('10'));
  await d.write(cakeTaxed, market.taxedToken, 'setPair', [taxedPool]);
  add('cakeV3Taxed', cakeTaxed, 'CTAX', [taxedPool], { sellTax: Number(FORK_TAXED_SELL_TAX_BPS) / 10_000 });

  const feeClean = await plainToken(b, 'Fee Clean', 'FCLEAN');
  add('feeV2Clean', feeClean, 'FCLEAN', [await openV2(b, dexes.pancakeV2Factory, feeClean, erc20, parseEther('100000'), parseEther('10'))]);

  const skipped = await plainToken(b, 'Deep Unlisted', 'DEEPU');
  const deepUnlisted = await openV2(b, dexes.unlistedV2Factory, skipped, erc20, parseEther('200000'), parseEther('20'));
  const shallowPancake = await openV2(b, dexes.pancakeV2Factory, skipped, erc20, parseEther('50000'), parseEther('5'));
  add('deepPoolSkipped', skipped, 'DEEPU', [deepUnlisted, shallowPancake], { tradedPool: shallowPancake, skippedPools: [deepUnlisted] });

  const honey = await d.deploy(market.honeypotToken, ['Deep Honey', 'DHONEY', SUPPLY]);
  const honeyPair = await openV2(b, dexes.pancakeV2Factory, honey, market.honeypotToken, parseEther('200000'), parseEther('20'));
  const honeyV3 = await openPancakeV3(b, honey, market.honeypotToken, parseEther('50000'), parseEther('5'));
  await d.write(honey, market.honeypotToken, 'setPair', [honeyPair]);
  add('honeypotDeep', honey, 'DHONEY', [honeyPair, honeyV3], { isHoneypot: true });

  const solidlyClean = await plainToken(b, 'Solidly Clean', 'SCLEAN');
  add('solidlyClean', solidlyClean, 'SCLEAN', [await openSolidly(b, solidlyClean, erc20, parseEther('100000'), parseEther('10'))]);

  const solidlyStable = await plainToken(b, 'Staked Ether Clean', 'SETH');
  add('solidlyStable', solidlyStable, 'SETH', [await openSolidly(b, solidlyStable, erc20, parseEther('10'), parseEther('10'), true)]);

  return { rpcUrl, weth, deployer, dexes, tokens };
}
