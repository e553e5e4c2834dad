import { readFileSync } from 'node:fs';
import { PROBE_MODULE, renderProbeModule } from './probe-module';

// A cold solc-js compile takes ~10 s on a loaded runner; later runs hit testkit's cache.
jest.setTimeout(60_000);

it('the committed probe bytecode and ABI equal a fresh compile of SecurityProbe.sol', () => {
  // On failure: npx tsx --conditions=development packages/agents/test/security/generate-probe.ts
  expect(readFileSync(PROBE_MODULE, 'utf8')).toBe(renderProbeModule());
});
