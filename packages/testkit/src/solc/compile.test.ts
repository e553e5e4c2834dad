import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compileSolidity, compileSolidityWithSource } from './compile';

jest.setTimeout(60_000);

const SIX = {
  'Six.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Six is ERC20 { constructor() ERC20("Six", "SIX") {} function decimals() public pure override returns (uint8) { return 6; } }`,
};
const COUNTER = {
  'Counter.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Counter { uint256 public count; event Counted(uint256 count); function bump() external { count += 1; emit Counted(count); } }`,
};

const freshCacheDir = () => mkdtempSync(path.join(tmpdir(), 'oca-solc-'));

/** The one cache file in `dir`; fails when there are temporary files or several entries. */
function onlyCacheFile(dir: string): string {
  const entries = readdirSync(dir);
  expect(entries).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
  return path.join(dir, entries[0]!);
}

it('compiles Solidity with OpenZeppelin imports and caches the output', () => {
  const cacheDir = freshCacheDir();
  const first = compileSolidity({ sources: SIX, cacheDir });
  expect(first.Six?.bytecode).toMatch(/^0x[0-9a-f]{100,}$/);
  expect(first.Six?.abi.some((item) => item.type === 'function' && item.name === 'decimals')).toBe(true);
  onlyCacheFile(cacheDir);
  const started = Date.now();
  expect(compileSolidity({ sources: SIX, cacheDir })).toEqual(first);
  expect(Date.now() - started).toBeLessThan(500);
});

it('reports compile errors with solc’s message', () => {
  expect(() => compileSolidity({ sources: { 'Bad.sol': 'pragma solidity ^0.8.20; contract Bad { function f( }' }, cacheDir: freshCacheDir() })).toThrow(/solc failed/);
});

it.each([
  ['truncated', (json: string) => json.slice(0, json.length / 2)],
  ['empty', () => ''],
  ['not compiler output', () => '{"Counter":{"abi":"?"}}'],
])('recompiles over a cache file that is %s, and replaces it whole', (_, corrupt) => {
  const cacheDir = freshCacheDir();
  const first = compileSolidity({ sources: COUNTER, cacheDir });
  const file = onlyCacheFile(cacheDir);
  writeFileSync(file, corrupt(readFileSync(file, 'utf8')));
  const corruptInode = statSync(file).ino;

  expect(compileSolidity({ sources: COUNTER, cacheDir })).toEqual(first);
  expect(JSON.parse(readFileSync(onlyCacheFile(cacheDir), 'utf8'))).toEqual(first);
  // Renamed into place: a new file, not the old one rewritten (which readers could see half-done).
  expect(statSync(file).ino).not.toBe(corruptInode);
});

it('serves concurrent compiles of one source from several processes: one compiles, the others wait for its file, and readers never see a partial file', async () => {
  const cacheDir = freshCacheDir();
  // Each child loads compile.ts through tsx and compiles the same source into the same cache.
  const child = `const { compileSolidityWithSource } = require(${JSON.stringify(path.join(__dirname, 'compile.ts'))});
const out = compileSolidityWithSource({ sources: JSON.parse(process.env.SOURCES), cacheDir: process.env.CACHE_DIR });
process.stdout.write(JSON.stringify({ code: out.contracts.Six.deployedBytecode, compiled: out.compiled }));`;
  const env = { ...process.env, SOURCES: JSON.stringify(SIX), CACHE_DIR: cacheDir };
  const run = () => promisify(execFile)(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', child], { env });

  // Meanwhile this process reads the cache file whenever it exists, as another jest worker would.
  let done = false;
  let reads = 0;
  const unreadable: string[] = [];
  const reader = (async () => {
    while (!done) {
      const [file] = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
      if (file) {
        const text = readFileSync(path.join(cacheDir, file), 'utf8');
        reads += 1;
        try {
          JSON.parse(text);
        } catch {
          unreadable.push(text.slice(0, 80));
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const outputs = await Promise.all([run(), run(), run()]).finally(() => {
    done = true;
  });
  await reader;

  const compiled = compileSolidity({ sources: SIX, cacheDir });
  const answers = outputs.map((o) => JSON.parse(o.stdout) as { code: string; compiled: boolean });
  expect(answers.map((a) => a.code)).toEqual([compiled.Six!.deployedBytecode, compiled.Six!.deployedBytecode, compiled.Six!.deployedBytecode]);
  // The lock: solc ran once for the three (they start within a second; an OpenZeppelin ERC-20 takes seconds to compile).
  expect(answers.filter((a) => a.compiled)).toHaveLength(1);
  expect(JSON.parse(readFileSync(onlyCacheFile(cacheDir), 'utf8'))).toEqual(compiled);
  expect(unreadable).toEqual([]);
  expect(reads).toBeGreaterThan(0);
});

it('takes over a lock its holder left behind once it is stale, and compiles', () => {
  const cacheDir = freshCacheDir();
  // The lock name follows the cache file's: compile once to learn it, then drop the cache.
  compileSolidity({ sources: COUNTER, cacheDir });
  const file = onlyCacheFile(cacheDir);
  rmSync(file);
  writeFileSync(`${file}.lock`, '');
  const old = new Date(Date.now() - 10 * 60_000);
  utimesSync(`${file}.lock`, old, old);
  expect(compileSolidityWithSource({ sources: COUNTER, cacheDir }).compiled).toBe(true);
  expect(readdirSync(cacheDir)).toEqual([path.basename(file)]);
});
