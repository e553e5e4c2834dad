import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { createExecutorApp } from './app';
import { loadEnv } from './env';

void runService('agent-executor', async () => {
  const env = loadEnv();
  const logger = createLogger({ service: 'agent-executor', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const app = createExecutorApp({ env, logger });
  await app.start();
  return app;
});
