import { parseEther, parseUnits, type Address } from 'viem';
import { ARTIFACTS, type Artifact } from '../artifacts';
import { connectDeployer } from '../deployer';
import { deployMarketScenario, type MarketScenario } from '../markets';
import { compileSolidity } from '../solc';
import { AAVE_ARTIFACTS, deployAaveV3, type AaveDeployment } from './aave';

const RAY = 10n ** 27n;
const HOUR = 3600n;

/** Hours of lending interest and vault yield after the market scenario's last block. */
export const DEFI_SCENARIO_HOURS = 6n;

/** The devnet's ERC-4626 vault: OpenZeppelin 4.9.6 ERC4626 over dUSD, owned and pausable (deposits stop while paused). */
export const DEVNET_VAULT_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.26;
import "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import "@openzeppelin/contracts/access/Ownable.sol";
import "@openzeppelin/contracts/security/Pausable.sol";

contract DevnetVault is ERC4626, Ownable, Pausable {
    constructor(IERC20Metadata asset_) ERC20("Devnet Vault dUSD", "vdUSD") ERC4626(asset_) {}

    function pause() external onlyOwner { _pause(); }
    function unpause() external onlyOwner { _unpause(); }

    function maxDeposit(address receiver) public view override returns (uint256) {
        return paused() ? 0 : super.maxDeposit(receiver);
    }

    function maxMint(address receiver) public view override returns (uint256) {
        return paused() ? 0 : super.maxMint(receiver);
    }
}
`;

export interface DefiScenario {
  market: MarketScenario;
  aave: AaveDeployment;
  /** The ERC-4626 vault over dUSD and its owner. */
  vault: Address;
  vaultArtifact: Artifact;
  vaultOwner: Address;
  /** Supplies WETH, borrows dUSD (up to 95 % of the dUSD borrow cap). */
  wethSupplier: Address;
  /** Supplies dUSD, borrows a little WETH. */
  usdSupplier: Address;
  vaultDepositor: Address;
  /** dUSD added to the vault (its yield) once an hour. */
  vaultYieldPerHour: bigint;
  endBlock: bigint;
  endTimestamp: bigint;
}

/**
 * The market scenario (Uniswap V2/V3 pools traded for 30 h, which price WETH and dUSD; pass
 * `existingMarket` when the chain already has it, as the local stack's does), then on the same chain:
 *
 * - Aave V3 from `@aave/core-v3` (`deployAaveV3`) with WETH ($2,000 oracle price, supply cap
 *   1,000, borrow cap 100) and dUSD ($1, supply cap 2,000,000, borrow cap 400,000) reserves;
 *   500 WETH and 500,000 dUSD supplied, 380,000 dUSD (95 % of its cap) and 50 WETH borrowed;
 * - an ERC-4626 vault over dUSD (`DEVNET_VAULT_SOURCE`, solc), 100,000 dUSD deposited, 50 dUSD of
 *   yield added every hour, so its share price grows;
 * - `DEFI_SCENARIO_HOURS` of time passing (evm_increaseTime and a block each hour), over which
 *   the loans accrue interest. The market's swaps stay inside a trailing 24 h window.
 */
export async function deployDefiScenario(rpcUrl: string, existingMarket?: MarketScenario): Promise<DefiScenario> {
  const market = existingMarket ?? (await deployMarketScenario(rpcUrl));
  const d = await connectDeployer(rpcUrl);
  const { weth, usd } = market.core;
  const [admin, wethSupplier, usdSupplier, vaultDepositor, treasury] = d.accounts as [Address, Address, Address, Address, Address];
  const usdAbi: Artifact = { abi: ARTIFACTS.erc20.abi, bytecode: '0x' };

  const aave = await deployAaveV3(
    d,
    [
      { asset: weth, symbol: 'WETH', decimals: 18, priceUsd8: 2000n * 10n ** 8n, supplyCap: 1_000n, borrowCap: 100n, optimalUsage: (RAY * 80n) / 100n, baseRate: 0n, slope1: (RAY * 33n) / 1000n, slope2: (RAY * 80n) / 100n },
      { asset: usd, symbol: 'dUSD', decimals: 6, priceUsd8: 10n ** 8n, supplyCap: 2_000_000n, borrowCap: 400_000n, optimalUsage: (RAY * 90n) / 100n, baseRate: 0n, slope1: (RAY * 4n) / 100n, slope2: (RAY * 60n) / 100n },
    ],
    treasury,
  );
  const pool = aave.pool;
  // Suppliers and borrowers.
  await d.write(weth, ARTIFACTS.weth9, 'deposit', [], parseEther('500'), wethSupplier);
  await d.write(weth, ARTIFACTS.weth9, 'approve', [pool, parseEther('500')], undefined, wethSupplier);
  await d.write(pool, AAVE_ARTIFACTS.pool, 'supply', [weth, parseEther('500'), wethSupplier, 0], undefined, wethSupplier);
  await d.write(usd, MINT_ABI, 'mint', [usdSupplier, parseUnits('500000', 6)], undefined, admin);
  await d.write(usd, usdAbi, 'approve', [pool, parseUnits('500000', 6)], undefined, usdSupplier);
  await d.write(pool, AAVE_ARTIFACTS.pool, 'supply', [usd, parseUnits('500000', 6), usdSupplier, 0], undefined, usdSupplier);
  await d.write(pool, AAVE_ARTIFACTS.pool, 'borrow', [usd, parseUnits('380000', 6), 2n, 0, wethSupplier], undefined, wethSupplier);
  await d.write(pool, AAVE_ARTIFACTS.pool, 'borrow', [weth, parseEther('50'), 2n, 0, usdSupplier], undefined, usdSupplier);

  // The vault.
  const compiled = compileSolidity({ sources: { 'DevnetVault.sol': DEVNET_VAULT_SOURCE } }).DevnetVault;
  if (!compiled) throw new Error('solc output has no DevnetVault');
  const vaultArtifact: Artifact = { abi: compiled.abi, bytecode: compiled.bytecode };
  const vault = await d.deploy(vaultArtifact, [usd], admin);
  await d.write(usd, MINT_ABI, 'mint', [vaultDepositor, parseUnits('100000', 6)], undefined, admin);
  await d.write(usd, usdAbi, 'approve', [vault, parseUnits('100000', 6)], undefined, vaultDepositor);
  await d.write(vault, vaultArtifact, 'deposit', [parseUnits('100000', 6), vaultDepositor], undefined, vaultDepositor);

  // Time passes: an hour at a time, the vault earning each hour.
  const vaultYieldPerHour = parseUnits('50', 6);
  for (let h = 0n; h < DEFI_SCENARIO_HOURS; h++) {
    await d.increaseTime(HOUR);
    await d.write(usd, MINT_ABI, 'mint', [vault, vaultYieldPerHour], undefined, admin);
  }
  return {
    market,
    aave,
    vault,
    vaultArtifact,
    vaultOwner: admin,
    wethSupplier,
    usdSupplier,
    vaultDepositor,
    vaultYieldPerHour,
    endBlock: await d.blockNumber(),
    endTimestamp: await d.timestamp(),
  };
}

/** dUSD's minter-only mint (the market scenario's DevnetUsd). */
const MINT_ABI: Artifact = {
  abi: [{ type: 'function', name: 'mint', stateMutability: 'nonpayable', inputs: [{ name: 'to', type: 'address' }, { name: 'amount', type: 'uint256' }], outputs: [] }],
  bytecode: '0x',
};
