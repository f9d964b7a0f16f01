/**
 * Pulls (SPEC §3): the paid 1- and 10-pull and the starter pack.
 *
 * A pull is one transaction of two statements (BEGIN, 2 statements, COMMIT —
 * 4 round trips on Postgres, for 1 or 10 characters):
 *   1. take the cost (economy's ledgered change, never below zero), read the
 *      running banner and bump the player's spark points on it — which is
 *      also the counter of the verifiable stream — and reserve the pull id;
 *   2. (rolls in JS) resolve ranks to characters, batch-upsert the units with
 *      the dupe cap, compute auto-scrap in SQL and pay it through the ledger,
 *      add to total_pulls, and write the audit row.
 * Anything failing in between (a rank missing from the catalog, a database
 * error) rolls the whole transaction back, so the gems are never lost.
 *
 * Lock order, shared with every other unit-changing transaction here: the
 * player's row first (the spend), then unit rows. Step 2 re-reads the units
 * it changes FOR UPDATE and cross-checks the upsert; a mismatch (a unit
 * created by a transaction that skipped the player lock) fails the pull
 * rather than pay a wrong auto-scrap.
 */
import type { Db, Queryable } from '../db/index.js';
import { balanceChangeCtes, notEnoughCurrency } from '../economy.js';
import { UserError } from '../errors.js';
import { effectivePower, type Rarity } from '../power.js';
import type { Rng } from '../rng.js';
import { cmd, text } from '../text.js';
import { MAX_DUPE, PULL_COST, type Roll, rateUpOf, rollOffBanner, rollOnBanner, SCRAP_VALUE } from './roll.js';

export type PullKind = 'single' | 'ten' | 'starter';

export interface PulledCard {
  /** Position in the pull, 0-based. */
  slot: number;
  roll: Roll;
  characterId: number;
  name: string;
  imageUrl: string | null;
  rarity: Rarity;
  rank: number;
  skills: string[];
  unitId: number;
  /** 'new' (a new unit), 'dupe' (raised the unit's dupe), 'scrapped' (was at dupe 10: auto-scrapped). */
  outcome: 'new' | 'dupe' | 'scrapped';
  /** The unit's dupe level right after this copy (10 for a scrapped copy). */
  dupeLevel: number;
  /** The unit's effective power after the whole pull. */
  power: number;
}

export interface PullResult {
  pullId: number;
  kind: PullKind;
  cards: PulledCard[];
  cost: number;
  autoScrap: { count: number; gems: number; coins: number };
  gems: number;
  coins: number;
  banner: { id: number; name: string; sparkPoints: number; counterStart: number } | null;
  /** Off-banner pulls: the recorded seed. */
  seed: number | null;
}

const SCRAP_GEMS_SQL = `CASE g.rarity WHEN 'SSR' THEN ${SCRAP_VALUE.SSR.gems} WHEN 'SR' THEN ${SCRAP_VALUE.SR.gems} ELSE ${SCRAP_VALUE.R.gems} END`;
const SCRAP_COINS_SQL = `CASE g.rarity WHEN 'SSR' THEN ${SCRAP_VALUE.SSR.coins} WHEN 'SR' THEN ${SCRAP_VALUE.SR.coins} ELSE ${SCRAP_VALUE.R.coins} END`;

const SPEND_SQL = `
WITH pid AS (SELECT nextval('pulls_id_seq')::bigint AS id),
${balanceChangeCtes({ name: 'spend', playerId: '$1::text', gems: '-$2::bigint', coins: '0', reason: '$3::text', ref: '(SELECT id::text FROM pid)' })},
banner AS (
  SELECT id, name, rate_up_ids, rate_up_rarities, rate_up_chance, seed_secret
    FROM banners WHERE active AND starts_at <= $4 AND ends_at > $4
), spark AS (
  INSERT INTO spark_points AS s (player_id, banner_id, points)
  SELECT $1::text, banner.id, $5::int FROM banner, spend
  ON CONFLICT (player_id, banner_id) DO UPDATE SET points = s.points + EXCLUDED.points
  RETURNING points, spent
)
SELECT pid.id AS pull_id, spend.gems, spend.coins, banner.id AS banner_id, banner.name AS banner_name,
       banner.rate_up_ids, banner.rate_up_rarities, banner.rate_up_chance, banner.seed_secret, spark.points, spark.spent
  FROM pid LEFT JOIN spend ON TRUE LEFT JOIN banner ON TRUE LEFT JOIN spark ON TRUE`;

