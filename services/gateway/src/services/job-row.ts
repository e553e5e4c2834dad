import type { JobError, JobStatus, JobView } from '@oca/contracts';

/** A row of jobs.jobs as pg returns it. */
export interface JobRow {
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
}

export const JOB_COLUMNS =
  'id, user_id, agent, params, priority, status, result, error, webhook_url, correlation_id, idempotency_key, request_hash, created_at, enqueued_at, started_at, finished_at';

export function jobLinks(id: string): JobView['links'] {
  return { self: `/v1/jobs/${id}`, deliveries: `/v1/jobs/${id}/deliveries` };
}

/** The public shape of a job: what polling returns and what a webhook carries in `data`. */
export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    agent: row.agent,
    status: row.status,
    priority: row.priority,
    params: row.params,
    result: row.result ?? null,
    error: row.error ?? null,
    webhook: row.webhook_url ? { url: row.webhook_url } : null,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    links: jobLinks(row.id),
  };
}
