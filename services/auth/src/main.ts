import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { createAuthApp } from './app';
import { loadEnv } from './env';

void runService('auth', async () => {
  const env = loadEnv();
  const logger = createLogger({ service: 'auth', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const app = createAuthApp({ env, logger });
  await app.start();
  return app;
});
