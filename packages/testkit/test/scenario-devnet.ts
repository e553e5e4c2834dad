import { createPublicClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { deployScenario, startAnvil, type AnvilInstance, type Scenario } from '../src';

/** A suite's own anvil with the demo scenario deployed, and a public client on it. */
export interface ScenarioDevnet {
  anvil: AnvilInstance;
  scenario: Scenario;
  rpc: PublicClient;
}

/**
 * Registers the suite's beforeAll (start anvil, deploy `deployScenario`) and afterAll (stop
 * anvil). Call it at the top level of a test file; the fields are set once beforeAll has run, so
 * read them inside tests and hooks, not at module level.
 */
export function useScenarioDevnet(): ScenarioDevnet {
  const devnet = {} as Partial<ScenarioDevnet>;
  beforeAll(async () => {
    devnet.anvil = await startAnvil();
    devnet.scenario = await deployScenario(devnet.anvil.rpcUrl);
    devnet.rpc = createPublicClient({ chain: foundry, transport: http(devnet.anvil.rpcUrl) });
  });
  afterAll(async () => {
    await devnet.anvil?.stop();
  });
  return devnet as ScenarioDevnet;
}
