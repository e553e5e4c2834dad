import { encodeFunctionData, getAddress, type Abi, type Address, type Hex } from 'viem';
import { ARTIFACTS } from '../artifacts';
import type { DevnetDriver, MinedTx, TxRequest } from './devnet-driver';
import { DEVNET_ADMIN, UNISWAP_V3, type DexCore } from './dex-core';
import type { MarketContracts } from './market-contracts';
import type { MarketPoolName, MarketToken, MarketTokenName } from './market-scenario';
import { swapsFromReceipts, type FailedSwap, type ScenarioPool, type ScenarioSwap } from './swap-records';
import { playTimeline, type TimelineEvent } from './timeline';
import { fullRangeTicks, liquidityForQuote, sqrtPriceX96For, TICK_SPACING } from './v3-math';

/** Queues one contract call from `from` (impersonated) for the next mined block. */
export function queueCall(driver: DevnetDriver, from: Address, to: Address, abi: Abi, functionName: string, args: readonly unknown[], value?: bigint, gas = 400_000n): void {
  driver.queue({ from, to, data: encodeFunctionData({ abi, functionName, args }), value, gas });
}

/**
 * The market scenario's pools and trades as timed events: `openV2`/`openV3`/`swap` only plan,
 * `play` mines them in time order and records every swap. Pools are known by name once created.
 */
export class PoolTimeline {
  readonly pools: Record<MarketPoolName, ScenarioPool> = {} as Record<MarketPoolName, ScenarioPool>;
  readonly failedSwaps: FailedSwap[] = [];
  private readonly events: TimelineEvent[] = [];
  private readonly byAddress = new Map<Address, ScenarioPool>();
  private readonly deployer = DEVNET_ADMIN;

  constructor(
    private readonly driver: DevnetDriver,
    private readonly contracts: MarketContracts,
    private readonly core: DexCore,
    /** The `MarketTrader` every swap and V3 mint goes through. */
    private readonly trader: Address,
    private readonly tokens: Record<MarketTokenName, MarketToken>,
  ) {}

  /** A V2 pair opened at `at` with `baseAmount`/`quoteAmount` (raw) added one block later. */
  openV2(name: MarketPoolName, at: bigint, base: Address, quote: Address, baseAmount: bigint, quoteAmount: bigint): void {
    const { driver, deployer } = this;
    this.events.push({
      at,
      run: () => queueCall(driver, deployer, this.core.uniswapV2Factory, ARTIFACTS.uniswapV2Factory.abi, 'createPair', [base, quote], undefined, 3_000_000n),
      after: (mined) => this.register(name, 'v2', base, quote, null, mined),
    });
    this.events.push({
      at: at + 12n,
      run: () => {
        const pair = this.pools[name].address;
        if (base === this.tokens.honey.address) queueCall(driver, deployer, base, this.contracts.honeypotToken.abi, 'setPair', [pair]);
        if (base === this.tokens.taxed.address) queueCall(driver, deployer, base, this.contracts.taxedToken.abi, 'setPair', [pair]);
        queueCall(driver, deployer, base, ARTIFACTS.erc20.abi, 'transfer', [pair, baseAmount]);
        queueCall(driver, deployer, quote, ARTIFACTS.erc20.abi, 'transfer', [pair, quoteAmount]);
        queueCall(driver, deployer, pair, ARTIFACTS.uniswapV2Pair.abi, 'mint', [deployer]);
      },
    });
  }

