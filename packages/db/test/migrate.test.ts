/** Migrations against the real PostgreSQL: concurrent starts, separate schemas, idempotence. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@oca/observability';
import { createTestDatabase, serviceUrls, type TestDatabase } from '@oca/testkit';
import { Client } from 'pg';
import { migrate } from '../src';

const logger = createLogger({ service: 'db-test', level: 'silent' });
let db: TestDatabase;

function migrationsDir(schema: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `oca-mig-${schema}-`));
  writeFileSync(
    path.join(dir, '0001_init.sql'),
    `-- Up Migration\nCREATE TABLE ${schema}.things (id int PRIMARY KEY);\nSELECT pg_sleep(0.2);\n-- Down Migration\nDROP TABLE ${schema}.things;\n`,
  );
  return dir;
}

beforeAll(async () => {
  const admin = new URL(serviceUrls().postgresUrl);
  admin.pathname = '/postgres';
  db = await createTestDatabase(admin.toString(), 'migrate');
});

afterAll(async () => {
  await db?.drop();
});

it('lets services with different schemas, and replicas of one, migrate at the same time', async () => {
  const a = migrationsDir('alpha');
  const b = migrationsDir('beta');
  const results = await Promise.all([
    migrate({ databaseUrl: db.url, schema: 'alpha', dir: a, logger }),
    migrate({ databaseUrl: db.url, schema: 'alpha', dir: a, logger }),
    migrate({ databaseUrl: db.url, schema: 'beta', dir: b, logger }),
  ]);
  // The two alpha replicas: exactly one applied the migration.
  expect([results[0], results[1]].flat()).toEqual(['0001_init']);
  expect(results[2]).toEqual(['0001_init']);

  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const tables = await client.query(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('alpha', 'beta') ORDER BY 1, 2`,
    );
    expect(tables.rows).toEqual([
      { table_schema: 'alpha', table_name: 'pgmigrations' },
      { table_schema: 'alpha', table_name: 'things' },
      { table_schema: 'beta', table_name: 'pgmigrations' },
      { table_schema: 'beta', table_name: 'things' },
    ]);
  } finally {
    await client.end();
  }
  expect(await migrate({ databaseUrl: db.url, schema: 'alpha', dir: a, logger })).toEqual([]);
});
