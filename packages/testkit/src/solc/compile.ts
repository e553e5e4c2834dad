import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Abi, Hex } from 'viem';

/** A compiled contract: ABI, creation bytecode and runtime bytecode. */
export interface CompiledContract {
  abi: Abi;
  bytecode: Hex;
  deployedBytecode: Hex;
}

export interface CompileOptions {
  /** Solidity sources by file name, e.g. { 'Token.sol': '...' }. Imports like `@openzeppelin/...` resolve through node_modules. */
  sources: Record<string, string>;
  /** Optimizer runs (the optimizer is always on). @default 200 */
  optimizerRuns?: number;
  /** Where compiled output is cached, keyed by a hash of the input. @default <repo>/.cache/solc */
  cacheDir?: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const DEFAULT_CACHE = path.join(REPO_ROOT, '.cache', 'solc');

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

function findImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(importPath), 'utf8') };
  } catch {
    return { error: `not found: ${importPath}` };
  }
}

/**
 * Compiles Solidity offline with solc-js (the compiler version of the installed `solc` package)
 * and returns every contract by name. Output is cached on disk by input hash: the first compile
 * takes a second or two, later ones a few milliseconds.
 */
export function compileSolidity(options: CompileOptions): Record<string, CompiledContract> {
  // Loaded lazily: solc is large and most test files never compile anything.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require('solc') as { compile(input: string, callbacks: { import: typeof findImport }): string; version(): string };
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(options.sources).map(([name, content]) => [name, { content }])),
    settings: {
      optimizer: { enabled: true, runs: options.optimizerRuns ?? 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const inputJson = JSON.stringify(input);
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE;
  const key = createHash('sha256').update(solc.version()).update(inputJson).digest('hex');
  const cacheFile = path.join(cacheDir, `${key}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, CompiledContract>;

  const output = JSON.parse(solc.compile(inputJson, { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const result: Record<string, CompiledContract> = {};
  for (const file of Object.keys(output.contracts)) {
    for (const [name, c] of Object.entries(output.contracts[file] ?? {})) {
      result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
    }
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(result));
  return result;
}
