-- Raids (SPEC §13), the casino event (§12), UnbelievaBoat purchases (§16) and
-- owner background jobs (§15 catalog sync). Everything that must happen once is
-- decided by a conditional statement on these rows, not in process memory.

-- Tickets and allowances that reset at 00:00 UTC: one row per player, kind and day.
-- kind: 'raid' (3 a day), 'casino' (3 a day).
CREATE TABLE daily_tickets (
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  day        DATE NOT NULL,
  used       INT NOT NULL CHECK (used >= 0),
  PRIMARY KEY (player_id, kind, day)
);

CREATE TABLE raids (
  id               BIGSERIAL PRIMARY KEY,
  guild_id         TEXT NOT NULL,
  channel_id       TEXT NOT NULL,                      -- phase switches and the end are announced here
  boss_key         TEXT NOT NULL,
  max_hp           BIGINT NOT NULL CHECK (max_hp > 0),
  hp               BIGINT NOT NULL CHECK (hp >= 0 AND hp <= max_hp),
  phase            INT NOT NULL DEFAULT 1 CHECK (phase >= 1),   -- highest phase reached (each announced once)
  active           BOOLEAN NOT NULL DEFAULT TRUE,
  started_by       TEXT NOT NULL,
  started_at       TIMESTAMPTZ NOT NULL,
  ends_at          TIMESTAMPTZ NOT NULL,
  ended_at         TIMESTAMPTZ,
  end_reason       TEXT CHECK (end_reason IN ('defeated', 'timeout', 'stopped')),
  last_hit_player  TEXT
);
-- One active raid per guild.
CREATE UNIQUE INDEX raids_one_active_per_guild ON raids (guild_id) WHERE active;
CREATE INDEX raids_guild_recent ON raids (guild_id, id DESC);

CREATE TABLE raid_damage (
  raid_id         BIGINT NOT NULL REFERENCES raids (id) ON DELETE CASCADE,
  player_id       TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  damage          BIGINT NOT NULL DEFAULT 0 CHECK (damage >= 0),
  attacks         INT NOT NULL DEFAULT 0,
  first_attack_at TIMESTAMPTZ NOT NULL,
  last_attack_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (raid_id, player_id)
);
CREATE INDEX raid_damage_board ON raid_damage (raid_id, damage DESC);

-- Every attack, with its seed, so any hit can be replayed.
CREATE TABLE raid_attacks (
  id         BIGSERIAL PRIMARY KEY,
  raid_id    BIGINT NOT NULL REFERENCES raids (id) ON DELETE CASCADE,
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  phase      INT NOT NULL,
  seed       BIGINT NOT NULL,
  total      BIGINT NOT NULL,       -- the team's final total in the battle
  damage     BIGINT NOT NULL,       -- HP actually taken (after the phase's damage reduction, capped at HP left)
  last_hit   BOOLEAN NOT NULL DEFAULT FALSE,
  at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX raid_attacks_raid ON raid_attacks (raid_id);
-- At most one last hit per raid, whatever the code above does.
CREATE UNIQUE INDEX raid_attacks_one_last_hit ON raid_attacks (raid_id) WHERE last_hit;

-- What each participant was paid when a raid ended (one row per player, paid once).
CREATE TABLE raid_rewards (
  raid_id    BIGINT NOT NULL REFERENCES raids (id) ON DELETE CASCADE,
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  damage     BIGINT NOT NULL,
  gems       BIGINT NOT NULL,
  items      JSONB NOT NULL DEFAULT '{}',
  roles      TEXT[] NOT NULL DEFAULT '{}',      -- share, mvp, last_hit, consolation
  PRIMARY KEY (raid_id, player_id)
);

-- Casino event rounds ("Jackpot Slime"): at most one open round; !end_event closes it once.
CREATE TABLE event_rounds (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL,
  ended_at    TIMESTAMPTZ,
  ended_by    TEXT,
  winner_id   TEXT
);
CREATE UNIQUE INDEX event_rounds_one_open ON event_rounds ((ended_at IS NULL)) WHERE ended_at IS NULL;

CREATE TABLE event_scores (
  round_id    BIGINT NOT NULL REFERENCES event_rounds (id) ON DELETE CASCADE,
  player_id   TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  score       BIGINT NOT NULL DEFAULT 0 CHECK (score >= 0),
  fights      INT NOT NULL DEFAULT 0,
  updated_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (round_id, player_id)
);
CREATE INDEX event_scores_board ON event_scores (round_id, score DESC);

-- UnbelievaBoat purchases (§16). The day's allowance is reserved before the
-- API call and moved to `bought` in the transaction that grants the gems.
CREATE TABLE ub_daily (
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  day        DATE NOT NULL,
  reserved   INT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  bought     INT NOT NULL DEFAULT 0 CHECK (bought >= 0),
  PRIMARY KEY (player_id, day),
  CHECK (reserved + bought <= 10)
);

-- Every purchase attempt, so credits taken without gems granted can be refunded.
CREATE TABLE ub_purchases (
  id          BIGSERIAL PRIMARY KEY,
  player_id   TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  guild_id    TEXT NOT NULL,
  day         DATE NOT NULL,
  pulls       INT NOT NULL CHECK (pulls BETWEEN 1 AND 10),
  credits     BIGINT NOT NULL,
  gems        BIGINT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'failed', 'grant_failed')),
  error       TEXT,
  created_at  TIMESTAMPTZ NOT NULL,
  settled_at  TIMESTAMPTZ
);
CREATE INDEX ub_purchases_player ON ub_purchases (player_id, id DESC);

-- Leases for owner background jobs (one catalog sync at a time across processes).
CREATE TABLE job_leases (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL
);
