-- Achievements earned (SPEC §14): each once per player.
CREATE TABLE player_achievements (
  player_id       TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  achievement_id  TEXT NOT NULL,
  earned_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (player_id, achievement_id)
);
