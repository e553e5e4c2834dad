import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
/** A compile lock older than this is taken over: its holder died (a compile takes seconds). */
const STALE_LOCK_MS = 120_000;
const LOCK_POLL_MS = 50;
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
 * takes a second or two, later ones a few milliseconds. Jest workers and separate processes share
 * the cache, so a cache file is only ever replaced whole (see `writeCache`), and one that cannot
 * be read or parsed is compiled again and overwritten. One process compiles a given input at a
 * time (`withCompileLock`): the others wait for its cache file instead of compiling the same
 * input on the same cores (a cold cache under parallel suites made setup hooks time out).
 */
export function compileSolidity(options: CompileOptions): Record<string, CompiledContract> {
  return compileSolidityWithSource(options).contracts;
}

/** `compileSolidity`, and whether this call compiled or read the cache (for tests of the lock). */
export function compileSolidityWithSource(options: CompileOptions): { contracts: Record<string, CompiledContract>; compiled: boolean } {
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
  const cached = readCache(cacheFile);
  if (cached) return { contracts: cached, compiled: false };
  return withCompileLock(`${cacheFile}.lock`, () => {
    // Whoever held the lock before us may have compiled this very input.
    const done = readCache(cacheFile);
    return done ? { contracts: done, compiled: false } : { contracts: compile(solc, inputJson, cacheFile), compiled: true };
  });
}

function compile(solc: { compile(input: string, callbacks: { import: typeof findImport }): string }, inputJson: string, cacheFile: string): Record<string, CompiledContract> {
  const output = JSON.parse(solc.compile(inputJson, { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const result: Record<string, CompiledContract> = {};
  for (const file of Object.keys(output.contracts)) {
    for (const [name, c] of Object.entries(output.contracts[file] ?? {})) {
      result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
    }
  }
  writeCache(cacheFile, result);
  return result;
}

/**
 * Runs `work` holding an exclusive lock file (created with O_EXCL: one creator wins across
 * processes), waiting synchronously — compileSolidity is synchronous — while another process
 * holds it. A lock left by a process that died is taken over once it is `STALE_LOCK_MS` old.
 */
function withCompileLock<T>(lockFile: string, work: () => T): T {
  mkdirSync(path.dirname(lockFile), { recursive: true });
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      closeSync(openSync(lockFile, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockAgeMs(lockFile) > STALE_LOCK_MS) rmSync(lockFile, { force: true });
      else Atomics.wait(sleeper, 0, 0, LOCK_POLL_MS);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function lockAgeMs(lockFile: string): number {
  try {
    return Date.now() - statSync(lockFile).mtimeMs;
  } catch {
    return 0; // released meanwhile: the next attempt takes it
  }
}

/** The cached output, or undefined when the file is missing, unreadable or not compiler output. */
function readCache(file: string): Record<string, CompiledContract> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const contracts = Object.values(parsed as Record<string, Partial<CompiledContract> | null>);
  const valid = contracts.every(
    (c) => Array.isArray(c?.abi) && typeof c.bytecode === 'string' && c.bytecode.startsWith('0x') && typeof c.deployedBytecode === 'string' && c.deployedBytecode.startsWith('0x'),
  );
  return valid ? (parsed as Record<string, CompiledContract>) : undefined;
}

/**
 * Writes to a temporary file in the cache directory, then renames it over `file`. A rename within
 * one directory is atomic, so a concurrent reader sees the old file, no file or the whole new one,
 * never a half-written one; the temporary name is unique per write, so concurrent writers of the
 * same key do not share one, and the last rename wins with identical content.
 */
function writeCache(file: string, result: Record<string, CompiledContract>): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(result));
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
