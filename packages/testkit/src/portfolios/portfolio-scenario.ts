import { encodeDeployData, encodeFunctionData, getAddress, keccak256, maxUint256, parseEther, toHex, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from '../artifacts';
import { driveDevnet, type DevnetDriver, type MinedTx } from '../markets/devnet-driver';
import { DEVNET_ADMIN, deployDexCore, UNISWAP_V3, type DexCore } from '../markets/dex-core';
import { compileMarketContracts, type MarketContracts } from '../markets/market-contracts';
import { queueCall } from '../markets/pool-timeline';
import { fullRangeTicks, sqrtPriceX96For, TICK_SPACING } from '../markets/v3-math';
import { compileNftContracts } from '../nfts/nft-contracts';

const HOUR = 3600n;
const E18 = 10n ** 18n;
const E6 = 10n ** 6n;
/** Fee tier of the BETA/WETH V3 pool (0.3 %, tick spacing 60). */
export const PORTFOLIO_V3_FEE = 3000;

/** A fresh address nobody holds the key to (impersonated on anvil). */
const account = (name: string): Address => privateKeyToAddress(keccak256(toHex(`oca-testkit:portfolios:${name}`)));

/** Everything `deployPortfolioScenario` put on the chain. */
export interface PortfolioScenario {
  rpcUrl: string;
  core: DexCore;
  /** The analysed wallet. */
  wallet: Address;
  /** Moves the WETH price and trades through the V3 pool (fees for the wallet's position). */
  trader: Address;
  tokens: {
    /** Priced through ALPHA/WETH (V2); bought twice, sold once, part put into the V2 pair. */
    alpha: Address;
    /** Priced through BETA/dUSD (V2) and BETA/WETH (V3); bought with dUSD, part put into a V3 position. */
    beta: Address;
    /** A honeypot priced through HONEY/WETH (V2): the wallet bought and cannot sell. */
    honey: Address;
    /** No pool anywhere: handed to the wallet, unpriced. */
    lost: Address;
  };
  pairs: { alphaWeth: Address; betaUsd: Address; wethUsd: Address; honeyWeth: Address };
  v3Pool: Address;
  /** The wallet's V3 position NFT (a narrow range around the opening price). */
  positionId: bigint;
  nfts: {
    /** ERC-721 (the nft scenario's OcaCritters): ids 1–3 minted to the wallet, #2 sent on to the trader. */
    critters: Address;
    /**
     * ERC-1155 (the nft scenario's OcaBadges): ids 1, 2, 3 (10, 5, 1 units) minted to the wallet in a
     * batch, 4 and 5 units of ids 1 and 2 sent to the trader in a batch, id 3 in a single transfer;
     * the trader sends 2 of its id 4 to the wallet.
     */
    badges: Address;
  };
  /** Every transaction the scenario mined after the DEX core, for tests to read receipts from. */
  mined: MinedTx[];
  endBlock: bigint;
}

/**
 * A wallet with a portfolio worth analysing, played over seven simulated hours on anvil:
 *
 * - the team deploys ALPHA and BETA (mintable presets), HONEY (buys work, sells revert) and LOST
 *   (no pool), opens ALPHA/WETH, BETA/dUSD, HONEY/WETH and WETH/dUSD V2 pairs and a BETA/WETH V3 pool;
 * - the wallet buys ALPHA with ETH (twice, the WETH price moved in between), BETA with dUSD and
 *   HONEY with ETH, sells part of its ALPHA, adds ALPHA/ETH liquidity (LP tokens), wraps ETH and
 *   opens a narrow BETA/WETH V3 position; LOST arrives by plain transfer;
 * - a trader swaps both ways through the V3 pool, so the position earns fees;
 * - the wallet is minted three ERC-721s and a batch of ERC-1155s (the nft scenario's collections),
 *   sends one ERC-721 and part of its ERC-1155s on (a batch and a single transfer) and receives
 *   ERC-1155 units from the trader.
 *
 * Needs the devnet DEX core (deployed when missing). Blocks are mined at chosen timestamps.
 */
export async function deployPortfolioScenario(rpcUrl: string): Promise<PortfolioScenario> {
  const contracts = compileMarketContracts();
  const nft = compileNftContracts();
  return driveDevnet(rpcUrl, (driver) => play(driver, contracts, nft));
}

async function play(driver: DevnetDriver, contracts: MarketContracts, nft: ReturnType<typeof compileNftContracts>): Promise<PortfolioScenario> {
  const start = (await driver.latestTimestamp()) + 1n;
  const deadline = start + 100n * HOUR;
  const admin = DEVNET_ADMIN;
  const wallet = account('wallet');
  const trader = account('trader');
  await driver.fund([admin], parseEther('1000000'));
  await driver.fund([wallet], parseEther('8'));
  await driver.fund([trader], parseEther('1000'));
  const core = await deployDexCore(driver, contracts, start);
  const mined: MinedTx[] = [];
  const mine = async (at: bigint) => {
    const txs = await driver.mine(at);
    mined.push(...txs);
    return txs;
  };
  const erc20 = ARTIFACTS.erc20.abi;
  const v2 = ARTIFACTS.uniswapV2Router02.abi;
  const npm = UNISWAP_V3.positionManager.abi;

  // Tokens.
  for (const [name, symbol] of [
    ['Alpha', 'ALPHA'],
    ['Beta', 'BETA'],
    ['Lost', 'LOST'],
  ]) {
    driver.queue({ from: admin, data: encodeDeployData({ abi: ARTIFACTS.erc20.abi, bytecode: ARTIFACTS.erc20.bytecode, args: [name, symbol] }), gas: 6_000_000n });
  }
  const honeypot = contracts.honeypotToken;
  driver.queue({ from: admin, data: encodeDeployData({ abi: honeypot.abi, bytecode: honeypot.bytecode, args: ['Honey', 'HONEY', 1_000_000n * E18] }), gas: 6_000_000n });
  const deployed = (await mine(start + 12n)).map((t) => t.contractAddress);
  if (deployed.some((a) => a === null)) throw new Error('a portfolio token deployment created no contract');
  const [alpha, beta, lost, honey] = deployed as [Address, Address, Address, Address];

  // Supply, approvals, then the pools.
  for (const token of [alpha, beta, lost]) queueCall(driver, admin, token, erc20, 'mint', [admin, 1_000_000n * E18]);
  queueCall(driver, admin, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('200'));
  queueCall(driver, admin, core.usd, contracts.devnetUsd.abi, 'mint', [admin, 1_000_000n * E6]);
  for (const token of [alpha, beta, honey, core.weth, core.usd]) queueCall(driver, admin, token, erc20, 'approve', [core.uniswapV2Router, maxUint256]);
  for (const token of [beta, core.weth]) queueCall(driver, admin, token, erc20, 'approve', [core.uniswapV3PositionManager, maxUint256]);
  await mine(start + 24n);
  const betaIs0 = beta.toLowerCase() < core.weth.toLowerCase();
  // 1 BETA = 0.001 WETH in the V3 pool (2 dUSD at 2,000 dUSD per WETH, as in the V2 pairs).
  const sqrtPriceX96 = sqrtPriceX96For({ num: 1n, den: 1000n }, betaIs0, 18, 18);
  const [token0, token1] = betaIs0 ? [beta, core.weth] : [core.weth, beta];
  queueCall(driver, admin, core.uniswapV2Router, v2, 'addLiquidityETH', [alpha, 400_000n * E18, 0n, 0n, admin, deadline], parseEther('40'), 5_000_000n);
  queueCall(driver, admin, core.uniswapV2Router, v2, 'addLiquidityETH', [honey, 100_000n * E18, 0n, 0n, admin, deadline], parseEther('10'), 5_000_000n);
  queueCall(driver, admin, core.uniswapV2Router, v2, 'addLiquidity', [core.weth, core.usd, parseEther('100'), 200_000n * E6, 0n, 0n, admin, deadline], undefined, 5_000_000n);
  queueCall(driver, admin, core.uniswapV2Router, v2, 'addLiquidity', [beta, core.usd, 100_000n * E18, 200_000n * E6, 0n, 0n, admin, deadline], undefined, 5_000_000n);
  queueCall(driver, admin, core.uniswapV3PositionManager, npm, 'createAndInitializePoolIfNecessary', [token0, token1, PORTFOLIO_V3_FEE, sqrtPriceX96], undefined, 6_000_000n);
  await mine(start + 36n);
  const pairOf = (a: Address, b: Address) => readAddress(driver, core.uniswapV2Factory, ARTIFACTS.uniswapV2Factory.abi, 'getPair', [a, b]);
  const pairs = { alphaWeth: await pairOf(alpha, core.weth), betaUsd: await pairOf(beta, core.usd), wethUsd: await pairOf(core.weth, core.usd), honeyWeth: await pairOf(honey, core.weth) };
  const v3Pool = await readAddress(driver, core.uniswapV3Factory, UNISWAP_V3.factory.abi, 'getPool', [beta, core.weth, PORTFOLIO_V3_FEE]);

  queueCall(driver, admin, honey, honeypot.abi, 'setPair', [pairs.honeyWeth]);
  const full = fullRangeTicks(TICK_SPACING[PORTFOLIO_V3_FEE]!);
  mintPosition(driver, core, admin, { token0, token1, ...full, amounts: betaIs0 ? [10_000n * E18, parseEther('10')] : [parseEther('10'), 10_000n * E18], deadline });
  queueCall(driver, admin, lost, erc20, 'transfer', [wallet, 5_000n * E18]);
  queueCall(driver, admin, core.usd, contracts.devnetUsd.abi, 'mint', [wallet, 10_000n * E6]);
  await mine(start + 48n);

  // The wallet's purchases.
  queueCall(driver, wallet, core.uniswapV2Router, v2, 'swapExactETHForTokens', [0n, [core.weth, alpha], wallet, deadline], parseEther('2'), 400_000n);
  queueCall(driver, wallet, core.uniswapV2Router, v2, 'swapExactETHForTokens', [0n, [core.weth, honey], wallet, deadline], parseEther('0.5'), 400_000n);
  queueCall(driver, wallet, core.usd, erc20, 'approve', [core.uniswapV2Router, maxUint256]);
  queueCall(driver, wallet, core.uniswapV2Router, v2, 'swapExactTokensForTokens', [4_000n * E6, 0n, [core.usd, beta], wallet, deadline], undefined, 400_000n);
  await mine(start + HOUR);
  // The WETH price falls, then the wallet buys ALPHA again.
  queueCall(driver, trader, core.uniswapV2Router, v2, 'swapExactETHForTokens', [0n, [core.weth, core.usd], trader, deadline], parseEther('10'), 400_000n);
  await mine(start + 2n * HOUR);
  queueCall(driver, wallet, core.uniswapV2Router, v2, 'swapExactETHForTokens', [0n, [core.weth, alpha], wallet, deadline], parseEther('1'), 400_000n);
  await mine(start + 3n * HOUR);
  // A partial sale and ALPHA/ETH liquidity.
  queueCall(driver, wallet, alpha, erc20, 'approve', [core.uniswapV2Router, maxUint256]);
  queueCall(driver, wallet, core.uniswapV2Router, v2, 'swapExactTokensForETH', [3_000n * E18, 0n, [alpha, core.weth], wallet, deadline], undefined, 400_000n);
  await mine(start + 4n * HOUR);
  queueCall(driver, wallet, core.uniswapV2Router, v2, 'addLiquidityETH', [alpha, 5_000n * E18, 0n, 0n, wallet, deadline], parseEther('2'), 5_000_000n);
  await mine(start + 5n * HOUR);
  // A narrow BETA/WETH position around the opening price (±20 spacings).
  queueCall(driver, wallet, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('1'));
  for (const token of [beta, core.weth]) queueCall(driver, wallet, token, erc20, 'approve', [core.uniswapV3PositionManager, maxUint256]);
  const spacing = TICK_SPACING[PORTFOLIO_V3_FEE]!;
  const tick = Math.floor(Math.log(Number(sqrtPriceX96) / 2 ** 96) / Math.log(Math.sqrt(1.0001)));
  const centre = Math.floor(tick / spacing) * spacing;
  mintPosition(driver, core, wallet, { token0, token1, lower: centre - 20 * spacing, upper: centre + 20 * spacing, amounts: betaIs0 ? [500n * E18, parseEther('0.5')] : [parseEther('0.5'), 500n * E18], deadline });
  const minted = await mine(start + 6n * HOUR);
  const positionId = nftMinted(minted.at(-1)!, core.uniswapV3PositionManager);
  // Fees for the position: a trader swaps both ways through the V3 pool.
  const router = UNISWAP_V3.swapRouter.abi;
  const single = (tokenIn: Address, tokenOut: Address, amountIn: bigint) => [{ tokenIn, tokenOut, fee: PORTFOLIO_V3_FEE, recipient: trader, deadline, amountIn, amountOutMinimum: 0n, sqrtPriceLimitX96: 0n }];
  queueCall(driver, trader, core.uniswapV3SwapRouter, router, 'exactInputSingle', single(core.weth, beta, parseEther('0.3')), parseEther('0.3'), 1_000_000n);
  queueCall(driver, trader, beta, erc20, 'approve', [core.uniswapV3SwapRouter, maxUint256]);
  await mine(start + 6n * HOUR + 60n);
  queueCall(driver, trader, core.uniswapV3SwapRouter, router, 'exactInputSingle', single(beta, core.weth, 100n * E18), undefined, 1_000_000n);
  await mine(start + 7n * HOUR);
  const nfts = await playNfts(driver, nft, wallet, trader, start + 7n * HOUR, mine);
  const endBlock = BigInt(await driver.call<Hex>('eth_blockNumber'));
  return { rpcUrl: driver.rpcUrl, core, wallet, trader, tokens: { alpha, beta, honey, lost }, pairs, v3Pool, positionId, nfts, mined, endBlock };
}

/** The wallet's NFTs: mints of both collections, then transfers out (ERC-721, an ERC-1155 batch and single) and in. */
async function playNfts(
  driver: DevnetDriver,
  nft: ReturnType<typeof compileNftContracts>,
  wallet: Address,
  trader: Address,
  after: bigint,
  mine: (at: bigint) => Promise<MinedTx[]>,
): Promise<PortfolioScenario['nfts']> {
  const admin = DEVNET_ADMIN;
  driver.queue({ from: admin, data: encodeDeployData({ abi: nft.critters.abi, bytecode: nft.critters.bytecode, args: [] }), gas: 6_000_000n });
  driver.queue({ from: admin, data: encodeDeployData({ abi: nft.badges.abi, bytecode: nft.badges.bytecode, args: ['ipfs://oca-portfolio/{id}.json'] }), gas: 6_000_000n });
  const [crittersTx, badgesTx] = await mine(after + 600n);
  if (!crittersTx?.contractAddress || !badgesTx?.contractAddress) throw new Error('a portfolio NFT deployment created no contract');
  const [critters, badges] = [getAddress(crittersTx.contractAddress), getAddress(badgesTx.contractAddress)];
  for (const body of ['Fox', 'Owl', 'Cat']) queueCall(driver, admin, critters, nft.critters.abi, 'mint', [wallet, 'Blue', body, ''], undefined, 500_000n);
  queueCall(driver, admin, badges, nft.badges.abi, 'mintBatch', [wallet, [1n, 2n, 3n], [10n, 5n, 1n]], undefined, 500_000n);
  queueCall(driver, admin, badges, nft.badges.abi, 'mint', [trader, 4n, 3n], undefined, 500_000n);
  await mine(after + 1200n);
  queueCall(driver, wallet, critters, nft.critters.abi, 'transferFrom', [wallet, trader, 2n]);
  queueCall(driver, wallet, badges, nft.badges.abi, 'safeBatchTransferFrom', [wallet, trader, [1n, 2n], [4n, 5n], '0x']);
  queueCall(driver, wallet, badges, nft.badges.abi, 'safeTransferFrom', [wallet, trader, 3n, 1n, '0x']);
  queueCall(driver, trader, badges, nft.badges.abi, 'safeTransferFrom', [trader, wallet, 4n, 2n, '0x']);
  await mine(after + 1800n);
  return { critters, badges };
}

function mintPosition(
  driver: DevnetDriver,
  core: DexCore,
  from: Address,
  p: { token0: Address; token1: Address; lower: number; upper: number; amounts: [bigint, bigint]; deadline: bigint },
): void {
  const params = {
    token0: p.token0,
    token1: p.token1,
    fee: PORTFOLIO_V3_FEE,
    tickLower: p.lower,
    tickUpper: p.upper,
    amount0Desired: p.amounts[0],
    amount1Desired: p.amounts[1],
    amount0Min: 0n,
    amount1Min: 0n,
    recipient: from,
    deadline: p.deadline,
  };
  queueCall(driver, from, core.uniswapV3PositionManager, UNISWAP_V3.positionManager.abi, 'mint', [params], undefined, 1_500_000n);
}

/** The id of the position NFT a mint transaction created (its ERC-721 Transfer from 0x0). */
function nftMinted(tx: MinedTx, manager: Address): bigint {
  const log = tx.logs.find((l) => l.address === manager && l.topics.length === 4);
  if (!log) throw new Error(`no position NFT minted in ${tx.hash}`);
  return BigInt(log.topics[3]!);
}

async function readAddress(driver: DevnetDriver, to: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<Address> {
  const out = await driver.call<Hex>('eth_call', [{ to, data: encodeFunctionData({ abi, functionName, args }) }, 'latest']);
  return getAddress(`0x${out.slice(-40)}`);
}
