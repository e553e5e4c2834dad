-- Up Migration
-- Schema analytics is the analytics service's own; the gateway reads usage over RPC, never here.

-- Usage per user, UTC day (of the event's createdAt) and agent. Counters only grow; one event
-- adds to one row, once (see processed_events).
CREATE TABLE analytics.usage_daily (
  user_id     uuid   NOT NULL,
  day         date   NOT NULL,
  agent       text   NOT NULL,
  submitted   bigint NOT NULL DEFAULT 0,
  succeeded   bigint NOT NULL DEFAULT 0,
  failed      bigint NOT NULL DEFAULT 0,
  cache_hits  bigint NOT NULL DEFAULT 0,
  -- Agent run time (finishedAt − startedAt) of finished jobs, in ms
  compute_ms  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day, agent)
);

-- Ranges over every user (admin usage) scan by day.
CREATE INDEX usage_daily_day_idx ON analytics.usage_daily (day);

-- Ids of events already added to usage_daily, inserted in the same transaction as the rollup
-- change: a redelivered event finds its id and changes nothing. Pruned after ANALYTICS_DEDUP_DAYS.
CREATE TABLE analytics.processed_events (
  event_id     uuid        PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_events_processed_at_idx ON analytics.processed_events (processed_at);

-- Down Migration
DROP TABLE analytics.processed_events;
DROP TABLE analytics.usage_daily;
