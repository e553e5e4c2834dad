import type { DeliveryView } from '@oca/contracts';
import type { Pool } from '@oca/db';

export type DeliveryOutcome = DeliveryView['outcome'];

/** One webhook attempt as the worker saw it. */
export interface DeliveryAttempt {
  jobId: string;
  webhookId: string;
  /** 1-based; (jobId, attempt) is unique, so a redelivered message records nothing new. */
  attempt: number;
  url: string;
  eventType: string;
  /** Null when no answer came (timeout, network error, refused by the SSRF check). */
  statusCode: number | null;
  outcome: DeliveryOutcome;
  /** Short, client-safe description of a failure; never a secret. */
  error: string | null;
  durationMs: number;
  /** When the broker brings the message back; null when no attempt follows. */
  nextAttemptAt: Date | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  attempt: number;
  url: string;
  event_type: string;
  status_code: number | null;
  outcome: DeliveryOutcome;
  error: string | null;
  duration_ms: number;
  attempted_at: Date;
  next_attempt_at: Date | null;
}

/** Webhook attempts over jobs.webhook_deliveries (what GET /v1/jobs/:id/deliveries shows). */
export class DeliveryStore {
  constructor(private readonly pool: Pool) {}

  async record(attempt: DeliveryAttempt): Promise<void> {
    await this.pool.query(
      `INSERT INTO jobs.webhook_deliveries
         (job_id, webhook_id, attempt, url, event_type, status_code, outcome, error, duration_ms, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (job_id, attempt) DO NOTHING`,
      [
        attempt.jobId,
        attempt.webhookId,
        attempt.attempt,
        attempt.url,
        attempt.eventType,
        attempt.statusCode,
        attempt.outcome,
        attempt.error,
        Math.max(0, Math.round(attempt.durationMs)),
        attempt.nextAttemptAt,
      ],
    );
  }

  /** Whether a delivery already ended for good (delivered, or the receiver said 410 Gone). */
  async isSettled(jobId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `SELECT 1 FROM jobs.webhook_deliveries WHERE job_id = $1 AND outcome IN ('delivered', 'gone') LIMIT 1`,
      [jobId],
    );
    return rows.length > 0;
  }

  /** Attempts of one job, oldest first. Callers check the job belongs to the requester. */
  async listForJob(jobId: string): Promise<DeliveryView[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT id, webhook_id, attempt, url, event_type, status_code, outcome, error, duration_ms, attempted_at, next_attempt_at
         FROM jobs.webhook_deliveries WHERE job_id = $1 ORDER BY attempt`,
      [jobId],
    );
    return rows.map(toDeliveryView);
  }
}

function toDeliveryView(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    attempt: row.attempt,
    url: row.url,
    eventType: row.event_type,
    statusCode: row.status_code,
    outcome: row.outcome,
    error: row.error,
    durationMs: row.duration_ms,
    attemptedAt: row.attempted_at.toISOString(),
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
  };
}
