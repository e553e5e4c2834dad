/**
 * The one-shot migration commands (services/<name>/src/cli/migrate.ts) that compose's
 * `migrate-*` services and the Kubernetes init containers run, started as processes the way the
 * containers start them, against the real PostgreSQL: each applies every migration file of its
 * service into its own schema and exits 0; a second run has nothing left to do; a database that
 * cannot be reached exits 1 without printing the URL's password.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, findFreePort, serviceUrls, type TestDatabase } from '@oca/testkit';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SERVICES = [
  { service: 'gateway', schema: 'jobs' },
  { service: 'auth', schema: 'auth' },
  { service: 'analytics', schema: 'analytics' },
] as const;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMigrate(service: string, env: Record<string, string>): Promise<Run> {
  const cli = path.join(ROOT, 'services', service, 'src/cli/migrate.ts');
  return new Promise((resolve) => {
    execFile(TSX, ['--conditions=development', cli], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 45_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const migrationFiles = (service: string) =>
  readdirSync(path.join(ROOT, 'services', service, 'migrations'))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();

let db: TestDatabase;

beforeAll(async () => {
  const admin = new URL(serviceUrls().postgresUrl);
  admin.pathname = '/postgres';
  db = await createTestDatabase(admin.toString(), 'migrate_cli');
});

afterAll(async () => {
  await db?.drop();
});

async function appliedMigrations(schema: string): Promise<string[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${schema}.pgmigrations ORDER BY name`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

it('each service command applies all its migrations into its own schema, once', async () => {
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: db.url };
  const first = await Promise.all(SERVICES.map(({ service }) => runMigrate(service, env)));
  for (const [i, run] of first.entries()) expect({ service: SERVICES[i]!.service, code: run.code, stderr: run.stderr }).toEqual({ service: SERVICES[i]!.service, code: 0, stderr: '' });
  for (const { service, schema } of SERVICES) expect(await appliedMigrations(schema)).toEqual(migrationFiles(service));

  const again = await runMigrate('gateway', env);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('"applied":0');
});

it('exits 1 naming the command when the database cannot be reached, without the password', async () => {
  const password = 'Unreachable-Pw-61c2';
  const port = await findFreePort();
  const run = await runMigrate('auth', { NODE_ENV: 'test', DATABASE_URL: `postgres://oca:${password}@127.0.0.1:${port}/oca` });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^auth migrations failed: .*ECONNREFUSED/m);
  expect(`${run.stdout}${run.stderr}`).not.toContain(password);
});
