-- Up Migration
-- The stalled-job sweeper looks at active jobs only, oldest first.
CREATE INDEX jobs_active_created ON jobs.jobs (created_at) WHERE status IN ('queued', 'running');

-- Down Migration
DROP INDEX IF EXISTS jobs.jobs_active_created;
