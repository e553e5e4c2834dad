import type { UsageCounts, UsageReport } from '@oca/contracts';
import type { Pool } from '@oca/db';
import type { UsageChange } from './usage-change';

/** Heaviest users listed in an all-users report */
const TOP_USERS = 10;

interface CountsRow {
  submitted: string;
  succeeded: string;
  failed: string;
  cache_hits: string;
  compute_ms: string;
}

const SUMS = `COALESCE(SUM(submitted), 0) AS submitted, COALESCE(SUM(succeeded), 0) AS succeeded, COALESCE(SUM(failed), 0) AS failed,
  COALESCE(SUM(cache_hits), 0) AS cache_hits, COALESCE(SUM(compute_ms), 0) AS compute_ms`;

function countsOf(row: CountsRow): UsageCounts {
  return {
    submitted: Number(row.submitted),
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    cacheHits: Number(row.cache_hits),
    computeMs: Number(row.compute_ms),
  };
}

/** Usage rollups in schema `analytics`: applied once per event id, read per range. */
export class UsageStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Adds `change` to its row unless event `eventId` was applied before; the id and the rollup
   * change commit together, so a redelivery (or a crash between the two) never counts twice.
   */
  async apply(eventId: string, change: UsageChange): Promise<'counted' | 'duplicate'> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const seen = await client.query('INSERT INTO analytics.processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [eventId]);
      if (seen.rowCount === 0) {
        await client.query('ROLLBACK');
        return 'duplicate';
      }
      const { userId, day, agent, delta } = change;
      await client.query(
        `INSERT INTO analytics.usage_daily AS u (user_id, day, agent, submitted, succeeded, failed, cache_hits, compute_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id, day, agent) DO UPDATE SET
           submitted = u.submitted + EXCLUDED.submitted, succeeded = u.succeeded + EXCLUDED.succeeded,
           failed = u.failed + EXCLUDED.failed, cache_hits = u.cache_hits + EXCLUDED.cache_hits,
           compute_ms = u.compute_ms + EXCLUDED.compute_ms`,
        [userId, day, agent, delta.submitted, delta.succeeded, delta.failed, delta.cacheHits, delta.computeMs],
      );
      await client.query('COMMIT');
      return 'counted';
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Rows per (day, agent) from `from` to `to` (inclusive), for one user or everyone (then with the top users). */
  async report(query: { from: string; to: string; userId?: string }): Promise<UsageReport> {
    const params: unknown[] = [query.from, query.to];
    let where = 'day BETWEEN $1 AND $2';
    if (query.userId) {
      params.push(query.userId);
      where += ' AND user_id = $3';
    }
    const items = await this.pool.query<CountsRow & { day: string; agent: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, agent, ${SUMS} FROM analytics.usage_daily WHERE ${where} GROUP BY day, agent ORDER BY day, agent`,
      params,
    );
    const totals = await this.pool.query<CountsRow>(`SELECT ${SUMS} FROM analytics.usage_daily WHERE ${where}`, params);
    const report: UsageReport = {
      items: items.rows.map((row) => ({ day: row.day, agent: row.agent, ...countsOf(row) })),
      totals: countsOf(totals.rows[0]!),
    };
    if (!query.userId) {
      const top = await this.pool.query<CountsRow & { user_id: string }>(
        `SELECT user_id, ${SUMS} FROM analytics.usage_daily WHERE ${where} GROUP BY user_id ORDER BY SUM(submitted) DESC, user_id LIMIT ${TOP_USERS}`,
        params,
      );
      report.topUsers = top.rows.map((row) => ({ userId: row.user_id, ...countsOf(row) }));
    }
    return report;
  }

  /** Forgets event ids older than `days` days; returns how many. */
  async prune(days: number): Promise<number> {
    const result = await this.pool.query("DELETE FROM analytics.processed_events WHERE processed_at < now() - make_interval(days => $1)", [days]);
    return result.rowCount ?? 0;
  }
}
