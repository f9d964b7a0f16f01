-- Base schema: players and their wallet/counters, the character catalog,
-- owned units, and the economy ledger every currency change writes to.

CREATE TABLE players (
  id                     TEXT PRIMARY KEY,            -- Discord user id (snowflake) or playground id
  username               TEXT NOT NULL DEFAULT '',
  gems                   BIGINT NOT NULL DEFAULT 0 CHECK (gems >= 0),
  coins                  BIGINT NOT NULL DEFAULT 0 CHECK (coins >= 0),
  team_level             INT NOT NULL DEFAULT 1 CHECK (team_level >= 1),
  team_xp                BIGINT NOT NULL DEFAULT 0 CHECK (team_xp >= 0),
  total_pulls            INT NOT NULL DEFAULT 0,
  total_scrapped         INT NOT NULL DEFAULT 0,
  total_bounties         INT NOT NULL DEFAULT 0,
  expedition_gems_total  BIGINT NOT NULL DEFAULT 0,
  boss_kills             INT NOT NULL DEFAULT 0,
  last_checkin           DATE,
  checkin_streak         INT NOT NULL DEFAULT 0,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE characters (
  id                 INT PRIMARY KEY,                 -- AniList character id
  name               TEXT NOT NULL,
  image_url          TEXT,
  favourites         INT NOT NULL DEFAULT 0,
  rank               INT NOT NULL,                    -- 1 = most favourited; 0 = outside the gacha pool
  rarity             TEXT NOT NULL CHECK (rarity IN ('R', 'SR', 'SSR')),
  base_power         INT NOT NULL CHECK (base_power >= 0),
  skills             TEXT[] NOT NULL DEFAULT '{}',
  squash_resistance  REAL NOT NULL DEFAULT 0,
  overridden         BOOLEAN NOT NULL DEFAULT FALSE,
  source             TEXT NOT NULL DEFAULT 'anilist', -- 'anilist' | 'generated' | 'event'
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Drawing a unit by rank is one index lookup.
CREATE UNIQUE INDEX characters_rank_key ON characters (rank) WHERE rank > 0;
CREATE INDEX characters_name_lower ON characters (lower(name));

CREATE TABLE units (
  id            BIGSERIAL PRIMARY KEY,                -- the #id players type
  player_id     TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  character_id  INT NOT NULL REFERENCES characters (id),
  dupe_level    INT NOT NULL DEFAULT 0 CHECK (dupe_level BETWEEN 0 AND 10),
  bond_level    INT NOT NULL DEFAULT 1 CHECK (bond_level BETWEEN 1 AND 50),
  bond_xp       INT NOT NULL DEFAULT 0 CHECK (bond_xp >= 0),
  locked        BOOLEAN NOT NULL DEFAULT FALSE,
  obtained_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (player_id, character_id)
);
CREATE INDEX units_player ON units (player_id);

CREATE TABLE ledger (
  id             BIGSERIAL PRIMARY KEY,
  player_id      TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  currency       TEXT NOT NULL CHECK (currency IN ('gems', 'coins')),
  delta          BIGINT NOT NULL,
  balance_after  BIGINT NOT NULL CHECK (balance_after >= 0),
  reason         TEXT NOT NULL,
  ref            TEXT,                                 -- what it pays for (pull id, task key, raid id…)
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_player_time ON ledger (player_id, id DESC);
