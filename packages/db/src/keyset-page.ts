/**
 * Keyset pagination over `(created_at, id)`, newest first, exact to the microsecond.
 *
 * PostgreSQL keeps timestamps in microseconds and a batched INSERT gives every row of the batch the
 * same `now()`, so a cursor must carry the full microsecond value (a JavaScript Date keeps only
 * milliseconds: rows created within one millisecond were skipped) and break ties by id.
 */

/** A cursor handed to a client as `nextCursor` did not come from this API (or was altered). */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
    this.name = 'InvalidCursorError';
  }
}

export interface KeysetPosition {
  /** Microseconds since the Unix epoch, as a decimal string (beyond Number's exact range). */
  createdUs: string;
  id: string;
}

export interface KeysetColumns {
  /** @default 'created_at' */
  createdAt?: string;
  /** @default 'id' */
  id?: string;
}

/** The select-list item that reads a row's position: `... AS cursor_us`. Add it to the query's columns. */
export function keysetSelect(columns: KeysetColumns = {}): string {
  // extract() returns numeric since PostgreSQL 14: the product is exact, and so is the cast.
  return `(extract(epoch FROM ${columns.createdAt ?? 'created_at'}) * 1000000)::bigint::text AS cursor_us`;
}

/**
 * The condition "strictly after `position` in newest-first order", with `bind` adding a parameter
 * and returning its placeholder. The timestamp is rebuilt with integer microsecond arithmetic
 * (`to_timestamp` goes through a double and can be off by one microsecond).
 */
export function keysetAfter(position: KeysetPosition, bind: (value: unknown) => string, columns: KeysetColumns = {}): string {
  const createdAt = columns.createdAt ?? 'created_at';
  const id = columns.id ?? 'id';
  return `(${createdAt}, ${id}) < (timestamptz 'epoch' + ${bind(position.createdUs)}::bigint * interval '1 microsecond', ${bind(position.id)}::uuid)`;
}

/** The ORDER BY that matches keysetAfter. */
export function keysetOrder(columns: KeysetColumns = {}): string {
  return `${columns.createdAt ?? 'created_at'} DESC, ${columns.id ?? 'id'} DESC`;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.createdUs}.${position.id}`).toString('base64url');
}

/** Parses a cursor from encodeCursor; anything else throws InvalidCursorError. */
export function decodeCursor(cursor: string): KeysetPosition {
  const match = /^(\d{1,20})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new InvalidCursorError();
  return { createdUs: match[1]!, id: match[2]! };
}

/**
 * Cuts a page from rows fetched with `LIMIT limit + 1` and gives the cursor of the next page
 * (null on the last one). Rows carry `cursor_us` from keysetSelect.
 */
export function keysetPage<T extends { id: string; cursor_us: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor({ createdUs: last.cursor_us, id: last.id }) : null };
}
