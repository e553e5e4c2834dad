import type { JobError, JobStatus } from '@oca/contracts';
import type { Pool } from '@oca/db';
import { JOB_COLUMNS, type JobRow } from './job-row';

export interface NewJob {
  id: string;
  userId: string;
  agent: string;
  params: unknown;
  priority: number;
  webhookUrl: string | null;
  correlationId: string;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export interface JobCursor {
  createdAt: string;
  id: string;
}

/** Columns of one inserted row, in VALUES order. */
const INSERT_COLUMNS = 9;

interface PendingInsert {
  job: NewJob;
  resolve(row: JobRow): void;
  reject(err: unknown): void;
}

/** SQL over jobs.jobs. Every read that serves a client is scoped by user_id. */
export class JobStore {
  private pending: PendingInsert[] = [];
  private flushScheduled = false;

  /**
   * @param maxBatch Submissions without an Idempotency-Key that arrive in the same event-loop turn
   *   are written by one multi-row INSERT (one round trip, one commit) of at most this many rows.
   */
  constructor(
    private readonly pool: Pool,
    private readonly maxBatch = 200,
  ) {}

  /**
   * Inserts the job, or returns the existing row when (user, idempotency key) is taken.
   * `created` tells which happened.
   */
  async insert(job: NewJob): Promise<{ created: boolean; row: JobRow }> {
    if (job.idempotencyKey === null) return { created: true, row: await this.insertBatched(job) };
    const inserted = await this.pool.query<JobRow>(
      // With an Idempotency-Key a replay can observe the in-flight state, so enqueued_at stays NULL
      // until the broker confirmed (markEnqueued); keyless jobs go through insertBatched.
      `INSERT INTO jobs.jobs (id, user_id, agent, params, priority, status, webhook_url, correlation_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9)
       ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING ${JOB_COLUMNS}`,
      [job.id, job.userId, job.agent, JSON.stringify(job.params), job.priority, job.webhookUrl, job.correlationId, job.idempotencyKey, job.requestHash],
    );
    if (inserted.rows[0]) return { created: true, row: inserted.rows[0] };
    const existing = await this.pool.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE user_id = $1 AND idempotency_key = $2`,
      [job.userId, job.idempotencyKey],
    );
    if (!existing.rows[0]) throw new Error('idempotency conflict without a row');
    return { created: false, row: existing.rows[0] };
  }

  /** Queues a plain insert for the next batch; resolves with its row once the batch committed. */
  private insertBatched(job: NewJob): Promise<JobRow> {
    return new Promise<JobRow>((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (this.pending.length >= this.maxBatch) {
        void this.flush();
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** One INSERT for every queued job; each caller gets its own row, or the shared error. */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map(({ job }, i) => {
      values.push(job.id, job.userId, job.agent, JSON.stringify(job.params), job.priority, job.webhookUrl, job.correlationId, null, null);
      const at = i * INSERT_COLUMNS;
      const p = (n: number) => `$${at + n}`;
      // No Idempotency-Key: nobody can observe the in-flight state, so enqueued_at is set at once.
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, 'queued', ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, now())`;
    });
    try {
      const { rows } = await this.pool.query<JobRow>(
        `INSERT INTO jobs.jobs (id, user_id, agent, params, priority, status, webhook_url, correlation_id, idempotency_key, request_hash, enqueued_at)
         VALUES ${tuples.join(', ')} RETURNING ${JOB_COLUMNS}`,
        values,
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const { job, resolve, reject } of batch) {
        const row = byId.get(job.id);
        if (row) resolve(row);
        else reject(new Error(`job ${job.id} missing from its batch insert`));
      }
    } catch (err) {
      for (const { reject } of batch) reject(err);
    }
  }

  async markEnqueued(id: string): Promise<void> {
    await this.pool.query('UPDATE jobs.jobs SET enqueued_at = now(), updated_at = now() WHERE id = $1', [id]);
  }

  /** Removes a job whose message the broker never confirmed, so the client can simply retry. */
  async deleteUnconfirmed(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM jobs.jobs WHERE id = $1 AND status = 'queued'`, [id]);
  }

  async get(id: string): Promise<JobRow | undefined> {
    const res = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE id = $1`, [id]);
    return res.rows[0];
  }

  async getOwned(id: string, userId: string): Promise<JobRow | undefined> {
    const res = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE id = $1 AND user_id = $2`, [id, userId]);
    return res.rows[0];
  }

  async list(userId: string, limit: number, cursor?: JobCursor, status?: JobStatus): Promise<JobRow[]> {
    const params: unknown[] = [userId, limit];
    let where = 'user_id = $1';
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      where += ` AND (created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    if (status) {
      params.push(status);
      where += ` AND status = $${params.length}`;
    }
    const res = await this.pool.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
    return res.rows;
  }

  /** queued → canceled; returns the row when this call canceled it. */
  async cancel(id: string, userId: string): Promise<JobRow | undefined> {
    const res = await this.pool.query<JobRow>(
      `UPDATE jobs.jobs SET status = 'canceled', finished_at = now(), updated_at = now()
       WHERE id = $1 AND user_id = $2 AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
      [id, userId],
    );
    return res.rows[0];
  }

  /** Every queued job of a user → canceled (an admin disabled the account); returns their ids. */
  async cancelAllQueued(userId: string): Promise<string[]> {
    const res = await this.pool.query<{ id: string }>(
      `UPDATE jobs.jobs SET status = 'canceled', finished_at = now(), updated_at = now()
       WHERE user_id = $1 AND status = 'queued' RETURNING id`,
      [userId],
    );
    return res.rows.map((r) => r.id);
  }

  /** queued → running. A redelivered or late `job.started` changes nothing. */
  async markStarted(id: string, startedAt: string): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE jobs.jobs SET status = 'running', started_at = $2, updated_at = now() WHERE id = $1 AND status = 'queued'`,
      [id, startedAt],
    );
    return res.rowCount === 1;
  }

  /**
   * queued|running → succeeded|failed, exactly once: a duplicate completion (redelivery, a
   * second executor) finds the job terminal and returns undefined.
   */
  async complete(
    id: string,
    outcome: { status: 'succeeded' | 'failed'; result: unknown; error: JobError | null; startedAt: string; finishedAt: string },
  ): Promise<JobRow | undefined> {
    const res = await this.pool.query<JobRow>(
      `UPDATE jobs.jobs SET status = $2, result = $3, error = $4,
         started_at = COALESCE(started_at, $5), finished_at = $6, updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${JOB_COLUMNS}`,
      [id, outcome.status, outcome.result === undefined ? null : JSON.stringify(outcome.result), outcome.error ? JSON.stringify(outcome.error) : null, outcome.startedAt, outcome.finishedAt],
    );
    return res.rows[0];
  }

  /**
   * Fails jobs that stopped making progress: running since before `runningSeconds` ago, or
   * queued since before `queuedSeconds` ago. SKIP LOCKED lets several gateway instances sweep at
   * once without taking the same job; the status guard keeps a late completion from being undone.
   */
  async failStalled(limits: { runningSeconds: number; queuedSeconds: number; batch: number }, error: JobError): Promise<JobRow[]> {
    const res = await this.pool.query<JobRow>(
      `WITH stalled AS (
         SELECT id FROM jobs.jobs
          WHERE status IN ('queued', 'running')
            AND ((status = 'running' AND started_at < now() - make_interval(secs => $1))
              OR (status = 'queued' AND created_at < now() - make_interval(secs => $2)))
          ORDER BY created_at LIMIT $3
          FOR UPDATE SKIP LOCKED)
       UPDATE jobs.jobs j SET status = 'failed', error = $4, finished_at = now(), updated_at = now()
         FROM stalled WHERE j.id = stalled.id AND j.status IN ('queued', 'running')
       RETURNING ${JOB_COLUMNS.split(',').map((c) => `j.${c.trim()}`).join(', ')}`,
      [limits.runningSeconds, limits.queuedSeconds, limits.batch, JSON.stringify(error)],
    );
    return res.rows;
  }

  async countQueued(userId: string): Promise<number> {
    const res = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM jobs.jobs WHERE user_id = $1 AND status IN ('queued', 'running')`,
      [userId],
    );
    return Number(res.rows[0]?.n ?? 0);
  }
}
