-- Up Migration
-- A job's completion and its followers' (request coalescing) in one transaction and one round trip:
-- nobody can read the leader finished while a follower still waits. Two statements, because a
-- follower that commits while this completion waits for the leader's row lock (JobStore.follow
-- holds FOR SHARE on it) is only visible to a statement that starts after the wait — in a
-- VOLATILE plpgsql function under READ COMMITTED each statement takes a fresh snapshot. One
-- data-modifying CTE would use the snapshot from before the wait and miss that follower.
-- Returns the leader's row first, then each follower's; no row when the job was not queued or
-- running (a duplicate completion, a cancel) or names another agent.
CREATE FUNCTION jobs.complete_job(
  p_id uuid, p_status text, p_result jsonb, p_error jsonb, p_started_at timestamptz, p_finished_at timestamptz, p_agent text
) RETURNS SETOF jobs.jobs
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  leader jobs.jobs;
BEGIN
  UPDATE jobs.jobs SET status = p_status, result = p_result, error = p_error,
         started_at = COALESCE(started_at, p_started_at), finished_at = p_finished_at, updated_at = now()
   WHERE id = p_id AND status IN ('queued', 'running') AND (p_agent IS NULL OR agent = p_agent)
  RETURNING * INTO leader;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  RETURN NEXT leader;
  RETURN QUERY
    UPDATE jobs.jobs SET status = leader.status, result = leader.result, error = leader.error,
           started_at = COALESCE(started_at, leader.started_at), finished_at = now(), updated_at = now()
     WHERE leader_job_id = leader.id AND status = 'queued'
    RETURNING *;
END
$$;

-- Every follower of a leader, finished or not (a redelivered completion runs their effects again).
CREATE INDEX jobs_followers ON jobs.jobs (leader_job_id) WHERE leader_job_id IS NOT NULL;

-- Down Migration
DROP INDEX IF EXISTS jobs.jobs_followers;
DROP FUNCTION IF EXISTS jobs.complete_job(uuid, text, jsonb, jsonb, timestamptz, timestamptz, text);