interface SpendRow {
  pull_id: number;
  gems: number | null;
  coins: number | null;
  banner_id: number | null;
  banner_name: string | null;
  rate_up_ids: number[] | null;
  rate_up_rarities: string[] | null;
  rate_up_chance: number | null;
  seed_secret: string | null;
  points: number | null;
  spent: number | null;
}

/**
 * Units, auto-scrap, counters and the audit row in one statement.
 * $1 player, $2 pull id, $3 slots, $4 ranks, $5 rate-up ids, $6 tiers,
 * $7 kind, $8 banner id, $9 counter start, $10 seed, $11 rate-up chance,
 * $12 cost, $13 now, $14 total_pulls increment.
 */
const UNITS_SQL = `
WITH roll AS (
  SELECT r.slot, r.tier, r.rank AS rolled_rank, r.cid AS rate_up_id, COALESCE(ci.id, cr.id) AS character_id
    FROM unnest($3::int[], $4::int[], $5::int[], $6::text[]) AS r (slot, rank, cid, tier)
    LEFT JOIN characters cr ON r.cid IS NULL AND cr.rank = r.rank AND cr.rank > 0
    LEFT JOIN characters ci ON ci.id = r.cid
), got AS (
  SELECT r.character_id, c.rarity, count(*)::int AS k
    FROM roll r JOIN characters c ON c.id = r.character_id
   GROUP BY r.character_id, c.rarity
), before AS (
  SELECT u.character_id, u.dupe_level FROM units u
   WHERE u.player_id = $1::text AND u.character_id IN (SELECT character_id FROM got)
   FOR UPDATE
), up AS (
  -- A new unit starts at dupe k - 1 (k ≤ 10 copies, so never above the cap);
  -- an owned one goes up by k, capped at 10.
  INSERT INTO units AS u (player_id, character_id, dupe_level, obtained_at)
  SELECT $1::text, g.character_id, g.k - 1, $13::timestamptz
    FROM got g LEFT JOIN before b ON b.character_id = g.character_id
  ON CONFLICT (player_id, character_id) DO UPDATE SET dupe_level = LEAST(u.dupe_level + EXCLUDED.dupe_level + 1, ${MAX_DUPE})
  RETURNING u.id, u.character_id, u.dupe_level, u.bond_level
), res AS (
  SELECT g.character_id, g.rarity, g.k, up.id AS unit_id, up.dupe_level AS after, up.bond_level,
         COALESCE(b.dupe_level, -1) AS before,
         GREATEST(COALESCE(b.dupe_level, -1) + g.k - ${MAX_DUPE}, 0) AS scrapped,
         ${SCRAP_GEMS_SQL} AS scrap_gems, ${SCRAP_COINS_SQL} AS scrap_coins
    FROM got g JOIN up ON up.character_id = g.character_id LEFT JOIN before b ON b.character_id = g.character_id
), scrap AS (
  SELECT COALESCE(sum(scrapped * scrap_gems), 0)::bigint AS gems, COALESCE(sum(scrapped * scrap_coins), 0)::bigint AS coins,
         COALESCE(sum(scrapped), 0)::int AS n
    FROM res
), ${balanceChangeCtes({
  name: 'pay',
  playerId: '$1::text',
  gems: '(SELECT gems FROM scrap)',
  coins: '(SELECT coins FROM scrap)',
  reason: "'auto-scrap'",
  ref: '$2::text',
  alsoSet: 'total_pulls = total_pulls + $14::int',
})}, rec AS (
  INSERT INTO pulls (id, player_id, kind, banner_id, counter_start, seed, rate_up_chance, cost, rolls, created_at)
  SELECT $2::bigint, $1::text, $7::text, $8::bigint, $9::int, $10::bigint, $11::real, $12::int,
         (SELECT jsonb_agg(jsonb_build_object('tier', tier, 'rank', rolled_rank, 'rateUpId', rate_up_id, 'characterId', character_id) ORDER BY slot) FROM roll),
         $13::timestamptz
)
SELECT res.character_id, res.rarity, res.k, res.unit_id, res.after, res.before, res.bond_level, res.scrapped,
       c.name, c.image_url, c.base_power, c.rank, c.skills,
       (SELECT team_level FROM players WHERE id = $1::text) AS team_level,
       pay.gems AS gems_after, pay.coins AS coins_after,
       (SELECT gems FROM scrap) AS scrap_gems, (SELECT coins FROM scrap) AS scrap_coins, (SELECT n FROM scrap) AS scrap_n,
       (SELECT count(*) FROM roll WHERE character_id IS NULL)::int AS missing
  FROM (SELECT 1) AS one
  LEFT JOIN pay ON TRUE
  LEFT JOIN (res JOIN characters c ON c.id = res.character_id) ON TRUE`;

