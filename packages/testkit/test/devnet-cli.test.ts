import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Scenario } from '../src';

// The root jest.config.js sets testTimeout per project, which jest 30 does not apply to tests
// (they get the 5 s default); anvil start-up on a loaded 2-core runner needs more headroom.
jest.setTimeout(30_000);

const CLI = join(__dirname, '..', 'src', 'devnet-cli.ts');

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getCode', params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

describe('devnet-cli', () => {
  it('prints one JSON line with the scenario, keeps the node up, and stops it on SIGTERM', async () => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), '--conditions=development', CLI], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const scenario = JSON.parse(line) as Scenario;
      expect(scenario.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(scenario.erc20).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(await answers(scenario.rpcUrl)).toBe(true);

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(await answers(scenario.rpcUrl)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
