import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compileSolidity } from './compile';

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

it('serves concurrent compiles of one source from several processes, and readers never see a partial file', async () => {
  const cacheDir = freshCacheDir();
  // Each child loads compile.ts through tsx and compiles the same source into the same cache.
  const child = `const { compileSolidity } = require(${JSON.stringify(path.join(__dirname, 'compile.ts'))});
const out = compileSolidity({ sources: JSON.parse(process.env.SOURCES), cacheDir: process.env.CACHE_DIR });
process.stdout.write(out.Counter.deployedBytecode);`;
  const env = { ...process.env, SOURCES: JSON.stringify(COUNTER), CACHE_DIR: cacheDir };
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

  const compiled = compileSolidity({ sources: COUNTER, cacheDir });
  expect(outputs.map((o) => o.stdout)).toEqual([compiled.Counter!.deployedBytecode, compiled.Counter!.deployedBytecode, compiled.Counter!.deployedBytecode]);
  expect(JSON.parse(readFileSync(onlyCacheFile(cacheDir), 'utf8'))).toEqual(compiled);
  expect(unreadable).toEqual([]);
  expect(reads).toBeGreaterThan(0);
});
