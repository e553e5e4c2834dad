import type { UsageCounts, UsageReport } from '@oca/contracts';
import { TurnBatch, type Pool } from '@oca/db';
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

interface PendingChange {
  eventId: string;
  change: UsageChange;
}

/**
 * Usage rollups in schema `analytics`: applied once per event id, read per range.
 *
 * The events a consumer has in flight (its prefetch) that reach `apply` in the same event-loop turn
 * are written by one transaction: one INSERT of their ids (the duplicates come back absent from
 * RETURNING), one upsert per (user, day, agent) of the summed changes of the new ones, one commit.
 * One event per transaction cost a commit, and a row lock on the user's one hot row, per
 * submission (docs/benchmarks.md, submissions with analytics).
 */
export class UsageStore {
  private readonly changes: TurnBatch<PendingChange, 'counted' | 'duplicate'>;

  constructor(
    private readonly pool: Pool,
    maxBatch = 500,
  ) {
    this.changes = new TurnBatch(async (batch) => {
      const counted = await this.write(batch);
      return batch.map((item) => (counted.has(item) ? 'counted' : 'duplicate'));
    }, maxBatch);
  }

  /**
   * Adds `change` to its row unless event `eventId` was applied before; the id and the rollup
   * change commit together, so a redelivery (or a crash between the two) never counts twice.
   */
  apply(eventId: string, change: UsageChange): Promise<'counted' | 'duplicate'> {
    return this.changes.add({ eventId, change });
  }

  /** One transaction for the batch; returns the items that counted (first of their event id, not seen before). */
  private async write(batch: PendingChange[]): Promise<Set<PendingChange>> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ event_id: string }>(
        'INSERT INTO analytics.processed_events (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id',
        [batch.map((item) => item.eventId)],
      );
      const fresh = new Set(inserted.rows.map((row) => row.event_id));
      const counted = new Set<PendingChange>();
      const rows = new Map<string, UsageChange>();
      for (const item of batch) {
        // The same id twice in one batch (a redelivery racing its original) counts once.
        if (!fresh.delete(item.eventId.toLowerCase())) continue;
        counted.add(item);
        const { userId, day, agent, delta } = item.change;
        const key = `${userId}|${day}|${agent}`;
        const sum = rows.get(key)?.delta;
        rows.set(key, {
          userId,
          day,
          agent,
          delta: sum
            ? {
                submitted: sum.submitted + delta.submitted,
                succeeded: sum.succeeded + delta.succeeded,
                failed: sum.failed + delta.failed,
                cacheHits: sum.cacheHits + delta.cacheHits,
                computeMs: sum.computeMs + delta.computeMs,
              }
            : { ...delta },
        });
      }
      if (rows.size > 0) {
        const changes = [...rows.values()];
        const column = (pick: (c: UsageChange) => unknown) => changes.map(pick);
        await client.query(
          `INSERT INTO analytics.usage_daily AS u (user_id, day, agent, submitted, succeeded, failed, cache_hits, compute_ms)
           SELECT * FROM unnest($1::uuid[], $2::date[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
           ON CONFLICT (user_id, day, agent) DO UPDATE SET
             submitted = u.submitted + EXCLUDED.submitted, succeeded = u.succeeded + EXCLUDED.succeeded,
             failed = u.failed + EXCLUDED.failed, cache_hits = u.cache_hits + EXCLUDED.cache_hits,
             compute_ms = u.compute_ms + EXCLUDED.compute_ms`,
          [
            column((c) => c.userId),
            column((c) => c.day),
            column((c) => c.agent),
            column((c) => c.delta.submitted),
            column((c) => c.delta.succeeded),
            column((c) => c.delta.failed),
            column((c) => c.delta.cacheHits),
            column((c) => c.delta.computeMs),
          ],
        );
      }
      await client.query('COMMIT');
      return counted;
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
