// Shared chain and DEX reading for the agents: calls that may fail at a pinned block, token and
// pool state, pool discovery and orientation, swap/sync logs, the priced-pool snapshot and its
// figures. Agents import these from here, never from each other's folders.
export { probeCall } from './probe-call';
export { decodeBool, decodeDecimals, decodeUint } from './decode';
export { readBalance, readOrNull, readTokenMeta, type TokenMeta } from './contract-reads';
export {
  discoverPools,
  discoverSolidlyPools,
  discoverSolidlyRefs,
  orient,
  poolState,
  readPoolPrice,
  readPoolRaw,
  readSolidlyFee,
  reservesPrice,
  solidlyFactoriesOf,
  solidlyFeeTier,
  type PoolDecimals,
  type PoolRaw,
  type PoolRef,
  type PoolState,
} from './pools';
export { decodeSwap, fetchPoolLogs, PANCAKE_V3_SWAP, SOLIDLY_SWAP, SOLIDLY_SYNC, SWAP_EVENTS, V2_SWAP, V2_SYNC, V3_INITIALIZE, V3_SWAP, type PoolLog, type PoolLogOptions, type SwapFill } from './swap-logs';
export { quoteUsd, readMarketSnapshot, type MarketSnapshot, type NativeUsd, type PricedPool } from './market-snapshot';
export { DEPEG_THRESHOLD, PEG_MIN_DEPTH_UNITS, stablecoinView, stablePegs, type ReadPool, type StablePeg } from './stable-pegs';
export { liquidityUsd, percentChange, poolPriceUsd, quoteDepthUsd, units, usdValue } from './pool-figures';
export { tokenPrice, type TokenPrice } from './token-price';
export { readUsdPrices, type UsdPrice } from './token-usd';
export { pegFindings } from './peg-findings';
