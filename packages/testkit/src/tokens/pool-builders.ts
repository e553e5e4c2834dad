import { getAddress, type Address } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import type { Deployer } from '../deployer';
import { UNISWAP_V3 } from '../markets/dex-core';
import { compileMarketContracts } from '../markets/market-contracts';
import { fullRangeTicks, liquidityForQuote, sqrtPriceX96For, TICK_SPACING } from '../markets/v3-math';

/** Fee tier of every V3 pool the token scenario opens (0.3 %). */
export const V3_FEE = 3000;

/** Creates V2 pairs through the factory and funds them through the router's `addLiquidityETH`. */
export class PoolBuilder {
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
export class V3PoolBuilder {
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
