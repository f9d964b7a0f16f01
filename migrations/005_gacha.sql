-- Gacha and collection (SPEC §2, §3, §4, §10).

-- Banners. At most one is active (the partial unique index enforces it).
-- Verifiable: seed_hash = SHA-256(seed_secret) is published when the banner
-- starts; pulls on it draw from streams derived from the secret, the player
-- and a per-player counter; the secret is shown once the banner has ended
-- (revealed_at, or ends_at passed by the game clock).
CREATE TABLE banners (
  id                BIGSERIAL PRIMARY KEY,
  name              TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
  rate_up_ids       INT[] NOT NULL DEFAULT '{}',
  -- The rarity each rate-up character was forced to at creation (parallel to
  -- rate_up_ids): the rate-up lists are public data a verification replays.
  rate_up_rarities  TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(rate_up_rarities) = cardinality(rate_up_ids)),
  rate_up_chance    REAL NOT NULL DEFAULT 0.5 CHECK (rate_up_chance >= 0 AND rate_up_chance <= 1),
  starts_at         TIMESTAMPTZ NOT NULL,
  ends_at           TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
  active            BOOLEAN NOT NULL DEFAULT TRUE,
  seed_hash         TEXT NOT NULL,
  seed_secret       TEXT NOT NULL,
  revealed_at       TIMESTAMPTZ,
  created_by        TEXT
);
CREATE UNIQUE INDEX banners_one_active ON banners ((TRUE)) WHERE active;

-- Spark points per player per banner. `points` is the lifetime count earned on
-- that banner (1 per pull; DEEP_POCKETS reads it); `spent` is what `!spark`
-- used. Spendable = points - spent. A new banner starts every player at 0.
-- `points` is also the per-player pull counter of the verifiable stream:
-- the rolls of a pull use counters points_before + 1 … points_before + n.
CREATE TABLE spark_points (
  player_id  TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  banner_id  BIGINT NOT NULL REFERENCES banners (id) ON DELETE CASCADE,
  points     INT NOT NULL DEFAULT 0 CHECK (points >= 0),
  spent      INT NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= points),
  PRIMARY KEY (player_id, banner_id)
);

-- Every pull, with the roll and its inputs, so any pull can be audited.
-- Banner pulls: banner_id + counter_start (+ the banner's revealed secret)
-- reproduce each roll. Off-banner pulls (and the starter): `seed` is the
-- services RNG seed the rolls were drawn from, in order.
CREATE TABLE pulls (
  id              BIGSERIAL PRIMARY KEY,
  player_id       TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  kind            TEXT NOT NULL CHECK (kind IN ('single', 'ten', 'starter')),
  banner_id       BIGINT REFERENCES banners (id),
  counter_start   INT,
  seed            BIGINT CHECK (seed BETWEEN 0 AND 4294967295),
  rate_up_chance  REAL,
  cost            INT NOT NULL DEFAULT 0,
  -- [{"tier": "SSR", "rank": 12, "rateUp": false, "characterId": 176754, "scrapped": 0}, …]
  rolls           JSONB NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  CHECK ((banner_id IS NULL) = (counter_start IS NULL)),
  CHECK (banner_id IS NOT NULL OR seed IS NOT NULL)
);
CREATE INDEX pulls_player ON pulls (player_id, id DESC);

-- The starter pack, once per player: set by a conditional UPDATE.
ALTER TABLE players ADD COLUMN starter_claimed_at TIMESTAMPTZ;

-- Scrapped units wait here 24 h; `!restore` brings one back with its id,
-- dupes and bond for what it paid. The id is the unit's own (#id).
CREATE TABLE recycle_bin (
  unit_id       BIGINT PRIMARY KEY,
  player_id     TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  character_id  INT NOT NULL REFERENCES characters (id),
  dupe_level    INT NOT NULL,
  bond_level    INT NOT NULL,
  bond_xp       INT NOT NULL,
  obtained_at   TIMESTAMPTZ NOT NULL,
  scrapped_at   TIMESTAMPTZ NOT NULL,
  gems_paid     BIGINT NOT NULL,
  coins_paid    BIGINT NOT NULL
);
CREATE INDEX recycle_bin_player ON recycle_bin (player_id, scrapped_at DESC);

-- One-shot keys for buttons and menus that must act once (a shop purchase,
-- a scrap confirm, a spark pick), however often they are pressed or replayed.
CREATE TABLE action_once (
  key         TEXT PRIMARY KEY,
  player_id   TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  created_at  TIMESTAMPTZ NOT NULL
);