interface UnitsRow {
  character_id: number | null;
  rarity: Rarity;
  k: number;
  unit_id: number;
  after: number;
  before: number;
  bond_level: number;
  scrapped: number;
  name: string;
  image_url: string | null;
  base_power: number;
  rank: number;
  skills: string[];
  team_level: number;
  gems_after: number | null;
  coins_after: number | null;
  scrap_gems: number;
  scrap_coins: number;
  scrap_n: number;
  missing: number;
}

interface Recorded {
  pullId: number;
  kind: PullKind;
  rolls: Roll[];
  bannerId: number | null;
  counterStart: number | null;
  seed: number | null;
  rateUpChance: number | null;
  cost: number;
  countsAsPulls: number;
}

/** Step 2: units, auto-scrap, counters, audit row; then the cards in slot order. */
async function applyRolls(
  tx: Queryable,
  playerId: string,
  rec: Recorded,
  now: Date,
): Promise<{ cards: PulledCard[]; autoScrap: PullResult['autoScrap']; gems: number; coins: number }> {
  const r = await tx.query<UnitsRow>(UNITS_SQL, [
    playerId,
    rec.pullId,
    rec.rolls.map((_, i) => i),
    rec.rolls.map((x) => x.rank),
    rec.rolls.map((x) => x.rateUpId),
    rec.rolls.map((x) => x.tier),
    rec.kind,
    rec.bannerId,
    rec.counterStart,
    rec.seed,
    rec.rateUpChance,
    rec.cost,
    now,
    rec.countsAsPulls,
  ]);
  const first = r.rows[0];
  if (!first) throw new Error('pull statement returned no row');
  if (first.missing > 0) {
    const holes = rec.rolls.filter((x) => x.rateUpId === null).map((x) => x.rank);
    throw new Error(`the catalog has no character for ${first.missing} rolled rank(s) or rate-up id(s) (pull ${rec.pullId}; ranks ${holes.join(',')})`);
  }
  if (first.gems_after === null || first.coins_after === null) throw new Error(`pull ${rec.pullId}: the player row was not updated`);
  const rows = r.rows.filter((x) => x.character_id !== null);
  for (const x of rows) {
    const expected = Math.min(x.before + x.k, MAX_DUPE);
    if (x.after !== expected) {
      throw new Error(`pull ${rec.pullId}: unit for character ${x.character_id} changed concurrently (dupe ${x.after}, expected ${expected})`);
    }
  }
  const byCharacter = new Map(rows.map((x) => [x.character_id!, x]));
  const byRank = new Map(rows.map((x) => [x.rank, x]));
  const copiesSoFar = new Map<number, number>();
  const cards = rec.rolls.map((roll, slot): PulledCard => {
    const row = (roll.rateUpId !== null ? byCharacter.get(roll.rateUpId) : byRank.get(roll.rank!))!;
    const j = copiesSoFar.get(row.character_id!) ?? 0;
    copiesSoFar.set(row.character_id!, j + 1);
    const level = row.before + j + 1;
    return {
      slot,
      roll,
      characterId: row.character_id!,
      name: row.name,
      imageUrl: row.image_url,
      rarity: row.rarity,
      rank: row.rank,
      skills: row.skills ?? [],
      unitId: Number(row.unit_id),
      outcome: level === 0 ? 'new' : level <= MAX_DUPE ? 'dupe' : 'scrapped',
      dupeLevel: Math.min(level, MAX_DUPE),
      power: effectivePower(row.base_power, { dupeLevel: row.after, teamLevel: first.team_level, bondLevel: row.bond_level }),
    };
  });
  return {
    cards,
    autoScrap: { count: first.scrap_n, gems: Number(first.scrap_gems), coins: Number(first.scrap_coins) },
    gems: Number(first.gems_after),
    coins: Number(first.coins_after),
  };
}

export interface PullOptions {
  playerId: string;
  count: 1 | 10;
  now: Date;
  /** The services RNG for off-banner pulls (its seed is recorded). */
  rng: Rng;
}

