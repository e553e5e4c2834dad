import { parseAbi } from 'viem';

/** Aave V3 Pool (and forks keeping its interface): the calls the agent reads. */
export const aavePoolAbi = parseAbi([
  'function ADDRESSES_PROVIDER() view returns (address)',
  'function getReservesList() view returns (address[])',
  'struct ReserveConfigurationMap { uint256 data; }',
  'struct ReserveData { ReserveConfigurationMap configuration; uint128 liquidityIndex; uint128 currentLiquidityRate; uint128 variableBorrowIndex; uint128 currentVariableBorrowRate; uint128 currentStableBorrowRate; uint40 lastUpdateTimestamp; uint16 id; address aTokenAddress; address stableDebtTokenAddress; address variableDebtTokenAddress; address interestRateStrategyAddress; uint128 accruedToTreasury; uint128 unbacked; uint128 isolationModeTotalDebt; }',
  'function getReserveData(address asset) view returns (ReserveData)',
]);

/** Aave V3 PoolAddressesProvider. */
export const aaveAddressesProviderAbi = parseAbi([
  'function owner() view returns (address)',
  'function getPriceOracle() view returns (address)',
  'function getPoolConfigurator() view returns (address)',
  'function getACLManager() view returns (address)',
  'function getACLAdmin() view returns (address)',
]);

/** AaveOracle. */
export const aaveOracleAbi = parseAbi([
  'function getSourceOfAsset(address asset) view returns (address)',
  'function getAssetPrice(address asset) view returns (uint256)',
]);

/** ERC-4626 (the parts read). */
export const erc4626Abi = parseAbi([
  'function asset() view returns (address)',
  'function totalAssets() view returns (uint256)',
  'function convertToAssets(uint256 shares) view returns (uint256)',
]);

/** What any contract may expose about who controls it. */
export const adminAbi = parseAbi(['function owner() view returns (address)', 'function paused() view returns (bool)']);

/** Both pool versions' common surface, for the probe (V2 `factory()`, V3 `fee()`). */
export const poolProbeAbi = parseAbi([
  'function factory() view returns (address)',
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function fee() view returns (uint24)',
  'function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)',
]);
