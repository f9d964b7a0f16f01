-- Teams (SPEC §5) and items (SPEC §4, §11).
-- The battle and expedition teams are ordered unit-id lists on the player;
-- presets are named copies. Units referenced here are never scrapped.
ALTER TABLE players
  ADD COLUMN battle_team BIGINT[] NOT NULL DEFAULT '{}' CHECK (cardinality(battle_team) <= 5),
  ADD COLUMN expedition_team BIGINT[] NOT NULL DEFAULT '{}' CHECK (cardinality(expedition_team) <= 5);

CREATE TABLE team_presets (
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  name       TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 15),   -- stored lower-case
  unit_ids   BIGINT[] NOT NULL CHECK (cardinality(unit_ids) BETWEEN 1 AND 5),
  saved_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (player_id, name)
);

-- Item ids: ssr_token, bond_small, bond_med, bond_large, bond_ur.
CREATE TABLE player_items (
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  item_id    TEXT NOT NULL,
  quantity   INT NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (player_id, item_id)
);

-- Daily tasks (SPEC §9): a row when a player wins a battle of that kind on a UTC day;
-- claimed_at is set once when the reward is paid.
CREATE TABLE daily_tasks (
  player_id     TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  day           DATE NOT NULL,
  task          TEXT NOT NULL,   -- pvp, easy, normal, hard, expert, nightmare, hell
  completed_at  TIMESTAMPTZ NOT NULL,
  claimed_at    TIMESTAMPTZ,
  PRIMARY KEY (player_id, day, task)
);

-- Who did what with owner powers (SPEC §15).
CREATE TABLE admin_audit (
  id          BIGSERIAL PRIMARY KEY,
  actor_id    TEXT NOT NULL,
  action      TEXT NOT NULL,
  details     JSONB NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ NOT NULL
);
