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

-- The after-command achievement check (SPEC §14) reads everything in one call
-- to this function. plpgsql caches the inner query's plan per connection, so a
-- check costs one short statement and no re-planning; the two indexes below
-- let it read a 2,000-unit inventory from index pages alone.
CREATE INDEX units_player_stats ON units (player_id) INCLUDE (character_id, dupe_level, bond_level, locked);
CREATE INDEX characters_ssr_ids ON characters (id) WHERE rarity = 'SSR';

CREATE FUNCTION achievement_stats(p_player TEXT)
RETURNS TABLE (
  total_pulls INT, total_scrapped INT, total_bounties INT, expedition_gems_total BIGINT, expeditions_claimed INT,
  team_level INT, coins BIGINT, checkin_streak INT, boss_kills INT,
  units INT, ssr_units INT, copies INT, max_dupe INT, max_ssr_dupe INT, max_bond INT, locked_units INT,
  battle_power BIGINT, battle_ssr INT, bounty_r INT, bounty_sr INT, bounty_ssr INT, bounty_ur INT,
  spark_max INT, earned TEXT[]
)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT p.total_pulls, p.total_scrapped, p.total_bounties, p.expedition_gems_total, p.expeditions_claimed,
         p.team_level, p.coins, p.checkin_streak, p.boss_kills,
         us.units, us.ssr_units, us.copies, us.max_dupe, us.max_ssr_dupe, us.max_bond, us.locked_units,
         bt.battle_power, bt.battle_ssr,
         COALESCE(bk.r, 0), COALESCE(bk.sr, 0), COALESCE(bk.ssr, 0), COALESCE(bk.ur, 0),
         -- spark_points (005, the gacha) keeps lifetime points per banner.
         (SELECT COALESCE(max(sp.points), 0) FROM spark_points sp WHERE sp.player_id = p.id)::int,
         ARRAY(SELECT pa.achievement_id FROM player_achievements pa WHERE pa.player_id = p.id)
    FROM players p
   CROSS JOIN LATERAL (
     SELECT count(*)::int AS units,
            count(s.id)::int AS ssr_units,
            COALESCE(sum(u.dupe_level + 1), 0)::int AS copies,
            COALESCE(max(u.dupe_level), 0)::int AS max_dupe,
            COALESCE(max(u.dupe_level) FILTER (WHERE s.id IS NOT NULL), 0)::int AS max_ssr_dupe,
            COALESCE(max(u.bond_level), 0)::int AS max_bond,
            count(*) FILTER (WHERE u.locked)::int AS locked_units
       FROM units u LEFT JOIN characters s ON s.id = u.character_id AND s.rarity = 'SSR'
      WHERE u.player_id = p.id) us
   CROSS JOIN LATERAL (
     -- Effective power (SPEC §2) with the same float8 operations in the same
     -- order as power.ts effectivePower, so thresholds agree with the game.
     SELECT COALESCE(sum(floor(c.base_power::float8 * (1 + 0.05::float8 * u.dupe_level)
                                * (1 + 0.01::float8 * p.team_level) * (1 + 0.005::float8 * u.bond_level))), 0)::bigint AS battle_power,
            count(*) FILTER (WHERE c.rarity = 'SSR')::int AS battle_ssr
       FROM units u JOIN characters c ON c.id = u.character_id
      WHERE u.id = ANY (p.battle_team) AND u.player_id = p.id) bt
   CROSS JOIN LATERAL (
     SELECT max(k.kills) FILTER (WHERE k.tier = 'R')::int AS r,
            max(k.kills) FILTER (WHERE k.tier = 'SR')::int AS sr,
            max(k.kills) FILTER (WHERE k.tier = 'SSR')::int AS ssr,
            max(k.kills) FILTER (WHERE k.tier = 'UR')::int AS ur
       FROM bounty_kills k WHERE k.player_id = p.id) bk
   WHERE p.id = p_player;
END
$$;
