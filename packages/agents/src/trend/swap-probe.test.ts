import { compileSolidity } from '@oca/testkit';
import { SWAP_PROBE_RUNTIME } from './swap-probe.bytecode';
import { SWAP_PROBE_SOURCE } from './swap-probe.sol';

// solc-js takes a few seconds on a cold cache.
jest.setTimeout(60_000);

it('embeds exactly the runtime bytecode its Solidity source compiles to', () => {
  const compiled = compileSolidity({ sources: { 'SwapProbe.sol': SWAP_PROBE_SOURCE } }).SwapProbe;
  expect(compiled).toBeDefined();
  // On a mismatch, paste compiled.deployedBytecode into swap-probe.bytecode.ts.
  expect(SWAP_PROBE_RUNTIME).toBe(compiled!.deployedBytecode);
});
