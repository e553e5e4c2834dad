-- Up Migration
-- How the result cache answered each job (JobView.cache), and request coalescing: a follower is a
-- job that waits for an identical leader instead of running; it completes with the leader's
-- outcome. The relation lives here (not only in Redis) so followers complete even when the gateway
-- that accepted them is gone, on whichever instance applies the leader's completion.
ALTER TABLE jobs.jobs
  ADD COLUMN cache_status text CHECK (cache_status IN ('hit', 'miss', 'coalesced', 'bypass')),
  ADD COLUMN cache_source_job_id uuid,
  ADD COLUMN cache_age_seconds integer,
  ADD COLUMN leader_job_id uuid;
-- followers of a leader that are still waiting
CREATE INDEX jobs_waiting_followers ON jobs.jobs (leader_job_id) WHERE leader_job_id IS NOT NULL AND status = 'queued';

-- Down Migration
DROP INDEX IF EXISTS jobs.jobs_waiting_followers;
ALTER TABLE jobs.jobs DROP COLUMN leader_job_id, DROP COLUMN cache_age_seconds, DROP COLUMN cache_source_job_id, DROP COLUMN cache_status;
