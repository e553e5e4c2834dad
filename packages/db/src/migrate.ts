import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

export interface MigrateOptions {
  databaseUrl: string;
  /** The owning service's schema; created when missing. Its migration history lives there too. */
  schema: string;
  /** Folder of `NNNN_name.sql` files with `-- Up Migration` / `-- Down Migration` sections */
  dir: string;
  logger: Logger;
}

/**
 * Applies pending migrations. node-pg-migrate takes an advisory lock, so several replicas
 * starting at once apply each migration exactly once.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    databaseUrl: options.databaseUrl,
    dir: options.dir,
    direction: 'up',
    count: Infinity,
    schema: options.schema,
    createSchema: true,
    migrationsSchema: options.schema,
    createMigrationsSchema: true,
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    log: (msg: string) => options.logger.debug({ schema: options.schema }, msg),
    verbose: false,
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) options.logger.info({ schema: options.schema, migrations: names }, 'migrations applied');
  return names;
}
