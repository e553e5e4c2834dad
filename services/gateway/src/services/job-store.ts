import { Role, TERMINAL_STATUSES, type JobCache, type JobError, type JobStatus } from '@oca/contracts';
import { LRUCache } from 'lru-cache';
import { decodeCursor, keysetAfter, keysetOrder, keysetPage, keysetSelect, TurnBatch, type Pool } from '@oca/db';
import type { FinishedJob, Job } from './job';

/** A row of jobs.jobs as pg returns it; it never leaves this file (callers get a Job). */
interface JobRow {
  id: string;
  user_id: string;
  agent: string;
  params: unknown;
  priority: number;
  status: JobStatus;
  result: unknown;
  error: JobError | null;
  webhook_url: string | null;
  correlation_id: string;
  idempotency_key: string | null;
  request_hash: string | null;
  created_at: Date;
  enqueued_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  cache_status: JobCache['status'] | null;
  cache_source_job_id: string | null;
  cache_age_seconds: number | null;
  leader_job_id: string | null;
  plan: string | null;
}

const JOB_COLUMNS =
  'id, user_id, agent, params, priority, status, result, error, webhook_url, correlation_id, idempotency_key, request_hash, created_at, enqueued_at, started_at, finished_at, cache_status, cache_source_job_id, cache_age_seconds, leader_job_id, plan';

function cacheOf(row: Pick<JobRow, 'cache_status' | 'cache_source_job_id' | 'cache_age_seconds'>): JobCache | null {
  if (!row.cache_status) return null;
  return {
    status: row.cache_status,
    ...(row.cache_source_job_id ? { sourceJobId: row.cache_source_job_id } : {}),
    ...(row.cache_age_seconds !== null ? { ageSeconds: row.cache_age_seconds } : {}),
  };
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    userId: row.user_id,
    agent: row.agent,
    params: row.params,
    priority: row.priority,
    status: row.status,
    result: row.result,
    error: row.error,
    webhookUrl: row.webhook_url,
    correlationId: row.correlation_id,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    createdAt: row.created_at,
    enqueuedAt: row.enqueued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    cache: cacheOf(row),
    leaderJobId: row.leader_job_id,
    // A role this build does not know (rolled back past a new one) is no plan, not an error.
    plan: Role.safeParse(row.plan).data ?? null,
  };
}

const toFinished = (row: JobRow) => toJob(row) as FinishedJob;

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
  /** How the cache answered; a `hit` is written already succeeded with `result`. @default miss */
  cache?: JobCache;
  /** The cached result of a hit */
  result?: unknown;
  /** The owner's plan at submission, carried by the job's events */
  plan: Role | null;
}

/** The columns every insert writes, in VALUES order; enqueued_at/started_at/finished_at follow. */
const INSERT_COLUMNS = ['id', 'user_id', 'agent', 'params', 'priority', 'status', 'result', 'webhook_url', 'correlation_id', 'idempotency_key', 'request_hash', 'cache_status', 'cache_source_job_id', 'cache_age_seconds', 'plan'];

/** One job's INSERT values, in INSERT_COLUMNS order. A hit is born succeeded, with its result. */
function insertValues(job: NewJob): unknown[] {
  const hit = job.cache?.status === 'hit';
  return [
    job.id,
    job.userId,
    job.agent,
    JSON.stringify(job.params),
    job.priority,
    hit ? 'succeeded' : 'queued',
    hit ? JSON.stringify(job.result ?? null) : null,
    job.webhookUrl,
    job.correlationId,
    job.idempotencyKey,
    job.requestHash,
    job.cache?.status ?? 'miss',
    job.cache?.sourceJobId ?? null,
    job.cache?.ageSeconds ?? null,
    job.plan,
  ];
}

/**
 * The row a batch insert wrote, from what was sent: created_at's default, enqueued_at and a hit's
 * started_at/finished_at are all the transaction's now(), so one timestamp gives them all.
 */
