import { secretValues } from '@oca/config';
import { createLogger } from '@oca/observability';
import { createCacheApp } from './app';
import { loadEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger({ service: 'cache', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const app = createCacheApp({ env, logger });
  await app.start();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void app.stop(signal).then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cache failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
