import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEther, type Address } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import { connectDeployer } from '../deployer';
import { compileForkContracts } from '../forks/fork-contracts';
import { openPancakeV3, openSolidly, openV2, type Build, type ForkScenario } from '../forks/fork-scenario';
import { compileSolidity, type CompiledContract } from '../solc';
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

/** A `LimitsToken` and the only pool it trades in. */
export type LimitsPool = Pick<LimitsScenario, 'token' | 'artifact' | 'pair'>;

/** The DEX forks of `deployForkScenario` a `LimitsToken` trades on in `deployForkLimitsScenario`. */
export type ForkLimitsDex = 'pancakeV2' | 'pancakeV3' | 'solidly';

/** LimitsToken.sol's two contracts, compiled (solc output cached). */
function compileLimitsTokens(): { limits: CompiledContract; gasTrap: CompiledContract } {
  // src/tokens or dist/tokens: the .sol source is only in src.
  const file = path.join(__dirname, '..', '..', 'src', 'tokens', 'LimitsToken.sol');
  const compiled = compileSolidity({ sources: { 'LimitsToken.sol': readFileSync(file, 'utf8') } });
  if (!compiled.LimitsToken || !compiled.GasTrapToken) throw new Error('LimitsToken.sol lacks LimitsToken or GasTrapToken');
  return { limits: compiled.LimitsToken, gasTrap: compiled.GasTrapToken };
}

/**
 * `LimitsToken` (LimitsToken.sol) on the anvil at `rpcUrl`: WETH9, a Uniswap V2 factory and
 * router, the token with its pair marked, and half the supply in the pair against 100 ETH (LP to
 * the deployer); the same for `GasTrapToken`. About fifteen transactions. `options` reuses a WETH9 and
 * a Uniswap V2 factory already deployed (e.g. `placeEthereumDex`'s, at Ethereum's addresses).
 */
export async function deployLimitsScenario(rpcUrl: string, options: { weth?: Address; uniswapV2Factory?: Address } = {}): Promise<LimitsScenario> {
  const d = await connectDeployer(rpcUrl);
  const deployer = d.accounts[0]!;
  const { limits: artifact, gasTrap: trapArtifact } = compileLimitsTokens();
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

/** Each fork-limits token's pool: 20 % of the supply against 20 WETH. */
const FORK_POOL_TOKENS = LIMITS_SUPPLY / 5n;
const FORK_POOL_WETH = parseEther('20');

/**
 * A `LimitsToken` (the same caps as `deployLimitsScenario`'s) per DEX fork of `forks` (a
 * `deployForkScenario` on the same anvil), each trading only there against the scenario's WETH:
 * a 0.25 % PancakeSwap V2 fork pair, a PancakeSwap V3 pool (0.25 % tier, `pancakeV3SwapCallback`)
 * and a volatile Solidly pool (1 %, its own `getAmountOut`). About twenty-five transactions.
 */
export async function deployForkLimitsScenario(forks: ForkScenario): Promise<Record<ForkLimitsDex, LimitsPool>> {
  const d = await connectDeployer(forks.rpcUrl);
  const contracts = compileForkContracts();
  const { limits: artifact } = compileLimitsTokens();
  await d.write(forks.weth, ARTIFACTS.weth9, 'deposit', [], FORK_POOL_WETH * 4n);
  const minter = await d.deploy(contracts.pancakeV3Minter, []);
  const b: Build = { d, deployer: forks.deployer, weth: forks.weth, dexes: forks.dexes, contracts, minter };
  const open: Record<ForkLimitsDex, (token: Address) => Promise<Address>> = {
    pancakeV2: (token) => openV2(b, forks.dexes.pancakeV2Factory, token, artifact, FORK_POOL_TOKENS, FORK_POOL_WETH),
    pancakeV3: (token) => openPancakeV3(b, token, artifact, FORK_POOL_TOKENS, FORK_POOL_WETH),
    solidly: (token) => openSolidly(b, token, artifact, FORK_POOL_TOKENS, FORK_POOL_WETH),
  };
  const out = {} as Record<ForkLimitsDex, LimitsPool>;
  for (const dex of Object.keys(open) as ForkLimitsDex[]) {
    const token = await d.deploy(artifact, [LIMITS_SUPPLY, LIMITS.maxBuy, LIMITS.maxSell, LIMITS.maxWallet]);
    const pair = await open[dex](token);
    await d.write(token, artifact, 'setMarketPair', [pair, true]);
    out[dex] = { token, artifact, pair };
  }
  return out;
}
