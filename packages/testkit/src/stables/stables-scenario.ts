import { DEX_DEPLOYMENTS } from '@oca/chain';
import { concatHex, encodeDeployData, getContractAddress, keccak256, parseEther, parseUnits, toHex, type Address, type Hex } from 'viem';
import { ARTIFACTS } from '../artifacts';
import { connectDeployer, type Deployer } from '../deployer';
import { CREATE2_DEPLOYER, DEVNET_ADMIN, type MarketScenario } from '../markets';
import { compileDevnetStable } from './stable-contracts';

const SALT = keccak256(toHex('oca:devnet-stables:v1'));

/** The devnet's extra stablecoins, listed after dUSD in `DEX_DEPLOYMENTS.devnet.usdStables`. */
export const DEVNET_STABLES = {
  usdt: { name: 'Devnet Tether', symbol: 'dUSDT', decimals: 6 },
  dai: { name: 'Devnet Dai', symbol: 'dDAI', decimals: 18 },
} as const;
export type DevnetStableName = keyof typeof DEVNET_STABLES;

/** dDAI's price in dUSD and dUSDT in every pool the scenario opens: 5 % under its peg. */
export const DAI_PRICE = { num: 95n, den: 100n } as const;

/** A V2 pair the scenario opened, oriented as named. */
export interface StablePool {
  address: Address;
  base: Address;
  quote: Address;
}

export interface StablesScenario {
  stables: Record<DevnetStableName, Address>;
  /** A token only quoted in dDAI: its USD price goes through dDAI's measured price. */
  delta: Address;
  pools: {
    usdUsdt: StablePool;
    daiUsd: StablePool;
    daiUsdt: StablePool;
    wethDai: StablePool;
    deltaDai: StablePool;
  };
}

function creationCode(name: DevnetStableName): Hex {
  const s = DEVNET_STABLES[name];
  const contract = compileDevnetStable();
  return encodeDeployData({ abi: contract.abi, bytecode: contract.bytecode, args: [s.name, s.symbol, s.decimals, DEVNET_ADMIN] });
}

/** Where `deployStablesScenario` puts each stablecoin: a pure function of the creation code. */
export function devnetStableAddresses(): Record<DevnetStableName, Address> {
  const at = (name: DevnetStableName) => getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: SALT, bytecode: creationCode(name) });
  return { usdt: at('usdt'), dai: at('dai') };
}

/**
 * Two more stablecoins beside the market scenario's dUSD, for the agents' peg check: dUSDT
 * (6 decimals) on its peg, dDAI (18 decimals) 5 % under it. Uniswap V2 pools: dUSD/dUSDT at par,
 * dDAI/dUSD and dDAI/dUSDT at $0.95, WETH/dDAI at the WETH price the market scenario ends at
 * (in dDAI), and DELTA/dDAI (DELTA = 0.1 dDAI). Each pool holds ≥ 100,000 units of each stablecoin.
 *
 * Runs after `deployMarketScenario` on the same chain (its WETH, V2 factory and admin), with
 * automine on; the stablecoins land at the addresses `DEX_DEPLOYMENTS.devnet` lists.
 */
export async function deployStablesScenario(market: MarketScenario, wethUsd: number): Promise<StablesScenario> {
  const d = await connectDeployer(market.rpcUrl);
  const stables = devnetStableAddresses();
  for (const name of Object.keys(DEVNET_STABLES) as DevnetStableName[]) {
    if (((await d.getCode(stables[name])) ?? '0x') === '0x') await d.send(CREATE2_DEPLOYER, concatHex([SALT, creationCode(name)]));
  }
  checkListed(stables);
  const usd = market.core.usd;
  const weth = market.core.weth;
  const delta = await d.deploy(ARTIFACTS.erc20, ['Delta Token', 'DELTA']);
  const stable = compileDevnetStable();
  const stableArtifact = { abi: stable.abi, bytecode: stable.bytecode };
  const e6 = (n: number) => parseUnits(n.toFixed(6), 6);
  const e18 = (n: number) => parseUnits(n.toFixed(18), 18);
  await d.write(stables.usdt, stableArtifact, 'mint', [DEVNET_ADMIN, e6(1_000_000)]);
  await d.write(stables.dai, stableArtifact, 'mint', [DEVNET_ADMIN, e18(2_000_000)]);
  await d.write(usd, stableArtifact, 'mint', [DEVNET_ADMIN, e6(1_000_000)]);
  await d.write(delta, ARTIFACTS.erc20, 'mint', [DEVNET_ADMIN, e18(10_000_000)]);
  await d.write(weth, ARTIFACTS.weth9, 'deposit', [], parseEther('100'));
  const dai = Number(DAI_PRICE.num) / Number(DAI_PRICE.den);
  const daiPerWeth = wethUsd / dai;
  const pools = {
    usdUsdt: await openPair(d, market, usd, stables.usdt, e6(200_000), e6(200_000)),
    daiUsd: await openPair(d, market, stables.dai, usd, e18(200_000), e6(200_000 * dai)),
    daiUsdt: await openPair(d, market, stables.dai, stables.usdt, e18(150_000), e6(150_000 * dai)),
    wethDai: await openPair(d, market, weth, stables.dai, parseEther('50'), e18(50 * daiPerWeth)),
    deltaDai: await openPair(d, market, delta, stables.dai, e18(1_000_000), e18(100_000)),
  };
  return { stables, delta, pools };
}

/** The stablecoins must be where @oca/chain lists them, or the agents would not know them. */
function checkListed(stables: Record<DevnetStableName, Address>): void {
  const listed = DEX_DEPLOYMENTS.devnet.usdStables.map((s) => s.address);
  const missing = Object.entries(stables).filter(([, address]) => !listed.includes(address));
  if (missing.length > 0) {
    throw new Error(`devnet stablecoins moved; update DEX_DEPLOYMENTS.devnet.usdStables in packages/chain/src/dex-deployments.ts: ${missing.map(([n, a]) => `${n} ${a}`).join(', ')}`);
  }
}

/** A V2 pair of `base`/`quote` through the scenario's factory, funded by the admin (transfer, then `mint`). */
async function openPair(d: Deployer, market: MarketScenario, base: Address, quote: Address, baseAmount: bigint, quoteAmount: bigint): Promise<StablePool> {
  const factory = market.core.uniswapV2Factory;
  await d.write(factory, ARTIFACTS.uniswapV2Factory, 'createPair', [base, quote]);
  const pair = (await d.read(factory, ARTIFACTS.uniswapV2Factory, 'getPair', [base, quote])) as Address;
  await d.write(base, ARTIFACTS.erc20, 'transfer', [pair, baseAmount]);
  await d.write(quote, ARTIFACTS.erc20, 'transfer', [pair, quoteAmount]);
  await d.write(pair, ARTIFACTS.uniswapV2Pair, 'mint', [DEVNET_ADMIN]);
  return { address: pair, base, quote };
}
