import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { createAnalyticsApp } from './app';
import { loadEnv } from './env';

void runService('analytics', async () => {
  const env = loadEnv();
  const secrets = [...secretValues(env), ...(env.INFLUX_TOKEN ? [env.INFLUX_TOKEN] : [])];
  const logger = createLogger({ service: 'analytics', level: env.LOG_LEVEL, secrets });
  const app = createAnalyticsApp({ env, logger });
  await app.start();
  return app;
});
