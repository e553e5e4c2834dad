import { z } from 'zod';
import { commonEnv, databaseEnv, evenWithFieldIssues, refineServiceEnv } from './fragments';
import { parseEnv } from './parse-env';

/**
 * What a one-shot migration command reads: the database and nothing else. The migration
 * container (compose `migrate-*`, the Kubernetes init containers) is given no broker, Redis or
 * signing-key secret, so it parses only these, with the same production rules as the services.
 */
const MigrationEnv = z
  .object({ NODE_ENV: commonEnv.NODE_ENV, LOG_LEVEL: commonEnv.LOG_LEVEL, ...databaseEnv })
  .superRefine(refineServiceEnv, evenWithFieldIssues);

export type MigrationEnv = z.infer<typeof MigrationEnv>;

/** DATABASE_URL (or DATABASE_URL_FILE), DATABASE_SSL, DATABASE_SSL_CA, NODE_ENV, LOG_LEVEL. */
export function loadMigrationEnv(env: Record<string, string | undefined> = process.env): MigrationEnv {
  return parseEnv(MigrationEnv, env);
}
