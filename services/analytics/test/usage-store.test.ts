/**
 * UsageStore against the real PostgreSQL: the events applied in one turn share one transaction,
 * and still count exactly once each — duplicates inside a batch, ids seen in an earlier batch, and
 * several events of one (user, day, agent) row summed into one upsert.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createPool, migrate, type Pool } from '@oca/db';
import { createLogger } from '@oca/observability';
import { createTestDatabase, serviceUrls, type TestDatabase } from '@oca/testkit';
import type { UsageChange } from '../src/services/usage-change';
import { UsageStore } from '../src/services/usage-store';

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  const admin = new URL(serviceUrls().postgresUrl);
  admin.pathname = '/postgres';
  db = await createTestDatabase(admin.toString(), 'usage-store');
  await migrate({ databaseUrl: db.url, schema: 'analytics', dir: path.resolve(__dirname, '..', 'migrations'), logger: createLogger({ service: 'test', level: 'silent' }) });
  pool = createPool({ connectionString: db.url, applicationName: 'usage-store-test' });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const submitted = (userId: string, agent = 'market'): UsageChange => ({
  userId,
  day: '2026-12-03',
  agent,
  delta: { submitted: 1, succeeded: 0, failed: 0, cacheHits: 0, computeMs: 0 },
});

it('counts each event id once across one batch and the next, summing a row’s changes in one upsert', async () => {
  let transactions = 0;
  const counting = { connect: async () => (transactions++, pool.connect()) } as unknown as Pool;
  const store = new UsageStore(counting);
  const alice = randomUUID();
  const bob = randomUUID();
  const ids = Array.from({ length: 30 }, () => randomUUID());
  const first = await Promise.all([
    ...ids.map((id, i) => store.apply(id, submitted(i % 3 === 0 ? bob : alice))),
    store.apply(ids[0]!, submitted(bob)), // the same id twice in one batch
  ]);
  expect(transactions).toBe(1);
  expect(first.filter((o) => o === 'counted')).toHaveLength(30);
  expect(first.at(-1)).toBe('duplicate');

  const again = await Promise.all([store.apply(ids[5]!, submitted(alice)), store.apply(randomUUID(), submitted(alice, 'trend'))]);
  expect(again).toEqual(['duplicate', 'counted']);
  const { rows } = await pool.query<{ user_id: string; agent: string; submitted: string }>(
    'SELECT user_id, agent, submitted FROM analytics.usage_daily ORDER BY user_id, agent',
  );
  const count = (userId: string, agent: string) => Number(rows.find((r) => r.user_id === userId && r.agent === agent)?.submitted ?? 0);
  expect(count(bob, 'market')).toBe(10);
  expect(count(alice, 'market')).toBe(20);
  expect(count(alice, 'trend')).toBe(1);
});