function insertedJob(job: NewJob, createdAt: Date): Job {
  const hit = job.cache?.status === 'hit';
  return {
    id: job.id,
    userId: job.userId,
    agent: job.agent,
    params: job.params,
    priority: job.priority,
    status: hit ? 'succeeded' : 'queued',
    result: hit ? (job.result ?? null) : null,
    error: null,
    webhookUrl: job.webhookUrl,
    correlationId: job.correlationId,
    idempotencyKey: job.idempotencyKey,
    requestHash: job.requestHash,
    createdAt,
    enqueuedAt: createdAt,
    startedAt: hit ? createdAt : null,
    finishedAt: hit ? createdAt : null,
    cache: cacheOf({ cache_status: job.cache?.status ?? 'miss', cache_source_job_id: job.cache?.sourceJobId ?? null, cache_age_seconds: job.cache?.ageSeconds ?? null }),
    leaderJobId: null,
    plan: job.plan,
  };
}

/** `($n, …, enqueued, started, finished)` for the row whose first placeholder is $at+1. */
function insertTuple(at: number, job: NewJob, enqueuedAt: 'now()' | 'NULL'): string {
  const hit = job.cache?.status === 'hit';
  const placeholders = INSERT_COLUMNS.map((_, n) => `$${at + n + 1}`);
  return `(${placeholders.join(', ')}, ${enqueuedAt}, ${hit ? 'now(), now()' : 'NULL, NULL'})`;
}

const INSERT_INTO = `INSERT INTO jobs.jobs (${INSERT_COLUMNS.join(', ')}, enqueued_at, started_at, finished_at)`;

/**
 * Finished jobs read again (polling clients, dashboards, cache hits shared by many users) are kept
 * in memory, bounded by the size of their results: a finished job never changes (every UPDATE
 * matches queued or running jobs only, and nothing deletes finished ones), so the copy is exact
 * on every gateway instance and a read of it costs no round trip.
 */
const FINISHED_JOBS_CACHE_BYTES = 32 * 1024 * 1024;

export interface JobStoreOptions {
  /**
   * Submissions without an Idempotency-Key that arrive in the same event-loop turn are written by
   * one multi-row INSERT (one round trip, one commit) of at most this many rows.
   * @default 200
   */
  maxBatch?: number;
  /**
   * Bound on the finished jobs kept in memory, counted as their results' JSON length plus 1 KiB
   * each (the heap they take is a small multiple of that); 0 keeps none (`FINISHED_JOBS_CACHE_MB`).
   * @default 32 MiB
   */
  finishedCacheBytes?: number;
}

/** SQL over jobs.jobs. Every read that serves a client is scoped by user_id. */
export class JobStore {
  private readonly inserts: TurnBatch<NewJob, Job>;
  private readonly reading = new Map<string, Promise<Job | undefined>>();
  private readonly finished: LRUCache<string, Job> | undefined;

  constructor(
    private readonly pool: Pool,
    options: JobStoreOptions = {},
  ) {
    this.inserts = new TurnBatch((jobs) => this.insertAll(jobs), options.maxBatch ?? 200);
    const cacheBytes = options.finishedCacheBytes ?? FINISHED_JOBS_CACHE_BYTES;
    this.finished =
      cacheBytes > 0
        ? new LRUCache<string, Job>({
            maxSize: cacheBytes,
            // The result dominates a job's size; 1 KiB stands in for the rest of the row.
            sizeCalculation: (job) => 1024 + (job.result === undefined || job.result === null ? 0 : JSON.stringify(job.result).length),
          })
        : undefined;
  }

