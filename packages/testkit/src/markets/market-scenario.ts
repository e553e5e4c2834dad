import { encodeDeployData, keccak256, maxUint256, parseEther, toHex, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ARTIFACTS } from '../artifacts';
import { driveDevnet, type DevnetDriver, type TxRequest } from './devnet-driver';
import { placeContract } from '../mainnet/canonical-layout';
import { DEVNET_ADMIN, deployDexCore, listedCoreCreationCodes, type DexCore, type DexCoreLayout } from './dex-core';
import { compileMarketContracts, type MarketContracts } from './market-contracts';
import { PoolTimeline, queueCall } from './pool-timeline';
import type { FailedSwap, ScenarioPool, ScenarioSwap } from './swap-records';
import { seededRandom, spreadTimes } from './timeline';

const HOUR = 3600n;
const MINUTE = 60n;
const E18 = 10n ** 18n;
const E6 = 10n ** 6n;

/** How much simulated time the scenario covers, ending at `endTimestamp`. */
export const MARKET_SCENARIO_HOURS = 30n;
/** Where burned supply goes; the market agent leaves it out of circulating supply. */
export const BURN_ADDRESS: Address = '0x000000000000000000000000000000000000dEaD';

/** The scenario's tokens: OpenZeppelin presets (18 decimals) except the solc honeypot. */
export const MARKET_TOKENS = {
  alpha: { name: 'Alpha Token', symbol: 'ALPHA', supply: 10_000_000n * E18, burned: 1_000_000n * E18 },
  steady: { name: 'Steady Token', symbol: 'STEADY', supply: 10_000_000n * E18, burned: 0n },
  warm: { name: 'Warm Token', symbol: 'WARM', supply: 10_000_000n * E18, burned: 0n },
  dust: { name: 'Dust Token', symbol: 'DUST', supply: 1_000_000n * E18, burned: 0n },
  hot: { name: 'Hot New Token', symbol: 'HOT', supply: 100_000_000n * E18, burned: 0n },
  honey: { name: 'Honey Token', symbol: 'HONEY', supply: 10_000_000n * E18, burned: 0n },
  taxed: { name: 'Taxed Token', symbol: 'TAXED', supply: 10_000_000n * E18, burned: 0n },
} as const;

/** TAXED keeps this share of every sell (basis points): sells go through, holders get 1 %. */
export const TAXED_SELL_TAX_BPS = 9_900n;
export type MarketTokenName = keyof typeof MARKET_TOKENS;

export interface MarketToken {
  name: string;
  symbol: string;
  address: Address;
  decimals: number;
  totalSupply: bigint;
  /** Sent to `BURN_ADDRESS`. */
  burned: bigint;
}

export type MarketPoolName =
  | 'wethUsdV2'
  | 'wethUsdV3'
  | 'alphaWethV2'
  | 'alphaWethV3'
  | 'alphaUsdV2'
  | 'steadyUsdV2'
  | 'warmWethV3'
  | 'dustWethV2'
  | 'hotWethV2'
  | 'honeyWethV2'
  | 'taxedWethV2';

/** Everything `deployMarketScenario` put on the chain and every swap it made. */
export interface MarketScenario {
  rpcUrl: string;
  core: DexCore;
  /** The test-only swap helper every trade goes through (V2/V3 `sender` of every Swap). */
  trader: Address;
  deployer: Address;
  /** Impersonated EOAs that sent the swaps. */
  traders: Address[];
  tokens: Record<MarketTokenName, MarketToken>;
  pools: Record<MarketPoolName, ScenarioPool>;
  /** Every successful swap, in chain order. */
  swaps: ScenarioSwap[];
  /** Swap attempts that reverted (honeypot sells). */
  failedSwaps: FailedSwap[];
  startTimestamp: bigint;
  /** Timestamp of the last block: "now" for every window. */
  endTimestamp: bigint;
  endBlock: bigint;
}

const TRADER_COUNT = 24;
const TOKEN_NAMES = Object.keys(MARKET_TOKENS) as MarketTokenName[];

