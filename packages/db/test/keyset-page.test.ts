/**
 * Keyset pages against the real PostgreSQL: rows that share a created_at (one transaction's now(),
 * a batched INSERT) or a millisecond are each listed exactly once, in order, at every page size.
 */
import { randomUUID } from 'node:crypto';
import { serviceUrls } from '@oca/testkit';
import { Client } from 'pg';
import { decodeCursor, encodeCursor, InvalidCursorError, keysetAfter, keysetOrder, keysetPage, keysetSelect } from '../src';

let client: Client;

beforeAll(async () => {
  client = new Client({ connectionString: serviceUrls().postgresUrl });
  await client.connect();
  // A temporary table lives and dies with this session: nothing to clean up.
  await client.query('CREATE TEMP TABLE items (id uuid PRIMARY KEY, created_at timestamptz NOT NULL)');
  await client.query('BEGIN');
  for (let i = 0; i < 40; i++) await client.query('INSERT INTO items VALUES ($1, now())', [randomUUID()]); // one now() for all 40
  await client.query('COMMIT');
  // 30 rows inside one millisecond, a microsecond apart, and some at the edges of a second, where
  // a double-precision epoch (to_timestamp) would round.
  for (let us = 1; us <= 30; us++) {
    await client.query(`INSERT INTO items VALUES ($1, '2026-12-03 10:00:00.123' ::timestamptz + $2 * interval '1 microsecond')`, [randomUUID(), us]);
  }
  for (const at of ['2026-12-03 10:00:00.999999+00', '2026-12-03 10:00:01.000000+00', '2026-12-03 10:00:01.000001+00', '1999-12-31 23:59:59.999999+00']) {
    await client.query('INSERT INTO items VALUES ($1, $2)', [randomUUID(), at]);
  }
});

afterAll(async () => {
  await client?.end();
});

async function page(limit: number, cursor?: string) {
  const values: unknown[] = [];
  const bind = (v: unknown) => `$${values.push(v)}`;
  const where = cursor ? `WHERE ${keysetAfter(decodeCursor(cursor), bind)}` : '';
  const { rows } = await client.query<{ id: string; cursor_us: string }>(
    `SELECT id, ${keysetSelect()} FROM items ${where} ORDER BY ${keysetOrder()} LIMIT ${bind(limit + 1)}`,
    values,
  );
  return keysetPage(rows, limit);
}

it('lists every row exactly once, newest first, at page sizes 1 to 100', async () => {
  const { rows: all } = await client.query<{ id: string }>(`SELECT id FROM items ORDER BY ${keysetOrder()}`);
  expect(all).toHaveLength(74);
  for (const limit of [1, 2, 3, 7, 10, 33, 74, 100]) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = await page(limit, cursor);
      expect(p.rows.length).toBeLessThanOrEqual(limit);
      seen.push(...p.rows.map((r) => r.id));
      cursor = p.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 200);
    expect(seen).toEqual(all.map((r) => r.id));
  }
});

it('round-trips positions and refuses anything else', () => {
  const position = { createdUs: '1796292000123456', id: randomUUID() };
  expect(decodeCursor(encodeCursor(position))).toEqual(position);
  for (const bad of ['', 'not-a-cursor', Buffer.from('12.not-a-uuid').toString('base64url'), Buffer.from(`x.${randomUUID()}`).toString('base64url')]) {
    expect(() => decodeCursor(bad)).toThrow(InvalidCursorError);
  }
});