  /**
   * Inserts the job, or returns the existing row when (user, idempotency key) is taken.
   * `created` tells which happened.
   */
  async insert(job: NewJob): Promise<{ created: boolean; job: Job }> {
    if (job.idempotencyKey === null) return { created: true, job: await this.inserts.add(job) };
    const inserted = await this.pool.query<JobRow>(
      // With an Idempotency-Key a replay can observe the in-flight state, so enqueued_at stays NULL
      // until the broker confirmed (markEnqueued); keyless jobs go through insertBatched. A hit
      // has nothing to publish: it is enqueued (and finished) at once.
      `${INSERT_INTO} VALUES ${insertTuple(0, job, job.cache?.status === 'hit' ? 'now()' : 'NULL')}
       ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING ${JOB_COLUMNS}`,
      insertValues(job),
    );
    if (inserted.rows[0]) return { created: true, job: toJob(inserted.rows[0]) };
    const existing = await this.pool.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE user_id = $1 AND idempotency_key = $2`,
      [job.userId, job.idempotencyKey],
    );
    if (!existing.rows[0]) throw new Error('idempotency conflict without a row');
    return { created: false, job: toJob(existing.rows[0]) };
  }

  /** One INSERT for the plain inserts of a turn; each caller gets its own row, or the shared error. */
  private async insertAll(jobs: NewJob[]): Promise<(Job | Error)[]> {
    const values: unknown[] = [];
    // No Idempotency-Key: nobody can observe the in-flight state, so enqueued_at is set at once.
    const tuples = jobs.map((job) => insertTuple(values.push(...insertValues(job)) - INSERT_COLUMNS.length, job, 'now()'));
    // Only what the database decided comes back (the rest is what was sent): parsing the params
    // and a hit's result back out of the row cost more than the insert's own round trip.
    const { rows } = await this.pool.query<Pick<JobRow, 'id' | 'created_at'>>(`${INSERT_INTO} VALUES ${tuples.join(', ')} RETURNING id, created_at`, values);
    const byId = new Map(rows.map((row) => [row.id, row.created_at]));
    return jobs.map((job) => {
      const createdAt = byId.get(job.id);
      return createdAt ? insertedJob(job, createdAt) : new Error(`job ${job.id} missing from its batch insert`);
    });
  }

  async markEnqueued(id: string): Promise<void> {
    await this.pool.query('UPDATE jobs.jobs SET enqueued_at = now(), updated_at = now() WHERE id = $1', [id]);
  }

  /** Removes a job whose message the broker never confirmed, so the client can simply retry. */
  async deleteUnconfirmed(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM jobs.jobs WHERE id = $1 AND status = 'queued'`, [id]);
  }

  async get(id: string): Promise<Job | undefined> {
    const res = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE id = $1`, [id]);
    return res.rows[0] && toJob(res.rows[0]);
  }

  /**
   * The user's job; a finished one from memory (see FINISHED_JOBS_CACHE_BYTES). Concurrent reads of
   * the same job share one query: the long-polls a completion wakes all read it at once.
   */
  async getOwned(id: string, userId: string): Promise<Job | undefined> {
    const known = this.finished?.get(id);
    if (known) return known.userId === userId ? known : undefined;
    const key = `${id}:${userId}`;
    let reading = this.reading.get(key);
    if (!reading) {
      reading = this.pool
        .query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE id = $1 AND user_id = $2`, [id, userId])
        .then((res) => {
          const job = res.rows[0] && toJob(res.rows[0]);
          if (job && TERMINAL_STATUSES.includes(job.status)) this.finished?.set(id, job);
          return job;
        })
        .finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
    }
    return reading;
  }

  /** A job this instance just finished (a guarded transition's RETURNING row), remembered for reads. */
  private kept(row: JobRow): FinishedJob {
    const job = toFinished(row);
    this.finished?.set(job.id, job);
    return job;
  }

  /**
   * A user's jobs, newest first, `limit` per page. `cursor` is a previous page's `nextCursor`
   * (exact keyset, see @oca/db keyset-page); a foreign cursor throws InvalidCursorError.
   */
  async list(userId: string, limit: number, cursor?: string, status?: JobStatus): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const values: unknown[] = [];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const where = [`user_id = ${bind(userId)}`];
    if (cursor) where.push(keysetAfter(decodeCursor(cursor), bind));
    if (status) where.push(`status = ${bind(status)}`);
    const res = await this.pool.query<JobRow & { cursor_us: string }>(
      `SELECT ${JOB_COLUMNS}, ${keysetSelect()} FROM jobs.jobs WHERE ${where.join(' AND ')} ORDER BY ${keysetOrder()} LIMIT ${bind(limit + 1)}`,
      values,
    );
    const page = keysetPage(res.rows, limit);
    return { jobs: page.rows.map(toJob), nextCursor: page.nextCursor };
  }

  /** queued → canceled; returns the job when this call canceled it. */
  async cancel(id: string, userId: string): Promise<FinishedJob | undefined> {
    const res = await this.pool.query<JobRow>(
      `UPDATE jobs.jobs SET status = 'canceled', finished_at = now(), updated_at = now()
       WHERE id = $1 AND user_id = $2 AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
      [id, userId],
    );
    return res.rows[0] && this.kept(res.rows[0]);
  }

  /** Every queued job of a user → canceled (an admin disabled the account); returns those jobs. */
  async cancelAllQueued(userId: string): Promise<FinishedJob[]> {
    const res = await this.pool.query<JobRow>(
      `UPDATE jobs.jobs SET status = 'canceled', finished_at = now(), updated_at = now()
       WHERE user_id = $1 AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
      [userId],
    );
    return res.rows.map((row) => this.kept(row));
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
   * queued|running → succeeded|failed, exactly once, with the jobs that followed it (request
   * coalescing) moved to the same outcome in the same transaction (jobs.complete_job, one round
   * trip): a reader never sees the leader finished while a follower waits. A duplicate completion
   * (redelivery, a second executor) finds the job terminal and returns undefined. With `agent`, a
   * completion that names another agent than the job's matches nothing.
   */
  async complete(
    id: string,
    outcome: { status: 'succeeded' | 'failed'; result: unknown; error: JobError | null; startedAt: string; finishedAt: string; agent?: string },
  ): Promise<{ job: FinishedJob; followers: FinishedJob[] } | undefined> {
    const res = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs.complete_job($1, $2, $3, $4, $5, $6, $7)`, [
      id,
      outcome.status,
      outcome.result === undefined ? null : JSON.stringify(outcome.result),
      outcome.error ? JSON.stringify(outcome.error) : null,
      outcome.startedAt,
      outcome.finishedAt,
      outcome.agent ?? null,
    ]);
    const leader = res.rows.find((row) => row.id === id);
    if (!leader) return undefined;
    return { job: this.kept(leader), followers: res.rows.filter((row) => row !== leader).map((row) => this.kept(row)) };
  }

  /**
   * Request coalescing: the queued job `id` (written, not yet published) becomes a follower of
   * `leaderId` — only while the leader is queued or running and runs at the follower's priority or
   * higher. FOR SHARE makes the leader's completion wait for this to commit, so the completion
   * (complete, or completeFollowers after a sweep) always sees the follower; a leader that
   * finished first matches nothing and undefined is returned (the caller runs the job itself).
   */
  async follow(id: string, leaderId: string): Promise<Job | undefined> {
    const res = await this.pool.query<JobRow>(
      `WITH leader AS (
         SELECT l.id, l.priority FROM jobs.jobs l WHERE l.id = $2 AND l.status IN ('queued', 'running') FOR SHARE)
       UPDATE jobs.jobs j SET leader_job_id = leader.id, cache_status = 'coalesced', cache_source_job_id = leader.id, updated_at = now()
         FROM leader
        WHERE j.id = $1 AND j.status = 'queued' AND j.id <> leader.id AND leader.priority >= j.priority
       RETURNING ${JOB_COLUMNS.split(',').map((c) => `j.${c.trim()}`).join(', ')}`,
      [id, leaderId],
    );
    return res.rows[0] && toJob(res.rows[0]);
  }

  /**
   * A job that missed the cache takes the result of an identical job that just succeeded (its
   * leader finished between this job's lookup and now, before the cache service filled the
   * entry): queued → succeeded with that result, recorded as a hit on `source`.
   */
  async answerFrom(id: string, source: FinishedJob, ageSeconds: number): Promise<FinishedJob | undefined> {
    const res = await this.pool.query<JobRow>(
      `UPDATE jobs.jobs SET status = 'succeeded', result = $2, started_at = now(), finished_at = now(),
              cache_status = 'hit', cache_source_job_id = $3, cache_age_seconds = $4, updated_at = now()
        WHERE id = $1 AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
      [id, JSON.stringify(source.result), source.id, ageSeconds],
    );
    return res.rows[0] && this.kept(res.rows[0]);
  }

  /**
   * The leader finished (succeeded or failed) by another path than `complete` (the stalled-job
   * sweep): its waiting followers take the same outcome, in a statement of their own.
   */
  async completeFollowers(leader: FinishedJob): Promise<FinishedJob[]> {
    const res = await this.pool.query<JobRow>(
      `UPDATE jobs.jobs SET status = $2, result = $3, error = $4, started_at = COALESCE(started_at, $5), finished_at = now(), updated_at = now()
        WHERE leader_job_id = $1 AND status = 'queued' RETURNING ${JOB_COLUMNS}`,
      [leader.id, leader.status, leader.result === null || leader.result === undefined ? null : JSON.stringify(leader.result), leader.error ? JSON.stringify(leader.error) : null, leader.startedAt ?? leader.finishedAt],
    );
    return res.rows.map((row) => this.kept(row));
  }

  /** The followers that finished with `leader` (its outcome, through complete or completeFollowers). */
  async followersOf(leader: FinishedJob): Promise<FinishedJob[]> {
    const res = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs.jobs WHERE leader_job_id = $1 AND status = $2`, [leader.id, leader.status]);
    return res.rows.map((row) => this.kept(row));
  }

  /**
   * The leader was canceled: its highest-priority (then oldest) waiting follower becomes the new
   * leader and the others follow it. Returns the promoted job (to be published), or undefined.
   */
  async promoteFollower(leaderId: string): Promise<Job | undefined> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const promoted = await client.query<JobRow>(
        `UPDATE jobs.jobs SET leader_job_id = NULL, cache_status = 'miss', cache_source_job_id = NULL, updated_at = now()
          WHERE id = (SELECT id FROM jobs.jobs WHERE leader_job_id = $1 AND status = 'queued' ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE)
         RETURNING ${JOB_COLUMNS}`,
        [leaderId],
      );
      const next = promoted.rows[0];
      if (next) {
        await client.query(
          `UPDATE jobs.jobs SET leader_job_id = $2, cache_source_job_id = $2, updated_at = now() WHERE leader_job_id = $1 AND status = 'queued'`,
          [leaderId, next.id],
        );
      }
      await client.query('COMMIT');
      return next && toJob(next);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Fails jobs that stopped making progress: running since before `runningSeconds` ago, or
   * queued since before `queuedSeconds` ago. SKIP LOCKED lets several gateway instances sweep at
   * once without taking the same job; the status guard keeps a late completion from being undone.
   */
  async failStalled(limits: { runningSeconds: number; queuedSeconds: number; batch: number }, error: JobError): Promise<FinishedJob[]> {
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
    return res.rows.map((row) => this.kept(row));
  }

  /** Queued + running jobs of a user (the active-job quota's truth). */
  async countActive(userId: string): Promise<number> {
    const res = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM jobs.jobs WHERE user_id = $1 AND status IN ('queued', 'running')`,
      [userId],
    );
    return Number(res.rows[0]?.n ?? 0);
  }
}