/**
 * A DEX market on a fresh anvil, played over 30 simulated hours:
 *
 * - core at fixed CREATE2 addresses: WETH9, Uniswap V2 and V3 factories (npm bytecode), dUSD;
 * - WETH/dUSD on V2 and on V3 (0.05 %; the deeper one) anchoring ETH at about $2,000;
 * - ALPHA on V2/WETH, V3/WETH (0.3 %) and V2/dUSD from the start, traded all along (buys and
 *   sells, a burst in the last hour), 10 % of its supply burned;
 * - pools opened inside the last 24 h at different ages, for the trend agent: STEADY/dUSD (20 h),
 *   WARM/WETH V3 (10 h), DUST/WETH (5 h, about $400 of liquidity), HOT/WETH (3 h, the hot new pair:
 *   40 swaps by 16 traders, mostly buys) and HONEY/WETH (2 h, a honeypot: 45 buys by 20 traders,
 *   every sell reverts).
 *
 * Trades come from 24 impersonated EOAs through a solc-compiled helper (`MarketTrader`), one
 * exact-input path for V2 and V3 alike (V3 needs a callback contract anyway); the npm
 * UniswapV2Router02 is deployed in the core (`core.uniswapV2Router`) for clients that want it.
 * Takes a few seconds.
 *
 * Once per chain: the core is skipped when already there, but the pools cannot be created twice.
 * The chain's clock ends 30 h ahead of where it started, and automine is back on afterwards.
 * With `layout: 'ethereum'` (a mainnet-shaped chain) WETH9, dUSD and the Uniswap factories sit at
 * Ethereum's WETH, USDC and Uniswap addresses instead, so the agents run there as `ethereum`.
 */
export async function deployMarketScenario(rpcUrl: string, options: { layout?: DexCoreLayout } = {}): Promise<MarketScenario> {
  const contracts = compileMarketContracts();
  const layout = options.layout ?? 'devnet';
  for (const { address, code } of listedCoreCreationCodes(contracts, layout)) await placeContract(rpcUrl, address, code);
  return driveDevnet(rpcUrl, (driver) => play(driver, contracts, layout));
}

async function play(driver: DevnetDriver, contracts: MarketContracts, layout: DexCoreLayout): Promise<MarketScenario> {
  const start = (await driver.latestTimestamp()) + 1n;
  const end = start + MARKET_SCENARIO_HOURS * HOUR;
  const random = seededRandom(20240601);
  const traders = Array.from({ length: TRADER_COUNT }, (_, i) => privateKeyToAddress(keccak256(toHex(`oca-testkit:market-trader:${i}`))));
  await driver.fund([DEVNET_ADMIN, ...traders], parseEther('1000000'));

  // Setup: core, the trade helper and tokens, balances and approvals.
  const core = await deployDexCore(driver, contracts, start, layout);
  const { trader, tokens } = await deployTraderAndTokens(driver, contracts, start + 12n);
  await fundAccounts(driver, contracts, core, trader, tokens, traders, start + 24n);

  // Pools and trading, as one timeline.
  const timeline = new PoolTimeline(driver, contracts, core, trader, tokens);
  const plan: TradePlan = { timeline, draw: tradeDraws(random, end), traders, tokens, core, start, end };
  planAnchorsAndAlpha(plan);
  planNewPools(plan);
  const swaps = await timeline.play();
  // The last block is "now" for every window.
  await driver.mine(end);
  const endBlock = BigInt(await driver.call<Hex>('eth_blockNumber'));

  return {
    rpcUrl: driver.rpcUrl,
    core,
    trader,
    deployer: DEVNET_ADMIN,
    traders,
    tokens,
    pools: timeline.pools,
    swaps,
    failedSwaps: timeline.failedSwaps,
    startTimestamp: start,
    endTimestamp: end,
    endBlock,
  };
}

