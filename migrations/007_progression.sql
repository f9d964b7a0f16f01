-- The progression loop (SPEC §8 expeditions, §11 bounty board and keys, §14 achievements).

-- A running expedition: at most one per player. Claiming deletes the row in the
-- same statement that checks it, so a claim pays once however often it is sent.
CREATE TABLE expeditions (
  player_id   TEXT PRIMARY KEY REFERENCES players (id) ON DELETE CASCADE,
  started_at  TIMESTAMPTZ NOT NULL,
  -- The expedition team as it set out (yield is computed from these units at claim).
  unit_ids    BIGINT[] NOT NULL CHECK (cardinality(unit_ids) BETWEEN 1 AND 5)
);

-- Claimed expeditions (First Voyage) next to the other counters achievements read.
ALTER TABLE players ADD COLUMN expeditions_claimed INT NOT NULL DEFAULT 0;

-- The shared bounty board of one UTC hour. Created on first access with
-- INSERT … ON CONFLICT DO NOTHING and content seeded by the hour, so any number
-- of processes agree on one board per hour.
CREATE TABLE bounty_boards (
  hour_start  TIMESTAMPTZ PRIMARY KEY,
  -- [{"tier": "R"|"SR"|"SSR"|"UR", "power": <team total>}, …] — three slots.
  slots       JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);

-- One attempt per player per slot per board (the primary key enforces it).
-- Keyed by the board's hour, so a new board starts with every slot available.
CREATE TABLE bounty_attempts (
  board_hour    TIMESTAMPTZ NOT NULL REFERENCES bounty_boards (hour_start) ON DELETE CASCADE,
  slot          INT NOT NULL CHECK (slot BETWEEN 0 AND 9),
  player_id     TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  status        TEXT NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
  seed          BIGINT NOT NULL,
  attempted_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (board_hour, slot, player_id)
);

-- Bounty wins by tier (the BOUNTY_<tier> kills the takedown achievements read).
CREATE TABLE bounty_kills (
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  tier       TEXT NOT NULL CHECK (tier IN ('R', 'SR', 'SSR', 'UR')),
  kills      INT NOT NULL DEFAULT 0 CHECK (kills >= 0),
  PRIMARY KEY (player_id, tier)
);

-- Bounty keys: `keys` held at `regen_at` (always a top of the hour); one more
-- per full hour since then, never above 3. A player without a row has 3.
CREATE TABLE bounty_keys (
  player_id  TEXT PRIMARY KEY REFERENCES players (id) ON DELETE CASCADE,
  keys       INT NOT NULL CHECK (keys BETWEEN 0 AND 3),
  regen_at   TIMESTAMPTZ NOT NULL
);
