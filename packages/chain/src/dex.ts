// DEX reading helpers for the market and trend agents: ABIs and event topics, deployments per
// network, exact price math and block-by-timestamp search. Paged log reads are `getLogsPaged`
// in log-pager.ts.
export { uniswapV2FactoryAbi, uniswapV2PairAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi, uniswapV3PoolPositionsAbi, uniswapV3PositionManagerAbi, pancakeV3PoolAbi, solidlyFactoryAbi, solidlyPoolAbi, DEX_TOPICS } from './dex-abis';
export {
  DEX_DEPLOYMENTS,
  dexQuoteTokens,
  type DexDeployment,
  type DexQuoteToken,
  type DexV2Factory,
  type DexV3Factory,
  type DexSolidlyFactory,
} from './dex-deployments';
export { ratio, mulRatio, divRatio, unitsRatio, v2Price, v3Price, solidlyStablePrice, ratioToNumber, formatRatio, type Ratio } from './dex-math';
export {
  findBlocksByTimestamp,
  blockTimestampReader,
  type BlockStamp,
  type TimestampReader,
  type BlockTimeSearchOptions,
  type BlockTimeSearchResult,
} from './block-time';
export { LP_LOCKERS, lpLockerAbi, type LpLocker } from './lp-lockers';
