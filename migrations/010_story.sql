-- Story mode (SPEC §19): best stars per stage, and the daily count of repeat rewards.
CREATE TABLE story_progress (
  player_id         TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  chapter           INT NOT NULL,
  stage             INT NOT NULL,
  best_stars        INT NOT NULL CHECK (best_stars BETWEEN 1 AND 3),
  clears            INT NOT NULL DEFAULT 1,
  first_cleared_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (player_id, chapter, stage)
);

CREATE TABLE story_daily (
  player_id       TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  day             DATE NOT NULL,
  repeat_rewards  INT NOT NULL CHECK (repeat_rewards BETWEEN 0 AND 5),
  PRIMARY KEY (player_id, day)
);
