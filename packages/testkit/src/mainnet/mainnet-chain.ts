import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { numberToHex, type Address } from 'viem';
import { startAnvil, type AnvilInstance } from '../anvil';
import { compileSolidity, type CompiledContract } from '../solc';

/** Where Multicall3 lives on every chain that has it (viem's chain definitions name this address). */
export const MULTICALL3_ADDRESS: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

/** Options for `startMainnetShapedAnvil`. */
export interface MainnetShapedOptions {
  /**
   * Chain id; with 1 (or 56, 8453, ...) viem's own chain definition folds eth_calls into Multicall3.
   * @default 1
   */
  chainId?: number;
  /**
   * Number of the first block: history starts here, as a node synced from a snapshot sees it.
   * @default 18_000_000n
   */
  firstBlock?: bigint;
}

/** A mainnet-shaped anvil: what it is and what it starts from. */
export interface MainnetShapedAnvil extends AnvilInstance {
  firstBlock: bigint;
}

/** The Multicall3-compatible contract (aggregate3 and the block getters) put at the canonical address. */
export function compileMulticall3(): CompiledContract {
  // src/mainnet or dist/mainnet: the .sol source is only in src.
  const file = path.join(__dirname, '..', '..', 'src', 'mainnet', 'Multicall3.sol');
  const contract = compileSolidity({ sources: { 'Multicall3.sol': readFileSync(file, 'utf8') } }).Multicall3;
  if (!contract) throw new Error('Multicall3.sol compiled to no Multicall3');
  return contract;
}

/**
 * An anvil whose history starts at a mainnet-sized block number (18,000,000 by default) with a
 * present-day timestamp and Multicall3 at its canonical address: what agents meet on a real chain,
 * where a log scan from block 0 spans millions of blocks and every batched read goes through
 * Multicall3. anvil's funded dev accounts and its CREATE2 deployer are there as usual.
 */
export async function startMainnetShapedAnvil(options: MainnetShapedOptions = {}): Promise<MainnetShapedAnvil> {
  const chainId = options.chainId ?? 1;
  const firstBlock = options.firstBlock ?? 18_000_000n;
  const dir = mkdtempSync(path.join(tmpdir(), 'oca-genesis-'));
  const genesisFile = path.join(dir, 'genesis.json');
  const genesis = {
    config: { chainId },
    nonce: '0x0',
    number: numberToHex(firstBlock),
    timestamp: numberToHex(Math.floor(Date.now() / 1000)),
    gasLimit: numberToHex(30_000_000),
    difficulty: '0x0',
    baseFeePerGas: numberToHex(1_000_000_000),
    alloc: { [MULTICALL3_ADDRESS]: { balance: '0x0', code: compileMulticall3().deployedBytecode } },
  };
  writeFileSync(genesisFile, JSON.stringify(genesis));
  try {
    const anvil = await startAnvil({ chainId, genesisFile });
    return { ...anvil, firstBlock };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
