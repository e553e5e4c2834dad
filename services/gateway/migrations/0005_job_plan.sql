-- Up Migration
-- The owner's plan (role) when the job was submitted, so every event about the job (job.completed,
-- job.cache_hit) carries it for analytics, not only job.submitted. NULL for jobs from before; a
-- later change of the user's role does not rewrite the plan their old jobs ran under.
ALTER TABLE jobs.jobs ADD COLUMN plan text;

-- Down Migration
ALTER TABLE jobs.jobs DROP COLUMN plan;
