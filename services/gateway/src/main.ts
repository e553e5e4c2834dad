import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { createGatewayApp } from './app';
import { loadEnv } from './env';

void runService('gateway', async () => {
  const env = loadEnv();
  const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const app = createGatewayApp({ env, logger });
  await app.start();
  return app;
});
