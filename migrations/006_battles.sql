-- Battles players start (SPEC §7): every fight is recorded with its seed and
-- both teams exactly as they fought, so `!replay <id>` can re-run it through
-- the engine and show it comes out the same.
CREATE TABLE battles (
  id              BIGSERIAL PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('pvp', 'npc')),
  attacker_id     TEXT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  attacker_name   TEXT NOT NULL,
  -- PvP: the defending player (no FK: the record outlives a deleted player).
  defender_id     TEXT,
  -- NPC: easy, normal, hard, expert, nightmare, hell.
  difficulty      TEXT,
  defender_name   TEXT NOT NULL,
  seed            BIGINT NOT NULL CHECK (seed BETWEEN 0 AND 4294967295),
  -- Snapshots: arrays of engine units (name, characterId, power, skills, rarity, imageUrl, unitId, dupeLevel).
  attacker_team   JSONB NOT NULL,
  defender_team   JSONB NOT NULL,
  outcome         TEXT NOT NULL CHECK (outcome IN ('WIN', 'LOSS', 'DRAW')),
  attacker_total  BIGINT NOT NULL,
  defender_total  BIGINT NOT NULL,
  -- {"attacker": [...], "defender": [...]} after post-calculation.
  final_powers    JSONB NOT NULL,
  retries         INT NOT NULL DEFAULT 0,
  created_at      TIMESTAMPTZ NOT NULL,
  CHECK ((kind = 'pvp' AND defender_id IS NOT NULL) OR (kind = 'npc' AND difficulty IS NOT NULL))
);
CREATE INDEX battles_attacker ON battles (attacker_id, id DESC);
