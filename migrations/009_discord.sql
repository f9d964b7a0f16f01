-- Discord transport (issue #3).
-- Per-server settings: a NULL prefix means the configured default (COMMAND_PREFIX).
CREATE TABLE guild_settings (
  guild_id    TEXT PRIMARY KEY,
  prefix      TEXT CHECK (prefix IS NULL OR char_length(prefix) BETWEEN 1 AND 5),
  updated_by  TEXT,
  updated_at  TIMESTAMPTZ NOT NULL
);

-- Jobs that must run once across all shard processes (hourly board, raid
-- announcements, clean-ups): the first process to insert (job, period_key)
-- runs it; the primary key makes every other claim a no-op.
CREATE TABLE job_runs (
  job         TEXT NOT NULL,
  period_key  TEXT NOT NULL,
  claimed_by  TEXT NOT NULL,
  claimed_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (job, period_key)
);
CREATE INDEX job_runs_claimed_at ON job_runs (claimed_at);
