import { erc20Abi, formatRatio, type ChainClient, type DexDeployment } from '@oca/chain';
import type { DefiTvlAsset, DefiVault } from '@oca/contracts';
import type { Address } from 'viem';
import { readOrNull, readTokenMeta, readUsdPrices, usdValue } from '../dex';
import { erc4626Abi } from './defi-abis';
import { annualisedPercent } from './rates';

/**
 * An ERC-4626 vault: its assets (`totalAssets`, the TVL, priced through DEX pools), its shares,
 * and the price of one whole share (`convertToAssets`) now and at the window's first block; the
 * growth between them, annualised by compounding, is the vault's APY.
 */
export async function readVault(
  client: ChainClient,
  deployment: DexDeployment,
  vault: Address,
  asset: Address,
  from: { block: bigint; timestamp: bigint },
  now: { block: bigint; timestamp: bigint },
): Promise<{ vault: DefiVault; tvlAssets: DefiTvlAsset[] }> {
  const at = { blockNumber: now.block };
  const [assetMeta, shareDecimals, totalAssets, totalSupply, prices] = await Promise.all([
    readTokenMeta(client, asset, now.block),
    readOrNull(client, { address: vault, abi: erc20Abi, functionName: 'decimals', ...at }),
    readOrNull(client, { address: vault, abi: erc4626Abi, functionName: 'totalAssets', ...at }),
    readOrNull(client, { address: vault, abi: erc20Abi, functionName: 'totalSupply', ...at }),
    readUsdPrices(client, deployment, [asset], now.block),
  ]);
  const oneShare = 10n ** BigInt(shareDecimals ?? 18);
  const [priceNow, priceThen] = await Promise.all([
    readOrNull(client, { address: vault, abi: erc4626Abi, functionName: 'convertToAssets', args: [oneShare], ...at }),
    readOrNull(client, { address: vault, abi: erc4626Abi, functionName: 'convertToAssets', args: [oneShare], blockNumber: from.block }),
  ]);
  const elapsed = Number(now.timestamp - from.timestamp);
  const decimals = assetMeta.decimals ?? 18;
  const price = prices.tokens.get(asset.toLowerCase()) ?? { priceUsd: null, source: null };
  const held = totalAssets ?? 0n;
  return {
    vault: {
      asset,
      assetSymbol: assetMeta.symbol,
      assetDecimals: decimals,
      shareDecimals: shareDecimals ?? 18,
      totalAssets: held.toString(),
      totalSupply: (totalSupply ?? 0n).toString(),
      sharePriceThen: priceThen === null ? null : priceThen.toString(),
      sharePriceNow: (priceNow ?? 0n).toString(),
      fromBlock: from.block.toString(),
      elapsedSeconds: elapsed,
      apyPercent: priceThen === null || priceNow === null ? null : annualisedPercent(priceThen, priceNow, elapsed),
    },
    tvlAssets: [
      {
        token: asset,
        symbol: assetMeta.symbol,
        decimals,
        amount: held.toString(),
        priceUsd: price.priceUsd ? formatRatio(price.priceUsd) : null,
        priceSource: price.source,
        usd: usdValue(held, decimals, price.priceUsd),
      },
    ],
  };
}
