import type { Address, Hex } from 'viem';
import AaveOracleJson from '@aave/core-v3/artifacts/contracts/misc/AaveOracle.sol/AaveOracle.json';
import AaveProtocolDataProviderJson from '@aave/core-v3/artifacts/contracts/misc/AaveProtocolDataProvider.sol/AaveProtocolDataProvider.json';
import MockAggregatorJson from '@aave/core-v3/artifacts/contracts/mocks/oracle/CLAggregators/MockAggregator.sol/MockAggregator.json';
import ACLManagerJson from '@aave/core-v3/artifacts/contracts/protocol/configuration/ACLManager.sol/ACLManager.json';
import PoolAddressesProviderJson from '@aave/core-v3/artifacts/contracts/protocol/configuration/PoolAddressesProvider.sol/PoolAddressesProvider.json';
import BorrowLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/BorrowLogic.sol/BorrowLogic.json';
import BridgeLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/BridgeLogic.sol/BridgeLogic.json';
import ConfiguratorLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/ConfiguratorLogic.sol/ConfiguratorLogic.json';
import EModeLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/EModeLogic.sol/EModeLogic.json';
import FlashLoanLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/FlashLoanLogic.sol/FlashLoanLogic.json';
import LiquidationLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/LiquidationLogic.sol/LiquidationLogic.json';
import PoolLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/PoolLogic.sol/PoolLogic.json';
import SupplyLogicJson from '@aave/core-v3/artifacts/contracts/protocol/libraries/logic/SupplyLogic.sol/SupplyLogic.json';
import DefaultReserveInterestRateStrategyJson from '@aave/core-v3/artifacts/contracts/protocol/pool/DefaultReserveInterestRateStrategy.sol/DefaultReserveInterestRateStrategy.json';
import PoolJson from '@aave/core-v3/artifacts/contracts/protocol/pool/Pool.sol/Pool.json';
import PoolConfiguratorJson from '@aave/core-v3/artifacts/contracts/protocol/pool/PoolConfigurator.sol/PoolConfigurator.json';
import ATokenJson from '@aave/core-v3/artifacts/contracts/protocol/tokenization/AToken.sol/AToken.json';
import StableDebtTokenJson from '@aave/core-v3/artifacts/contracts/protocol/tokenization/StableDebtToken.sol/StableDebtToken.json';
import VariableDebtTokenJson from '@aave/core-v3/artifacts/contracts/protocol/tokenization/VariableDebtToken.sol/VariableDebtToken.json';
import type { Artifact } from '../artifacts';
import type { Deployer } from '../deployer';
import { linkLibraries } from '../markets/dex-core';

type HardhatJson = { abi: unknown; bytecode: string; linkReferences: Record<string, Record<string, { start: number; length: number }[]>> };
const hardhat = (json: HardhatJson, libraries: Record<string, Address> = {}): Artifact => ({
  abi: json.abi as Artifact['abi'],
  bytecode: Object.keys(json.linkReferences).length > 0 ? linkLibraries(json, libraries) : (json.bytecode as Hex),
});

/** Aave V3 core (`@aave/core-v3` 1.19.3) artifacts, unlinked ones resolved at deployment. */
export const AAVE_ARTIFACTS = {
  addressesProvider: hardhat(PoolAddressesProviderJson),
  aclManager: hardhat(ACLManagerJson),
  oracle: hardhat(AaveOracleJson),
  aggregator: hardhat(MockAggregatorJson),
  dataProvider: hardhat(AaveProtocolDataProviderJson),
  rateStrategy: hardhat(DefaultReserveInterestRateStrategyJson),
  aToken: hardhat(ATokenJson),
  stableDebtToken: hardhat(StableDebtTokenJson),
  variableDebtToken: hardhat(VariableDebtTokenJson),
  /** Unlinked: ABI only (bytecode needs the libraries). */
  pool: { abi: PoolJson.abi as Artifact['abi'], bytecode: '0x' as Hex },
  poolConfigurator: { abi: PoolConfiguratorJson.abi as Artifact['abi'], bytecode: '0x' as Hex },
} as const;

