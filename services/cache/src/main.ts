import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { createCacheApp } from './app';
import { loadEnv } from './env';

void runService('cache', async () => {
  const env = loadEnv();
  const logger = createLogger({ service: 'cache', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const app = createCacheApp({ env, logger });
  await app.start();
  return app;
});
