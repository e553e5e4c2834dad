-- Up Migration
-- The per-user bound on queued + running jobs counts them on every submission; a partial index
-- keeps that count proportional to the user's active jobs, not their whole history.
CREATE INDEX jobs_user_active ON jobs.jobs (user_id) WHERE status IN ('queued', 'running');

-- Down Migration
DROP INDEX IF EXISTS jobs.jobs_user_active;
