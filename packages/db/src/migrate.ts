import { runner } from 'node-pg-migrate';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { pgSslConfig, type DatabaseSslOptions } from './ssl';

export interface MigrateOptions {
  databaseUrl: string;
  /** The owning service's schema; created when missing. Its migration history lives there too. */
  schema: string;
  /** Folder of `NNNN_name.sql` files with `-- Up Migration` / `-- Down Migration` sections */
  dir: string;
  logger: Logger;
  /** TLS to the server, as for the pool. @default { mode: 'disable' } */
  ssl?: DatabaseSslOptions;
}

/**
 * Applies pending migrations. A blocking advisory lock per schema makes replicas of one service
 * wait for each other (each migration applied exactly once) while services owning other schemas
 * migrate in parallel — node-pg-migrate's own lock is one per database and fails instead of waiting.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const client = new Client({ connectionString: options.databaseUrl, application_name: `migrate:${options.schema}`, ssl: pgSslConfig(options.ssl) });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`oca-migrate:${options.schema}`]);
    return await runMigrations(client, options);
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

async function runMigrations(client: Client, options: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    noLock: true,
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