/** One reserve to list: the underlying token and its oracle price (USD, 8 decimals, as Chainlink feeds). */
export interface AaveReserveInput {
  asset: Address;
  symbol: string;
  decimals: number;
  priceUsd8: bigint;
  /** Whole tokens; 0 = no cap. */
  supplyCap: bigint;
  borrowCap: bigint;
  /** Rate strategy, ray (1e27 = 100 %). */
  optimalUsage: bigint;
  baseRate: bigint;
  slope1: bigint;
  slope2: bigint;
}

export interface AaveReserveDeployment {
  asset: Address;
  symbol: string;
  aToken: Address;
  variableDebtToken: Address;
  stableDebtToken: Address;
  rateStrategy: Address;
  /** The MockAggregator the oracle reads. */
  priceSource: Address;
}

export interface AaveDeployment {
  addressesProvider: Address;
  aclManager: Address;
  /** The Pool proxy (users' entry point). */
  pool: Address;
  poolImplementation: Address;
  poolConfigurator: Address;
  oracle: Address;
  dataProvider: Address;
  treasury: Address;
  libraries: Record<string, Address>;
  reserves: AaveReserveDeployment[];
}

const RAY = 10n ** 27n;

/**
 * Aave V3 as its deploy scripts do it, from the npm artifacts: addresses provider, ACL manager,
 * the Pool with its seven logic libraries linked into the bytecode, the configurator (its library
 * linked), oracle with one price source per asset, data provider, token implementations and
 * one rate strategy per reserve; then each reserve listed, made collateral, borrowable, capped.
 * The deployer (an anvil unlocked account) is ACL admin, pool admin and the provider's owner.
 */
