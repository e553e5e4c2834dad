import { parseAbi, toEventSelector, type Hex } from 'viem';

/** Uniswap V2 factory (and its forks): pair lookup and the creation event. */
export const uniswapV2FactoryAbi = parseAbi([
  'function getPair(address tokenA, address tokenB) view returns (address pair)',
  'event PairCreated(address indexed token0, address indexed token1, address pair, uint256 index)',
]);

/**
 * Uniswap V2 pair. `Sync` carries the reserves after every mint, burn and swap; the first one is
 * the launch price of a new pair.
 */
export const uniswapV2PairAbi = parseAbi([
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)',
  'function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)',
  'event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)',
  'event Sync(uint112 reserve0, uint112 reserve1)',
]);

/** Uniswap V3 factory: pool lookup per fee tier and the creation event. */
export const uniswapV3FactoryAbi = parseAbi([
  'function getPool(address tokenA, address tokenB, uint24 fee) view returns (address pool)',
  'event PoolCreated(address indexed token0, address indexed token1, uint24 indexed fee, int24 tickSpacing, address pool)',
]);

/**
 * A Solidly factory (Velodrome/Aerodrome V2 PoolFactory): pool lookup per curve, volatile or stable,
 * the fee a pool charges (basis points: Velodrome's defaults are 30 volatile, 5 stable, at most
 * 100), and the creation event, whose indexed `stable` flag gives it a topic of its own.
 */
export const solidlyFactoryAbi = parseAbi([
  'function getPool(address tokenA, address tokenB, bool stable) view returns (address pool)',
  'function getFee(address pool, bool stable) view returns (uint256)',
  'event PoolCreated(address indexed token0, address indexed token1, bool indexed stable, address pool, uint256 index)',
]);

/**
 * A Solidly pool (Velodrome/Aerodrome V2 `Pool.sol`). Reserves are uint256; a stable pool trades on
 * x³y + xy³ = k (amounts scaled to 18 decimals), so its price is not the reserve ratio;
 * `getAmountOut` quotes at the factory's fee on either curve. `Swap` puts `to` second and `Sync`
 * carries uint256 reserves: both topics differ from Uniswap V2's.
 */
export const solidlyPoolAbi = parseAbi([
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function stable() view returns (bool)',
  'function factory() view returns (address)',
  'function getReserves() view returns (uint256 reserve0, uint256 reserve1, uint256 blockTimestampLast)',
  'function getAmountOut(uint256 amountIn, address tokenIn) view returns (uint256)',
  'function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)',
  'event Swap(address indexed sender, address indexed to, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out)',
  'event Sync(uint256 reserve0, uint256 reserve1)',
]);

/**
 * Uniswap V3 pool. Swap amounts are the pool's deltas: positive = the pool received the token.
 * `Initialize` carries the price the pool was opened at.
 */
export const uniswapV3PoolAbi = parseAbi([
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function fee() view returns (uint24)',
  'function liquidity() view returns (uint128)',
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Initialize(uint160 sqrtPriceX96, int24 tick)',
]);

/**
 * PancakeSwap V3 pool events that differ from Uniswap's: its `Swap` adds the protocol fees taken,
 * so its topic0 differs while `amount0`/`amount1`/`recipient` mean the same.
 */
export const pancakeV3PoolAbi = parseAbi([
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint128 protocolFeesToken0, uint128 protocolFeesToken1)',
]);

/** A V3 pool's positions: `positions(keccak256(abi.encodePacked(owner, tickLower, tickUpper)))` and the Mint that creates or grows one. */
export const uniswapV3PoolPositionsAbi = parseAbi([
  'function factory() view returns (address)',
  'function positions(bytes32 key) view returns (uint128 liquidity, uint256 feeGrowthInside0LastX128, uint256 feeGrowthInside1LastX128, uint128 tokensOwed0, uint128 tokensOwed1)',
  'event Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
]);

/** Uniswap V3's NonfungiblePositionManager (ERC-721: one NFT per position). */
export const uniswapV3PositionManagerAbi = parseAbi([
  'function factory() view returns (address)',
  'function ownerOf(uint256 tokenId) view returns (address)',
  'function positions(uint256 tokenId) view returns (uint96 nonce, address operator, address token0, address token1, uint24 fee, int24 tickLower, int24 tickUpper, uint128 liquidity, uint256 feeGrowthInside0LastX128, uint256 feeGrowthInside1LastX128, uint128 tokensOwed0, uint128 tokensOwed1)',
  'event IncreaseLiquidity(uint256 indexed tokenId, uint128 liquidity, uint256 amount0, uint256 amount1)',
]);

/** topic0 of the events the DEX agents filter logs by. */
export const DEX_TOPICS = {
  v2PairCreated: toEventSelector('PairCreated(address,address,address,uint256)'),
  v2Swap: toEventSelector('Swap(address,uint256,uint256,uint256,uint256,address)'),
  v2Sync: toEventSelector('Sync(uint112,uint112)'),
  v3PoolCreated: toEventSelector('PoolCreated(address,address,uint24,int24,address)'),
  v3Swap: toEventSelector('Swap(address,address,int256,int256,uint160,uint128,int24)'),
  v3Initialize: toEventSelector('Initialize(uint160,int24)'),
  pancakeV3Swap: toEventSelector('Swap(address,address,int256,int256,uint160,uint128,int24,uint128,uint128)'),
  solidlyPoolCreated: toEventSelector('PoolCreated(address,address,bool,address,uint256)'),
  solidlySwap: toEventSelector('Swap(address,address,uint256,uint256,uint256,uint256)'),
  solidlySync: toEventSelector('Sync(uint256,uint256)'),
} as const satisfies Record<string, Hex>;