/** The trade helper (`MarketTrader`) and the scenario's tokens, deployed in one block mined at `at`. */
async function deployTraderAndTokens(driver: DevnetDriver, contracts: MarketContracts, at: bigint): Promise<{ trader: Address; tokens: Record<MarketTokenName, MarketToken> }> {
  const deployTx = (abi: Abi, bytecode: Hex, args: readonly unknown[]): TxRequest => ({
    from: DEVNET_ADMIN,
    data: encodeDeployData({ abi, bytecode, args }),
    gas: 6_000_000n,
  });
  driver.queue(deployTx(contracts.marketTrader.abi, contracts.marketTrader.bytecode, []));
  for (const name of TOKEN_NAMES) {
    const t = MARKET_TOKENS[name];
    if (name === 'honey') driver.queue(deployTx(contracts.honeypotToken.abi, contracts.honeypotToken.bytecode, [t.name, t.symbol, t.supply]));
    else if (name === 'taxed') driver.queue(deployTx(contracts.taxedToken.abi, contracts.taxedToken.bytecode, [t.name, t.symbol, t.supply, TAXED_SELL_TAX_BPS]));
    else driver.queue(deployTx(ARTIFACTS.erc20.abi, ARTIFACTS.erc20.bytecode, [t.name, t.symbol]));
  }
  const deployed = await driver.mine(at);
  const addressOf = (i: number) => {
    const address = deployed[i]?.contractAddress;
    if (!address) throw new Error(`deployment ${i} created no contract`);
    return address;
  };
  const tokens = Object.fromEntries(
    TOKEN_NAMES.map((name, i) => {
      const t = MARKET_TOKENS[name];
      return [name, { name: t.name, symbol: t.symbol, address: addressOf(i + 1), decimals: 18, totalSupply: t.supply, burned: t.burned }];
    }),
  ) as Record<MarketTokenName, MarketToken>;
  return { trader: addressOf(0), tokens };
}

/**
 * Supplies and balances, in one block mined at `at`: every normal token minted (some to each
 * trader, so sells can come early), ALPHA's burn, WETH and dUSD for everyone, and every account's
 * approval of the trade helper.
 */
async function fundAccounts(
  driver: DevnetDriver,
  contracts: MarketContracts,
  core: DexCore,
  trader: Address,
  tokens: Record<MarketTokenName, MarketToken>,
  traders: readonly Address[],
  at: bigint,
): Promise<void> {
  const deployer = DEVNET_ADMIN;
  const erc20 = ARTIFACTS.erc20.abi;
  const call = (from: Address, to: Address, abi: Abi, functionName: string, args: readonly unknown[], value?: bigint) => queueCall(driver, from, to, abi, functionName, args, value);
  const perTrader = 20_000n * E18;
  for (const name of TOKEN_NAMES) {
    if (name === 'honey' || name === 'taxed') continue;
    const t = MARKET_TOKENS[name];
    call(deployer, tokens[name].address, erc20, 'mint', [deployer, t.supply - perTrader * BigInt(TRADER_COUNT)]);
    for (const account of traders) call(deployer, tokens[name].address, erc20, 'mint', [account, perTrader]);
  }
  call(deployer, tokens.alpha.address, erc20, 'transfer', [BURN_ADDRESS, MARKET_TOKENS.alpha.burned]);
  call(deployer, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('5000'));
  call(deployer, core.usd, contracts.devnetUsd.abi, 'mint', [deployer, 10_000_000n * E6]);
  const spendable = [core.weth, core.usd, ...TOKEN_NAMES.map((n) => tokens[n].address)];
  for (const account of [deployer, ...traders]) {
    if (account !== deployer) {
      call(deployer, core.usd, contracts.devnetUsd.abi, 'mint', [account, 200_000n * E6]);
      call(account, core.weth, ARTIFACTS.weth9.abi, 'deposit', [], parseEther('500'));
    }
    for (const token of spendable) call(account, token, erc20, 'approve', [trader, maxUint256]);
  }
  await driver.mine(at);
}