export async function deployAaveV3(d: Deployer, inputs: readonly AaveReserveInput[], treasury: Address): Promise<AaveDeployment> {
  const admin = d.accounts[0]!;
  const provider = await d.deploy(AAVE_ARTIFACTS.addressesProvider, ['OCA Devnet Market', admin]);
  await d.write(provider, AAVE_ARTIFACTS.addressesProvider, 'setACLAdmin', [admin]);
  const aclManager = await d.deploy(AAVE_ARTIFACTS.aclManager, [provider]);
  await d.write(provider, AAVE_ARTIFACTS.addressesProvider, 'setACLManager', [aclManager]);
  await d.write(aclManager, AAVE_ARTIFACTS.aclManager, 'addPoolAdmin', [admin]);

  const libraries: Record<string, Address> = {};
  for (const [name, json] of [
    ['SupplyLogic', SupplyLogicJson],
    ['BorrowLogic', BorrowLogicJson],
    ['LiquidationLogic', LiquidationLogicJson],
    ['EModeLogic', EModeLogicJson],
    ['BridgeLogic', BridgeLogicJson],
    ['PoolLogic', PoolLogicJson],
    ['ConfiguratorLogic', ConfiguratorLogicJson],
  ] as const) {
    libraries[name] = await d.deploy(hardhat(json), []);
  }
  // FlashLoanLogic calls BorrowLogic: linked after it.
  libraries.FlashLoanLogic = await d.deploy(hardhat(FlashLoanLogicJson, libraries), []);

  const poolImplementation = await d.deploy(hardhat(PoolJson, libraries), [provider]);
  await d.write(provider, AAVE_ARTIFACTS.addressesProvider, 'setPoolImpl', [poolImplementation]);
  const pool = (await d.read(provider, AAVE_ARTIFACTS.addressesProvider, 'getPool', [])) as Address;
  const configuratorImpl = await d.deploy(hardhat(PoolConfiguratorJson, libraries), []);
  await d.write(provider, AAVE_ARTIFACTS.addressesProvider, 'setPoolConfiguratorImpl', [configuratorImpl]);
  const poolConfigurator = (await d.read(provider, AAVE_ARTIFACTS.addressesProvider, 'getPoolConfigurator', [])) as Address;

  const priceSources: Address[] = [];
  for (const input of inputs) priceSources.push(await d.deploy(AAVE_ARTIFACTS.aggregator, [input.priceUsd8]));
  const zero = '0x0000000000000000000000000000000000000000';
  const oracle = await d.deploy(AAVE_ARTIFACTS.oracle, [provider, inputs.map((i) => i.asset), priceSources, zero, zero, 10n ** 8n]);
  await d.write(provider, AAVE_ARTIFACTS.addressesProvider, 'setPriceOracle', [oracle]);
  const dataProvider = await d.deploy(AAVE_ARTIFACTS.dataProvider, [provider]);
  await d.write(provider, AAVE_ARTIFACTS.addressesProvider, 'setPoolDataProvider', [dataProvider]);

  const aTokenImpl = await d.deploy(AAVE_ARTIFACTS.aToken, [pool]);
  const stableImpl = await d.deploy(AAVE_ARTIFACTS.stableDebtToken, [pool]);
  const variableImpl = await d.deploy(AAVE_ARTIFACTS.variableDebtToken, [pool]);

  const reserves: AaveReserveDeployment[] = [];
  for (const [index, input] of inputs.entries()) {
    const rateStrategy = await d.deploy(AAVE_ARTIFACTS.rateStrategy, [
      provider,
      input.optimalUsage,
      input.baseRate,
      input.slope1,
      input.slope2,
      (input.slope1 * 2n) / 10n, // stable slopes: unused (stable borrowing stays off)
      (input.slope2 * 2n) / 10n,
      RAY / 50n,
      RAY / 20n,
      RAY / 5n,
    ]);
    await d.write(poolConfigurator, AAVE_ARTIFACTS.poolConfigurator, 'initReserves', [
      [
        {
          aTokenImpl,
          stableDebtTokenImpl: stableImpl,
          variableDebtTokenImpl: variableImpl,
          underlyingAssetDecimals: input.decimals,
          interestRateStrategyAddress: rateStrategy,
          underlyingAsset: input.asset,
          treasury,
          incentivesController: zero,
          aTokenName: `Aave Devnet ${input.symbol}`,
          aTokenSymbol: `a${input.symbol}`,
          variableDebtTokenName: `Aave Devnet Variable Debt ${input.symbol}`,
          variableDebtTokenSymbol: `variableDebt${input.symbol}`,
          stableDebtTokenName: `Aave Devnet Stable Debt ${input.symbol}`,
          stableDebtTokenSymbol: `stableDebt${input.symbol}`,
          params: '0x',
        },
      ],
    ]);
    await d.write(poolConfigurator, AAVE_ARTIFACTS.poolConfigurator, 'configureReserveAsCollateral', [input.asset, 8000n, 8250n, 10500n]);
    await d.write(poolConfigurator, AAVE_ARTIFACTS.poolConfigurator, 'setReserveBorrowing', [input.asset, true]);
    await d.write(poolConfigurator, AAVE_ARTIFACTS.poolConfigurator, 'setReserveFactor', [input.asset, 1000n]);
    if (input.supplyCap > 0n) await d.write(poolConfigurator, AAVE_ARTIFACTS.poolConfigurator, 'setSupplyCap', [input.asset, input.supplyCap]);
    if (input.borrowCap > 0n) await d.write(poolConfigurator, AAVE_ARTIFACTS.poolConfigurator, 'setBorrowCap', [input.asset, input.borrowCap]);
    const data = (await d.read(pool, AAVE_ARTIFACTS.pool, 'getReserveData', [input.asset])) as {
      aTokenAddress: Address;
      stableDebtTokenAddress: Address;
      variableDebtTokenAddress: Address;
    };
    reserves.push({
      asset: input.asset,
      symbol: input.symbol,
      aToken: data.aTokenAddress,
      variableDebtToken: data.variableDebtTokenAddress,
      stableDebtToken: data.stableDebtTokenAddress,
      rateStrategy,
      priceSource: priceSources[index]!,
    });
  }
  return { addressesProvider: provider, aclManager, pool, poolImplementation, poolConfigurator, oracle, dataProvider, treasury, libraries, reserves };
}
