import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEther, type Address } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import { connectDeployer } from '../deployer';
import { compileSolidity } from '../solc';
import { PoolBuilder } from './pool-builders';

/** A token with a largest buy, sale and wallet balance, in a Uniswap V2 pool against WETH. */
export interface LimitsScenario {
  token: Address;
  /** The `LimitsToken` artifact, to read its limits back from the chain. */
  artifact: Artifact;
  pair: Address;
  weth: Address;
  deployer: Address;
  /** `GasTrapToken`: sales above its `sellCap` run out of gas instead of reverting; in its own V2 pool against WETH. */
  gasTrap: { token: Address; artifact: Artifact; pair: Address };
}

/** Half the supply goes into the pool, against 100 ETH. */
export const LIMITS_SUPPLY = parseEther('1000000');
/** As set in the constructor: buy 0.5 %, sell 0.3 %, wallet 1.2 % of the supply (the test reads them back). */
const LIMITS = { maxBuy: parseEther('5000'), maxSell: parseEther('3000'), maxWallet: parseEther('12000') } as const;
/** GasTrapToken's sale cap: 0.2 % of the same supply (the test reads it back). */
const GAS_TRAP_SELL_CAP = parseEther('2000');

/**
 * `LimitsToken` (LimitsToken.sol) on the anvil at `rpcUrl`: WETH9, a Uniswap V2 factory and
 * router, the token with its pair marked, and half the supply in the pair against 100 ETH (LP to
 * the deployer); the same for `GasTrapToken`. About fifteen transactions. `options` reuses a WETH9 and
 * a Uniswap V2 factory already deployed (e.g. `placeEthereumDex`'s, at Ethereum's addresses).
 */
export async function deployLimitsScenario(rpcUrl: string, options: { weth?: Address; uniswapV2Factory?: Address } = {}): Promise<LimitsScenario> {
  const d = await connectDeployer(rpcUrl);
  const deployer = d.accounts[0]!;
  // src/tokens or dist/tokens: the .sol source is only in src.
  const file = path.join(__dirname, '..', '..', 'src', 'tokens', 'LimitsToken.sol');
  const compiled = compileSolidity({ sources: { 'LimitsToken.sol': readFileSync(file, 'utf8') } });
  const artifact = compiled.LimitsToken;
  const trapArtifact = compiled.GasTrapToken;
  if (!artifact || !trapArtifact) throw new Error('LimitsToken.sol lacks LimitsToken or GasTrapToken');
  const weth = options.weth ?? (await d.deploy(ARTIFACTS.weth9, []));
  const factory = options.uniswapV2Factory ?? (await d.deploy(ARTIFACTS.uniswapV2Factory, [deployer]));
  const router = await d.deploy(ARTIFACTS.uniswapV2Router02, [factory, weth]);
  const token = await d.deploy(artifact, [LIMITS_SUPPLY, LIMITS.maxBuy, LIMITS.maxSell, LIMITS.maxWallet]);
  const pools = new PoolBuilder(d, factory, router, weth);
  const pair = await pools.create(token);
  await d.write(token, artifact, 'setMarketPair', [pair, true]);
  await pools.addLiquidity(token, artifact, LIMITS_SUPPLY / 2n, parseEther('100'), deployer);
  const trap = await d.deploy(trapArtifact, [LIMITS_SUPPLY, GAS_TRAP_SELL_CAP]);
  const trapPair = await pools.create(trap);
  await d.write(trap, trapArtifact, 'setMarketPair', [trapPair, true]);
  await pools.addLiquidity(trap, trapArtifact, LIMITS_SUPPLY / 2n, parseEther('100'), deployer);
  return { token, artifact, pair, weth, deployer, gasTrap: { token: trap, artifact: trapArtifact, pair: trapPair } };
}
