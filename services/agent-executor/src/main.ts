import { secretValues } from '@oca/config';
import { createLogger, runService } from '@oca/observability';
import { startExecutor } from './app';
import { loadEnv } from './env';

void runService('agent-executor', async () => {
  const env = loadEnv();
  const logger = createLogger({ service: 'agent-executor', level: env.LOG_LEVEL, secrets: secretValues(env) });
  return startExecutor(env, logger);
});
