/**
 * Local devnet for the dev stack: starts anvil, deploys the demo scenario, prints ONE JSON line
 * `{rpcUrl, chainId, blockNumber, deployer, eoa, erc20, ...}` on stdout, then runs until SIGINT or
 * SIGTERM. Diagnostics go to stderr so stdout stays machine-readable.
 *
 *   npx tsx --conditions=development packages/testkit/src/devnet-cli.ts [--port 8545] [--chain-id 31337] [--scenario-file path]
 */
import { parseArgs } from 'node:util';
import { startAnvil } from './anvil';
import { deployScenario, writeScenarioFile } from './scenario';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'chain-id': { type: 'string' },
      'scenario-file': { type: 'string' },
    },
  });
  const anvil = await startAnvil({
    port: values.port === undefined ? undefined : positiveInt('--port', values.port),
    chainId: values['chain-id'] === undefined ? undefined : positiveInt('--chain-id', values['chain-id']),
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`devnet: ${signal}, stopping anvil\n`);
    void anvil.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    const scenario = await deployScenario(anvil.rpcUrl);
    if (values['scenario-file']) await writeScenarioFile(values['scenario-file'], scenario);
    process.stdout.write(`${JSON.stringify(scenario)}\n`);
  } catch (err) {
    await anvil.stop();
    throw err;
  }
  // anvil's child process keeps the event loop alive until a signal arrives.
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

main().catch((err: unknown) => {
  process.stderr.write(`devnet: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