/** Seeded draws for the trades. Each draw advances the generator: the order of calls is the scenario. */
interface TradeDraws {
  random: () => number;
  pick<T>(items: readonly T[]): T;
  /** A uniform amount in [lo, hi] whole units of `unit`, to 0.001. */
  between(lo: number, hi: number, unit: bigint): bigint;
  /** `t`, or two minutes later when it falls within a minute of a window edge (end − 1 h / 6 h / 24 h). */
  clear(t: bigint): bigint;
}

function tradeDraws(random: () => number, end: bigint): TradeDraws {
  const edges = [end - HOUR, end - 6n * HOUR, end - 24n * HOUR];
  return {
    random,
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!,
    between: (lo, hi, unit) => (BigInt(Math.round((lo + random() * (hi - lo)) * 1000)) * unit) / 1000n,
    clear: (t) => (edges.some((e) => t > e - MINUTE && t < e + MINUTE) ? t + 2n * MINUTE : t),
  };
}

/** What the planning steps share. */
interface TradePlan {
  timeline: PoolTimeline;
  draw: TradeDraws;
  traders: readonly Address[];
  tokens: Record<MarketTokenName, MarketToken>;
  core: DexCore;
  start: bigint;
  end: bigint;
}

/** The anchor pools and ALPHA's three, from the start (outside every 24 h trend window), traded all along. */
function planAnchorsAndAlpha({ timeline, draw, traders, tokens, core, start, end }: TradePlan): void {
  const { random, pick, between, clear } = draw;
  const t0 = start + 36n;
  const weth = core.weth;
  const usd = core.usd;
  timeline.openV2('wethUsdV2', t0, weth, usd, 100n * E18, 200_000n * E6);
  timeline.openV3('wethUsdV3', t0 + 24n, weth, usd, 500, { num: 2000n, den: 1n }, 600_000n * E6);
  timeline.openV2('alphaWethV2', t0 + 48n, tokens.alpha.address, weth, 160_000n * E18, 40n * E18);
  timeline.openV3('alphaWethV3', t0 + 72n, tokens.alpha.address, weth, 3000, { num: 1n, den: 4000n }, 20n * E18);
  timeline.openV2('alphaUsdV2', t0 + 96n, tokens.alpha.address, usd, 40_000n * E18, 20_000n * E6);

  const alphaPools: MarketPoolName[] = ['alphaWethV2', 'alphaWethV3', 'alphaUsdV2'];
  const alphaTimes = [...spreadTimes(random, 36, start + HOUR, end - HOUR), ...spreadTimes(random, 6, end - 50n * MINUTE, end - 2n * MINUTE)];
  for (const at of alphaTimes) {
    const name = pick(alphaPools);
    const side = random() < 0.55 ? 'buy' : 'sell';
    const amount = side === 'sell' ? between(300, 4000, E18) : name === 'alphaUsdV2' ? between(150, 2500, E6) : between(0.1, 1.2, E18);
    timeline.swap(name, clear(at), pick(traders.slice(0, 10)), side, amount);
  }
  for (const at of spreadTimes(random, 8, start + 2n * HOUR, end - 20n * MINUTE)) {
    const name = pick(['wethUsdV2', 'wethUsdV3'] as const);
    const side = random() < 0.5 ? 'buy' : 'sell';
    timeline.swap(name, clear(at), pick(traders.slice(0, 6)), side, side === 'buy' ? between(2000, 9000, E6) : between(1, 4, E18));
  }
}

