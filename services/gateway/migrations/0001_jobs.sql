-- Up Migration
CREATE TABLE jobs.jobs (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  agent text NOT NULL,
  params jsonb NOT NULL,
  priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  result jsonb,
  error jsonb,
  webhook_url text,
  correlation_id text NOT NULL,
  idempotency_key text,
  -- sha256 of the canonical request body, to tell a replay from a reused key
  request_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- with an Idempotency-Key: NULL until the broker confirmed the job.execute message (the submission is
  -- in flight); without one it is set at insert, as nobody can observe the in-flight state
  enqueued_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX jobs_user_idempotency_key ON jobs.jobs (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- cursor pages of a user's jobs, newest first
CREATE INDEX jobs_user_created ON jobs.jobs (user_id, created_at DESC, id DESC);

CREATE TABLE jobs.webhook_secrets (
  user_id uuid PRIMARY KEY,
  secret text NOT NULL,
  previous_secret text,
  previous_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz
);

CREATE TABLE jobs.webhook_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id uuid NOT NULL REFERENCES jobs.jobs (id) ON DELETE CASCADE,
  webhook_id text NOT NULL,
  attempt integer NOT NULL,
  url text NOT NULL,
  event_type text NOT NULL,
  status_code integer,
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'gone', 'rejected')),
  error text,
  duration_ms integer NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  next_attempt_at timestamptz,
  UNIQUE (job_id, attempt)
);
CREATE INDEX webhook_deliveries_job ON jobs.webhook_deliveries (job_id, attempt);

-- Down Migration
DROP TABLE jobs.webhook_deliveries;
DROP TABLE jobs.webhook_secrets;
DROP TABLE jobs.jobs;
