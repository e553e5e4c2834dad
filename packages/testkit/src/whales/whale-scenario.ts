import { ADDRESS_LABELS, DEVNET_EXCHANGE_WALLET } from '@oca/chain';
import { encodeDeployData, encodeFunctionData, getAddress, keccak256, maxUint256, parseEther, toHex, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from '../artifacts';
import { driveDevnet, type DevnetDriver } from '../markets/devnet-driver';
import { DEVNET_ADMIN, deployDexCore, type DexCore } from '../markets/dex-core';
import { compileMarketContracts, type MarketContracts } from '../markets/market-contracts';
import { queueCall } from '../markets/pool-timeline';

const HOUR = 3600n;
const E18 = 10n ** 18n;
const E6 = 10n ** 6n;

/** How much simulated time the scenario covers, ending at `endTimestamp`. */
export const WHALE_SCENARIO_HOURS = 72n;

/** The token and where its supply goes at launch. */
export const WHALE_TOKEN = {
  name: 'Whale Token',
  symbol: 'WHL',
  supply: 1_000_000n * E18,
  /** Into the WHL/WETH pair with `poolWeth`. */
  pooled: 400_000n * E18,
  poolWeth: parseEther('40'),
  burned: 50_000n * E18,
  /** The exchange's inventory, all withdrawn to whales and retail before the window. */
  exchangeInventory: 150_000n * E18,
} as const;

/** A fresh address nobody holds the key to (impersonated on anvil). */
const wallet = (name: string): Address => privateKeyToAddress(keccak256(toHex(`oca-testkit:whales:${name}`)));

/** Everything `deployWhaleScenario` put on the chain. */
export interface WhaleScenario {
  rpcUrl: string;
  core: DexCore;
  token: Address;
  /** The WHL/WETH Uniswap V2 pair. */
  pair: Address;
  /** The labelled devnet exchange hot wallet (`DEVNET_EXCHANGE_WALLET`). */
  exchange: Address;
  /** Deployer and minter; keeps the team's share. */
  deployer: Address;
  /** Sends each insider its first ETH. */
  insiderFunder: Address;
  /** Four wallets funded by `insiderFunder`, buying early. */
  insiders: Address[];
  /** Whales: the first two withdraw from the exchange (which also pays their gas), the third buys on the DEX. */
  whales: [Address, Address, Address];
  /** Small buyers (balances set directly, so no funding transfer is on record). */
  retail: Address[];
  startTimestamp: bigint;
  endTimestamp: bigint;
  endBlock: bigint;
}

/**
 * A token whose holders tell a story, played over 72 simulated hours on anvil:
 *
 * - the team mints 1,000,000 WHL, pools 400,000 against 40 WETH (Uniswap V2), burns 50,000 and
 *   hands 150,000 to the devnet exchange wallet (labelled in @oca/chain);
 * - an insider funder sends ETH to four fresh wallets, which buy early: one cluster;
 * - the exchange pays two whales' gas and withdraws 80,000 and 60,000 WHL to them; a third whale
 *   buys on the DEX; retail buys small amounts (and two sell back for ETH, paid by the router);
 * - in the last 24 hours the first two whales deposit 70,000 and 40,000 WHL back to the exchange
 *   (distribution pressure), the third buys again, one insider sells part.
 *
 * Needs the devnet DEX core (deployed when missing) and a WETH/dUSD price, added here. Blocks are
 * mined at exact timestamps (automine off meanwhile), so windows are deterministic. The chain's
 * clock ends 72 h ahead of where it started.
 */
export async function deployWhaleScenario(rpcUrl: string): Promise<WhaleScenario> {
  const contracts = compileMarketContracts();
  return driveDevnet(rpcUrl, (driver) => play(driver, contracts));
}

async function play(driver: DevnetDriver, contracts: MarketContracts): Promise<WhaleScenario> {
  const start = (await driver.latestTimestamp()) + 1n;
  const end = start + WHALE_SCENARIO_HOURS * HOUR;
  const exchange = wallet('exchange-hot-wallet');
  checkLabels(exchange);
  const insiderFunder = wallet('insider-funder');
  const insiders = [0, 1, 2, 3].map((i) => wallet(`insider:${i}`));
  const whales: [Address, Address, Address] = [wallet('whale:0'), wallet('whale:1'), wallet('whale:2')];
  const retail = [0, 1, 2, 3, 4, 5].map((i) => wallet(`retail:${i}`));
  await driver.fund([DEVNET_ADMIN], parseEther('1000000'));
  await driver.fund([exchange, insiderFunder], parseEther('100'));
  await driver.fund(retail, parseEther('10'));

  const core = await deployDexCore(driver, contracts, start);
  checkRouter(core);
  const token = await deployToken(driver, start + 12n);
  const pair = await launch(driver, contracts, core, token, exchange, start + 24n);
  const s = { driver, core, token };

  // Before the window: insiders, whales and retail get their tokens.
  for (const insider of insiders) driver.queue({ from: insiderFunder, to: insider, value: parseEther('3'), gas: 21_000n });
  await driver.mine(start + HOUR);
  for (const insider of insiders) buy(s, insider, parseEther('2'), end);
  await driver.mine(start + HOUR + 12n);
  for (const whale of whales.slice(0, 2)) driver.queue({ from: exchange, to: whale, value: parseEther('1'), gas: 21_000n });
  transfer(s, exchange, whales[0], 80_000n * E18);
  transfer(s, exchange, whales[1], 60_000n * E18);
  driver.queue({ from: DEVNET_ADMIN, to: whales[2], value: parseEther('30'), gas: 21_000n });
  await driver.mine(start + 2n * HOUR);
  buy(s, whales[2], parseEther('10'), end);
  await driver.mine(start + 3n * HOUR);
  retail.forEach((r, i) => buy(s, r, parseEther(`${0.2 + i * 0.1}`), end));
  await driver.mine(start + 4n * HOUR);
  transfer(s, exchange, retail[0]!, 5_000n * E18);
  transfer(s, exchange, retail[1]!, 5_000n * E18);
  await driver.mine(start + 10n * HOUR);
  for (const r of retail.slice(2, 4)) {
    queueCall(driver, r, token, ARTIFACTS.erc20.abi, 'approve', [core.uniswapV2Router, maxUint256]);
    sell(s, r, 500n * E18, end);
  }
  await driver.mine(start + 12n * HOUR);

  // The window: the last 24 hours.
  transfer(s, whales[0], exchange, 70_000n * E18);
  await driver.mine(end - 20n * HOUR);
  transfer(s, whales[1], exchange, 40_000n * E18);
  await driver.mine(end - 10n * HOUR);
  buy(s, whales[2], parseEther('8'), end);
  await driver.mine(end - 8n * HOUR);
  queueCall(driver, insiders[0]!, token, ARTIFACTS.erc20.abi, 'approve', [core.uniswapV2Router, maxUint256]);
  sell(s, insiders[0]!, 10_000n * E18, end);
  await driver.mine(end - 5n * HOUR);
  buy(s, retail[4]!, parseEther('0.3'), end);
  await driver.mine(end - 2n * HOUR);
  await driver.mine(end);
  const endBlock = BigInt(await driver.call<Hex>('eth_blockNumber'));
  return { rpcUrl: driver.rpcUrl, core, token, pair, exchange, deployer: DEVNET_ADMIN, insiderFunder, insiders, whales, retail, startTimestamp: start, endTimestamp: end, endBlock };
}

/** The exchange wallet the scenario uses must be the one @oca/chain labels, or the agent cannot know it. */
function checkLabels(exchange: Address): void {
  if (exchange !== DEVNET_EXCHANGE_WALLET) {
    throw new Error(`devnet exchange wallet moved: update DEVNET_EXCHANGE_WALLET in packages/chain/src/labels/devnet.ts to ${exchange}`);
  }
}

function checkRouter(core: DexCore): void {
  const listed = ADDRESS_LABELS.devnet.filter((l) => l.kind === 'dex-router').map((l) => l.address);
  for (const router of [core.uniswapV2Router, core.uniswapV3SwapRouter]) {
    if (!listed.includes(router)) throw new Error(`devnet router ${router} is not labelled: update packages/chain/src/labels/devnet.ts`);
  }
}

async function deployToken(driver: DevnetDriver, at: bigint): Promise<Address> {
  driver.queue({ from: DEVNET_ADMIN, data: encodeDeployData({ abi: ARTIFACTS.erc20.abi, bytecode: ARTIFACTS.erc20.bytecode, args: [WHALE_TOKEN.name, WHALE_TOKEN.symbol] }), gas: 6_000_000n });
  const [deployed] = await driver.mine(at);
  if (!deployed?.contractAddress) throw new Error('WHL deployment created no contract');
  return deployed.contractAddress;
}

/**
 * Supply and the pools, in two blocks: mint, burn, the exchange's inventory and approvals; then
 * the WHL/WETH pair through the router and a WETH/dUSD price (the USD anchor; on a chain where
 * the market scenario already made that pair, the router adds at its current ratio).
 */
async function launch(driver: DevnetDriver, contracts: MarketContracts, core: DexCore, token: Address, exchange: Address, at: bigint): Promise<Address> {
  const admin = DEVNET_ADMIN;
  const erc20 = ARTIFACTS.erc20.abi;
  queueCall(driver, admin, token, erc20, 'mint', [admin, WHALE_TOKEN.supply]);
  queueCall(driver, admin, token, erc20, 'transfer', ['0x000000000000000000000000000000000000dEaD', WHALE_TOKEN.burned]);
  queueCall(driver, admin, token, erc20, 'transfer', [exchange, WHALE_TOKEN.exchangeInventory]);
  queueCall(driver, admin, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('100'));
  queueCall(driver, admin, core.usd, contracts.devnetUsd.abi, 'mint', [admin, 200_000n * E6]);
  for (const spendable of [token, core.weth, core.usd]) queueCall(driver, admin, spendable, erc20, 'approve', [core.uniswapV2Router, maxUint256]);
  await driver.mine(at);
  const deadline = at + WHALE_SCENARIO_HOURS * HOUR * 2n;
  const router = ARTIFACTS.uniswapV2Router02.abi;
  queueCall(driver, admin, core.uniswapV2Router, router, 'addLiquidityETH', [token, WHALE_TOKEN.pooled, 0n, 0n, admin, deadline], WHALE_TOKEN.poolWeth, 5_000_000n);
  queueCall(driver, admin, core.uniswapV2Router, router, 'addLiquidity', [core.weth, core.usd, parseEther('100'), 200_000n * E6, 0n, 0n, admin, deadline], undefined, 5_000_000n);
  await driver.mine(at + 12n);
  const pair = await driver.call<Hex>('eth_call', [
    { to: core.uniswapV2Factory, data: encodeCall(ARTIFACTS.uniswapV2Factory.abi, 'getPair', [token, core.weth]) },
    'latest',
  ]);
  return getAddress(`0x${pair.slice(-40)}`);
}

function encodeCall(abi: Abi, functionName: string, args: readonly unknown[]): Hex {
  return encodeFunctionData({ abi, functionName, args });
}

interface Stage {
  driver: DevnetDriver;
  core: DexCore;
  token: Address;
}

function buy({ driver, core, token }: Stage, buyer: Address, wei: bigint, deadline: bigint): void {
  queueCall(driver, buyer, core.uniswapV2Router, ARTIFACTS.uniswapV2Router02.abi, 'swapExactETHForTokens', [0n, [core.weth, token], buyer, deadline], wei, 400_000n);
}

function sell({ driver, core, token }: Stage, seller: Address, amount: bigint, deadline: bigint): void {
  queueCall(driver, seller, core.uniswapV2Router, ARTIFACTS.uniswapV2Router02.abi, 'swapExactTokensForETH', [amount, 0n, [token, core.weth], seller, deadline], undefined, 400_000n);
}

function transfer({ driver, token }: Stage, from: Address, to: Address, amount: bigint): void {
  queueCall(driver, from, token, ARTIFACTS.erc20.abi, 'transfer', [to, amount]);
}
