/**
 * One-shot: applies the gateway's migrations (schema `jobs`) exactly as the service does when it
 * starts, then exits 0 (1 on failure). Run before a new version serves: compose's
 * `migrate-gateway` service, the Kubernetes init container.
 *
 *   node dist/cli/migrate.js
 *
 * Reads only DATABASE_URL (or DATABASE_URL_FILE), DATABASE_SSL(_CA), NODE_ENV and LOG_LEVEL.
 */
import { loadMigrationEnv, secretValues } from '@oca/config';
import { migrate } from '@oca/db';
import { createLogger, runTask } from '@oca/observability';
import { DB_SCHEMA, MIGRATIONS_DIR } from '../app';

void runTask('gateway migrations', async () => {
  const env = loadMigrationEnv();
  const logger = createLogger({ service: 'gateway-migrate', level: env.LOG_LEVEL, secrets: secretValues(env) });
  const ssl = { mode: env.DATABASE_SSL, ca: env.DATABASE_SSL_CA };
  const applied = await migrate({ databaseUrl: env.DATABASE_URL, schema: DB_SCHEMA, dir: MIGRATIONS_DIR, logger, ssl });
  logger.info({ schema: DB_SCHEMA, applied: applied.length }, 'migrations up to date');
});