/** New pools inside the last 24 hours, for the trend agent, each with its trades. */
function planNewPools({ timeline, draw, traders, tokens, core, end }: TradePlan): void {
  const { random, pick, between, clear } = draw;
  const weth = core.weth;
  const opened = (hoursAgo: bigint) => end - hoursAgo * HOUR;
  timeline.openV2('steadyUsdV2', opened(20n), tokens.steady.address, core.usd, 100_000n * E18, 25_000n * E6);
  for (const at of spreadTimes(random, 8, opened(20n) + 10n * MINUTE, end - 30n * MINUTE)) {
    const side = random() < 0.6 ? 'buy' : 'sell';
    timeline.swap('steadyUsdV2', clear(at), pick(traders.slice(10, 14)), side, side === 'buy' ? between(100, 800, E6) : between(400, 3000, E18));
  }
  timeline.openV3('warmWethV3', opened(10n), tokens.warm.address, weth, 3000, { num: 1n, den: 10_000n }, 15n * E18);
  for (const at of spreadTimes(random, 10, opened(10n) + 10n * MINUTE, end - 15n * MINUTE)) {
    const side = random() < 0.6 ? 'buy' : 'sell';
    timeline.swap('warmWethV3', clear(at), pick(traders.slice(14, 19)), side, side === 'buy' ? between(0.1, 0.8, E18) : between(1000, 6000, E18));
  }
  timeline.openV2('dustWethV2', opened(5n), tokens.dust.address, weth, 1_000n * E18, parseEther('0.1'));
  for (const at of spreadTimes(random, 12, opened(5n) + 5n * MINUTE, end - 10n * MINUTE)) {
    const side = random() < 0.6 ? 'buy' : 'sell';
    timeline.swap('dustWethV2', clear(at), pick(traders.slice(0, 8)), side, side === 'buy' ? between(0.001, 0.004, E18) : between(10, 40, E18));
  }
  timeline.openV2('hotWethV2', opened(3n), tokens.hot.address, weth, 2_000_000n * E18, 20n * E18);
  const hotTraders = traders.slice(0, 16);
  spreadTimes(random, 40, opened(3n) + 5n * MINUTE, end - 2n * MINUTE).forEach((at, k) => {
    // Every trader buys first; then three buys to one sell.
    const who = k < hotTraders.length ? hotTraders[k]! : pick(hotTraders);
    const side = k < hotTraders.length || random() < 0.75 ? 'buy' : 'sell';
    timeline.swap('hotWethV2', clear(at), who, side, side === 'buy' ? between(0.2, 1.5, E18) : between(5_000, 40_000, E18));
  });
  timeline.openV2('honeyWethV2', opened(2n), tokens.honey.address, weth, 1_000_000n * E18, 10n * E18);
  const honeyTraders = traders.slice(4, 24);
  spreadTimes(random, 45, opened(2n) + 5n * MINUTE, end - 3n * MINUTE).forEach((at, k) => {
    const who = k < honeyTraders.length ? honeyTraders[k]! : pick(honeyTraders);
    timeline.swap('honeyWethV2', clear(at), who, 'buy', between(0.05, 0.4, E18));
  });
  // Sell attempts a little after the buys they follow; each reverts on chain.
  for (const [k, at] of spreadTimes(random, 6, opened(2n) + 40n * MINUTE, end - 5n * MINUTE).entries()) {
    timeline.swap('honeyWethV2', clear(at) + 6n, honeyTraders[k]!, 'sell', 1_000n * E18, true);
  }
  planTaxedPool({ timeline, draw, traders, tokens, core, start: end, end });
}

/**
 * TAXED/WETH (90 min): 30 buys by 12 traders and 4 sells that go through on chain, each losing
 * 99 % to the token. Opened after every other pool's draws, so they keep their values.
 */
function planTaxedPool({ timeline, draw, traders, tokens, core, end }: TradePlan): void {
  const { random, pick, between, clear } = draw;
  const opened = end - 90n * MINUTE;
  timeline.openV2('taxedWethV2', opened, tokens.taxed.address, core.weth, 1_000_000n * E18, 10n * E18);
  const taxedTraders = traders.slice(8, 20);
  spreadTimes(random, 30, opened + 5n * MINUTE, end - 4n * MINUTE).forEach((at, k) => {
    const who = k < taxedTraders.length ? taxedTraders[k]! : pick(taxedTraders);
    timeline.swap('taxedWethV2', clear(at), who, 'buy', between(0.1, 0.5, E18));
  });
  for (const [k, at] of spreadTimes(random, 4, opened + 40n * MINUTE, end - 6n * MINUTE).entries()) {
    timeline.swap('taxedWethV2', clear(at) + 6n, taxedTraders[k]!, 'sell', 1_000n * E18);
  }
}