  /** A full-range V3 pool opened at `at` at `price` (quote per base) holding about `quoteAmount`. */
  openV3(name: MarketPoolName, at: bigint, base: Address, quote: Address, fee: number, price: { num: bigint; den: bigint }, quoteAmount: bigint): void {
    const { driver, deployer } = this;
    this.events.push({
      at,
      run: () => queueCall(driver, deployer, this.core.uniswapV3Factory, UNISWAP_V3.factory.abi, 'createPool', [base, quote, fee], undefined, 6_000_000n),
      after: (mined) => this.register(name, 'v3', base, quote, fee, mined),
    });
    this.events.push({
      at: at + 12n,
      run: () => {
        const pool = this.pools[name];
        const sqrtPriceX96 = sqrtPriceX96For(price, pool.baseIsToken0, this.decimalsOf(base), this.decimalsOf(quote));
        const { lower, upper } = fullRangeTicks(TICK_SPACING[fee]!);
        const liquidity = liquidityForQuote(quoteAmount, sqrtPriceX96, !pool.baseIsToken0);
        queueCall(driver, deployer, pool.address, UNISWAP_V3.pool.abi, 'initialize', [sqrtPriceX96]);
        queueCall(driver, deployer, this.trader, this.contracts.marketTrader.abi, 'mintV3', [pool.address, lower, upper, liquidity], undefined, 1_000_000n);
      },
    });
  }

  /** A swap by `who` at `at`: a buy spends `amount` of quote, a sell spends `amount` of base. */
  swap(name: MarketPoolName, at: bigint, who: Address, side: 'buy' | 'sell', amount: bigint, expectRevert = false): void {
    let sent: TxRequest | undefined;
    this.events.push({
      at,
      run: () => {
        const pool = this.pools[name];
        const tokenIn = side === 'buy' ? pool.quote : pool.base;
        const fn = pool.kind === 'v2' ? 'swapV2' : 'swapV3';
        sent = { from: who, to: this.trader, data: encodeFunctionData({ abi: this.contracts.marketTrader.abi, functionName: fn, args: [pool.address, tokenIn, amount, who] }), gas: 600_000n };
        this.driver.queue(sent);
      },
      mayRevert: expectRevert ? (tx) => tx === sent : undefined,
      after: (mined) => {
        if (!expectRevert) return;
        const tx = mined.find((m) => m.from === who && !m.success);
        if (!tx) throw new Error(`expected the ${side} on ${name} by ${who} at ${at} to revert`);
        this.failedSwaps.push({ pool: this.pools[name].address, poolName: name, trader: who, side, blockNumber: tx.blockNumber, timestamp: tx.timestamp, txHash: tx.hash });
      },
    });
  }

  /** Mines every planned event in time order; returns the successful swaps in chain order. */
  async play(): Promise<ScenarioSwap[]> {
    const swaps: ScenarioSwap[] = [];
    await playTimeline(this.driver, this.events, (mined) => swaps.push(...swapsFromReceipts(mined, this.byAddress)));
    return swaps;
  }

  /** Looks the new pool up at its factory and records it under `name`. */
  private async register(name: MarketPoolName, kind: 'v2' | 'v3', base: Address, quote: Address, fee: number | null, mined: MinedTx[]): Promise<void> {
    const data =
      kind === 'v2'
        ? encodeFunctionData({ abi: ARTIFACTS.uniswapV2Factory.abi, functionName: 'getPair', args: [base, quote] })
        : encodeFunctionData({ abi: UNISWAP_V3.factory.abi, functionName: 'getPool', args: [base, quote, fee] });
    const factory = kind === 'v2' ? this.core.uniswapV2Factory : this.core.uniswapV3Factory;
    const word = await this.driver.call<Hex>('eth_call', [{ to: factory, data }, 'latest']);
    const address = getAddress(`0x${word.slice(-40)}`);
    const created = mined[0]!;
    const pool: ScenarioPool = {
      name,
      address,
      kind,
      fee,
      base,
      quote,
      baseIsToken0: base.toLowerCase() < quote.toLowerCase(),
      createdAt: created.timestamp,
      createdBlock: created.blockNumber,
    };
    this.byAddress.set(address, pool);
    this.pools[name] = pool;
  }

  private decimalsOf(token: Address): number {
    return token === this.core.usd ? 6 : 18;
  }
}
