import { secretValues } from '@oca/config';
import { createLogger } from '@oca/observability';
import { startExecutor } from './app';
import { loadEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger({ service: 'agent-executor', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const app = await startExecutor(env, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void app.stop(signal).then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`agent-executor failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
