import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { startGateway } from './app';
import { loadEnv } from './env';

void runService('gateway', async () => {
  const env = loadEnv();
  const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL, secrets: secretValues(env) });
  return startGateway(env, logger);
});