/** A paid pull of 1 or 10 (SPEC §3). Throws NotEnoughCurrency (a UserError) and changes nothing when gems are short. */
export async function pull(db: Db, opts: PullOptions): Promise<PullResult> {
  const { playerId, count, now } = opts;
  if (count !== 1 && count !== 10) throw new UserError('Pulls come as 1 or 10.');
  const cost = PULL_COST * count;
  const kind: PullKind = count === 1 ? 'single' : 'ten';
  return db.transaction(async (tx) => {
    const s = (await tx.query<SpendRow>(SPEND_SQL, [playerId, cost, count === 1 ? 'pull' : '10-pull', now, count])).rows[0]!;
    if (s.gems === null) throw await notEnoughCurrency(tx, playerId, { gems: -cost });
    const pullId = Number(s.pull_id);
    let rolls: Roll[];
    let banner: PullResult['banner'] = null;
    let seed: number | null = null;
    if (s.banner_id !== null && s.points !== null) {
      const counterStart = s.points - count + 1;
      const rateUp = rateUpOf(s.rate_up_ids ?? [], s.rate_up_rarities ?? [], s.rate_up_chance ?? 0.5);
      rolls = rollOnBanner(s.seed_secret!, playerId, counterStart, count, rateUp);
      banner = { id: Number(s.banner_id), name: s.banner_name!, sparkPoints: s.points - (s.spent ?? 0), counterStart };
      const applied = await applyRolls(
        tx,
        playerId,
        { pullId, kind, rolls, bannerId: banner.id, counterStart, seed: null, rateUpChance: rateUp.chance, cost, countsAsPulls: count },
        now,
      );
      return { pullId, kind, cost, banner, seed, ...applied };
    }
    seed = opts.rng.seed;
    rolls = rollOffBanner(seed, count);
    const applied = await applyRolls(
      tx,
      playerId,
      { pullId, kind, rolls, bannerId: null, counterStart: null, seed, rateUpChance: null, cost, countsAsPulls: count },
      now,
    );
    return { pullId, kind, cost, banner, seed, ...applied };
  });
}

export const STARTER_SIZE = 10;

/**
 * The starter pack: once per player (a conditional UPDATE on the player's
 * row), free, 10 off-banner rolls from the services RNG, the first forced to
 * SSR. It doesn't count toward total_pulls or spark points (it isn't bought).
 */
export async function claimStarter(db: Db, playerId: string, now: Date, rng: Rng): Promise<PullResult> {
  return db.transaction(async (tx) => {
    const claimed = await tx.query<{ pull_id: number }>(
      `UPDATE players SET starter_claimed_at = $2 WHERE id = $1 AND starter_claimed_at IS NULL RETURNING nextval('pulls_id_seq')::bigint AS pull_id`,
      [playerId, now],
    );
    const row = claimed.rows[0];
    if (!row) throw new UserError(text`You already opened your starter pack — keep going with ${cmd('pull')} (1,000 gems) or ${cmd('pull', 10)}.`);
    const pullId = Number(row.pull_id);
    const seed = rng.seed;
    const rolls = rollOffBanner(seed, STARTER_SIZE, { starter: true });
    const applied = await applyRolls(
      tx,
      playerId,
      { pullId, kind: 'starter', rolls, bannerId: null, counterStart: null, seed, rateUpChance: null, cost: 0, countsAsPulls: 0 },
      now,
    );
    return { pullId, kind: 'starter', cost: 0, banner: null, seed, ...applied };
  });
}

/**
 * Gives one copy of a character (`!give char`, shop, spark): a new unit, or
 * +1 dupe. Refused (UserError, nothing changed) at dupe 10. One statement;
 * callers inside a transaction take lockPlayer first.
 */
export async function grantCharacter(
  db: Queryable,
  playerId: string,
  characterId: number,
  now: Date,
): Promise<{ unitId: number; dupeLevel: number; created: boolean }> {
  const r = await db.query<{ id: number; dupe_level: number; created: boolean }>(
    `INSERT INTO units AS u (player_id, character_id, obtained_at) VALUES ($1, $2, $3)
     ON CONFLICT (player_id, character_id) DO UPDATE SET dupe_level = u.dupe_level + 1 WHERE u.dupe_level < ${MAX_DUPE}
     RETURNING u.id, u.dupe_level, (xmax = 0) AS created`,
    [playerId, characterId, now],
  );
  const row = r.rows[0];
  if (!row) throw new UserError(`That unit is already at dupe ${MAX_DUPE} — it can't go higher.`);
  return { unitId: Number(row.id), dupeLevel: row.dupe_level, created: row.created };
}
