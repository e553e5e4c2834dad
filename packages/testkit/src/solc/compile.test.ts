import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileSolidity } from './compile';

jest.setTimeout(60_000);

it('compiles Solidity with OpenZeppelin imports and caches the output', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'oca-solc-'));
  const sources = {
    'Six.sol': `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Six is ERC20 { constructor() ERC20("Six", "SIX") {} function decimals() public pure override returns (uint8) { return 6; } }`,
  };
  const first = compileSolidity({ sources, cacheDir });
  expect(first.Six?.bytecode).toMatch(/^0x[0-9a-f]{100,}$/);
  expect(first.Six?.abi.some((item) => item.type === 'function' && item.name === 'decimals')).toBe(true);
  expect(readdirSync(cacheDir)).toHaveLength(1);
  const started = Date.now();
  expect(compileSolidity({ sources, cacheDir })).toEqual(first);
  expect(Date.now() - started).toBeLessThan(500);
});

it('reports compile errors with solc’s message', () => {
  expect(() => compileSolidity({ sources: { 'Bad.sol': 'pragma solidity ^0.8.20; contract Bad { function f( }' }, cacheDir: mkdtempSync(path.join(tmpdir(), 'oca-solc-')) })).toThrow(
    /solc failed/,
  );
});
