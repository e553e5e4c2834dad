import { erc20Abi, formatRatio, type ChainClient, type DexDeployment } from '@oca/chain';
import type { DefiLending, DefiReserve, DefiTvlAsset } from '@oca/contracts';
import type { Address } from 'viem';
import { readOrNull, readTokenMeta, readUsdPrices, usdValue } from '../dex';
import { aaveAddressesProviderAbi, aaveOracleAbi, aavePoolAbi } from './defi-abis';
import { decodeReserveConfig, percentOf, rayToApyPercent } from './rates';

export interface LendingRead {
  lending: DefiLending;
  /** supplied − borrowed per reserve (DefiLlama's lending TVL: what is left in the protocol). */
  tvlAssets: DefiTvlAsset[];
  /** The market's other contracts, for admin powers. */
  configurator: Address | null;
}

/**
 * An Aave V3-style market from its Pool: every listed reserve's data (`getReserveData`), its
 * aToken and debt tokens' totalSupply, the oracle's source and price, the DEX USD price; all the
 * reserves' reads go out together (two or three batched round trips whatever their number).
 */
export async function readLending(client: ChainClient, deployment: DexDeployment, pool: Address, provider: Address, reservesList: readonly Address[], blockNumber: bigint): Promise<LendingRead> {
  const at = { blockNumber };
  const [oracle, configurator, reserveData, metas, prices] = await Promise.all([
    readOrNull(client, { address: provider, abi: aaveAddressesProviderAbi, functionName: 'getPriceOracle', ...at }),
    readOrNull(client, { address: provider, abi: aaveAddressesProviderAbi, functionName: 'getPoolConfigurator', ...at }),
    Promise.all(reservesList.map((asset) => readOrNull(client, { address: pool, abi: aavePoolAbi, functionName: 'getReserveData', args: [asset], ...at }))),
    Promise.all(reservesList.map((asset) => readTokenMeta(client, asset, blockNumber))),
    readUsdPrices(client, deployment, reservesList, blockNumber),
  ]);
  const supplyOf = (token: Address) => readOrNull(client, { address: token, abi: erc20Abi, functionName: 'totalSupply', ...at });
  const perReserve = await Promise.all(
    reservesList.map(async (asset, i) => {
      const data = reserveData[i];
      if (!data) return null;
      const [aSupply, variableDebt, stableDebt, source, oraclePrice] = await Promise.all([
        supplyOf(data.aTokenAddress),
        supplyOf(data.variableDebtTokenAddress),
        supplyOf(data.stableDebtTokenAddress),
        oracle ? readOrNull(client, { address: oracle, abi: aaveOracleAbi, functionName: 'getSourceOfAsset', args: [asset], ...at }) : null,
        oracle ? readOrNull(client, { address: oracle, abi: aaveOracleAbi, functionName: 'getAssetPrice', args: [asset], ...at }) : null,
      ]);
      return { asset, data, aSupply: aSupply ?? 0n, debt: (variableDebt ?? 0n) + (stableDebt ?? 0n), source, oraclePrice };
    }),
  );

  const reserves: DefiReserve[] = [];
  const tvlAssets: DefiTvlAsset[] = [];
  for (const [i, r] of perReserve.entries()) {
    if (!r) continue;
    const config = decodeReserveConfig(r.data.configuration.data);
    const decimals = metas[i]!.decimals ?? config.decimals;
    const price = prices.tokens.get(r.asset.toLowerCase()) ?? { priceUsd: null, source: null };
    const available = r.aSupply - r.debt;
    const one = 10n ** BigInt(decimals);
    reserves.push({
      asset: r.asset,
      symbol: metas[i]!.symbol,
      decimals,
      aToken: r.data.aTokenAddress,
      variableDebtToken: r.data.variableDebtTokenAddress,
      stableDebtToken: r.data.stableDebtTokenAddress,
      interestRateStrategy: r.data.interestRateStrategyAddress,
      supplied: r.aSupply.toString(),
      borrowed: r.debt.toString(),
      available: available.toString(),
      utilizationPercent: percentOf(r.debt, r.aSupply),
      supplyApyPercent: rayToApyPercent(r.data.currentLiquidityRate),
      variableBorrowApyPercent: rayToApyPercent(r.data.currentVariableBorrowRate),
      supplyCap: config.supplyCap.toString(),
      borrowCap: config.borrowCap.toString(),
      supplyCapUsedPercent: config.supplyCap === 0n ? null : percentOf(r.aSupply, config.supplyCap * one),
      borrowCapUsedPercent: config.borrowCap === 0n ? null : percentOf(r.debt, config.borrowCap * one),
      ltvBps: config.ltvBps,
      liquidationThresholdBps: config.liquidationThresholdBps,
      reserveFactorBps: config.reserveFactorBps,
      active: config.active,
      frozen: config.frozen,
      paused: config.paused,
      borrowingEnabled: config.borrowingEnabled,
      oracleSource: r.source,
      oraclePrice: r.oraclePrice === null ? null : r.oraclePrice.toString(),
      priceUsd: price.priceUsd ? formatRatio(price.priceUsd) : null,
      suppliedUsd: usdValue(r.aSupply, decimals, price.priceUsd),
      borrowedUsd: usdValue(r.debt, decimals, price.priceUsd),
    });
    tvlAssets.push({
      token: r.asset,
      symbol: metas[i]!.symbol,
      decimals,
      amount: available.toString(),
      priceUsd: price.priceUsd ? formatRatio(price.priceUsd) : null,
      priceSource: price.source,
      usd: usdValue(available, decimals, price.priceUsd),
    });
  }
  const sum = (values: (number | null)[]) => (values.some((v) => v !== null) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : null);
  return {
    lending: {
      addressesProvider: provider,
      oracle,
      reserves,
      totalSuppliedUsd: sum(reserves.map((r) => r.suppliedUsd)),
      totalBorrowedUsd: sum(reserves.map((r) => r.borrowedUsd)),
    },
    tvlAssets,
    configurator,
  };
}
