/**
 * Expeditions (SPEC §8): the expedition team sets out, and a claim pays gems
 * by the team's total effective power and the time away, plus team XP.
 */
import { StaleRead, withFreshRead } from './db/fresh.js';
import type { Db, Queryable } from './db/index.js';
import { balanceChangeCtes } from './economy.js';
import { UserError } from './errors.js';
import { addTeamXp, teamXpToNext } from './progression.js';
import { expeditionBonus } from './skills/registry.js';
import { teamOfRows, teamUnits, totalPower } from './teams.js';
import { cmd, text } from './text.js';
import { getUnitsByIds, UNIT_COLUMNS, type Unit, type UnitRow } from './units.js';

/** A claim needs at least this long away; sooner, nothing changes. */
export const MIN_EXPEDITION_SECONDS = 60;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/**
 * Added before flooring so float noise (10,000 coming out as 9,999.999…)
 * doesn't cost a gem; far below the smallest real fraction of these formulas.
 */
const FLOOR_EPSILON = 1e-9;

function floorGems(x: number): number {
  return Math.max(0, Math.floor(x + FLOOR_EPSILON));
}

/** Pulls' worth of gems a day for a team of total effective power P (SPEC §8). */
export function pullsPerDay(power: number): number {
  const p = Math.max(0, power);
  if (p < 20_000) return (p / 20_000) * 10;
  if (p < 60_000) return 10 + (p - 20_000) / 4_000;
  return Math.min(25, 20 + (p - 60_000) / 4_000);
}

export interface ExpeditionYield {
  hours: number;
  pullsPerDay: number;
  /** Gems before skill bonuses. */
  baseGems: number;
  /** 1 + Hardworker + Master of Coin + The Long Road. */
  multiplier: number;
  gems: number;
  /** Team XP: one per whole minute. */
  xp: number;
}

/**
 * What an expedition of `elapsedMs` pays: gems = floor(ppd × 1000 / 24 × hours),
 * then × (1 + bonuses), floored. `teamSkills` are the team units' skill tags,
 * `ownedSkills` every owned unit's (Master of Coin counts from anywhere).
 */
export function expeditionYield(input: {
  power: number;
  elapsedMs: number;
  teamSkills: readonly (readonly string[])[];
  ownedSkills: readonly (readonly string[])[];
}): ExpeditionYield {
  const elapsedMs = Math.max(0, input.elapsedMs);
  const hours = elapsedMs / HOUR_MS;
  const ppd = pullsPerDay(input.power);
  const baseGems = floorGems(((ppd * 1000) / 24) * hours);
  const multiplier = 1 + expeditionBonus({ teamSkills: input.teamSkills, ownedSkills: input.ownedSkills, hours });
  return {
    hours,
    pullsPerDay: ppd,
    baseGems,
    multiplier,
    gems: floorGems(baseGems * multiplier),
    xp: Math.floor(elapsedMs / MINUTE_MS),
  };
}

export interface RunningExpedition {
  startedAt: Date;
  unitIds: number[];
}

export async function runningExpedition(db: Queryable, playerId: string): Promise<RunningExpedition | null> {
  const r = await db.query<{ started_at: Date; unit_ids: number[] }>('SELECT started_at, unit_ids FROM expeditions WHERE player_id = $1', [playerId]);
  const row = r.rows[0];
  return row ? { startedAt: new Date(row.started_at), unitIds: row.unit_ids.map(Number) } : null;
}

/** Sends the expedition team out. Needs a non-empty team and no expedition already running. */
export async function startExpedition(db: Queryable, playerId: string, now: Date): Promise<{ startedAt: Date; units: Unit[] }> {
  const units = await teamUnits(db, playerId, 'expedition');
  if (units.length === 0) {
    throw new UserError(text`Your expedition team is empty. Pick up to 5 units with ${cmd('se', '<id> <id> …')} (see ${cmd('inventory')} for ids).`);
  }
  const r = await db.query<{ started_at: Date }>(
    `INSERT INTO expeditions (player_id, started_at, unit_ids) VALUES ($1, $2, $3::bigint[])
     ON CONFLICT (player_id) DO NOTHING RETURNING started_at`,
    [playerId, now, units.map((u) => u.id)],
  );
  if (!r.rows[0])
    throw new UserError(text`Your team is already on an expedition. Check it with ${cmd('ex', 'status')} or bring it home with ${cmd('ex', 'claim')}.`);
  return { startedAt: new Date(r.rows[0].started_at), units };
}

/** The team's units that still exist (with effective power now) and every owned unit's skills. */
async function expeditionInputs(db: Queryable, playerId: string, unitIds: number[]): Promise<{ units: Unit[]; ownedSkills: string[][] }> {
  const units = (await getUnitsByIds(db, unitIds)).filter((u) => u.playerId === playerId);
  const order = new Map(unitIds.map((id, i) => [id, i]));
  units.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const owned = await db.query<{ skills: string[] }>(
    `SELECT c.skills FROM units u JOIN characters c ON c.id = u.character_id
      WHERE u.player_id = $1 AND cardinality(c.skills) > 0`,
    [playerId],
  );
  return { units, ownedSkills: owned.rows.map((r) => r.skills) };
}

export interface ExpeditionStatus extends RunningExpedition {
  elapsedMs: number;
  units: Unit[];
  power: number;
  /** What a claim now would pay (zero gems before the minimum time). */
  yield: ExpeditionYield;
  claimable: boolean;
}

export async function expeditionStatus(db: Queryable, playerId: string, now: Date): Promise<ExpeditionStatus | null> {
  const running = await runningExpedition(db, playerId);
  if (!running) return null;
  const { units, ownedSkills } = await expeditionInputs(db, playerId, running.unitIds);
  const elapsedMs = Math.max(0, now.getTime() - running.startedAt.getTime());
  const power = totalPower(units);
  return {
    ...running,
    elapsedMs,
    units,
    power,
    yield: expeditionYield({ power, elapsedMs, teamSkills: units.map((u) => u.skills), ownedSkills }),
    claimable: elapsedMs >= MIN_EXPEDITION_SECONDS * 1000,
  };
}

export interface ExpeditionClaim {
  startedAt: Date;
  elapsedMs: number;
  units: Unit[];
  power: number;
  yield: ExpeditionYield;
  levelBefore: number;
  level: number;
  levelsGained: number;
  /** XP into the new level and XP that level needs. */
  teamXp: number;
  teamXpToNext: number;
  gemsBalance: number;
}

/**
 * What a claim needs, in one round trip ($1 player): the running expedition,
 * the team level and XP, the expedition team's units still owned (with
 * effective power, in slot order) and every owned unit's skills (Master of
 * Coin counts from anywhere).
 */
const CLAIM_READ_SQL = `
SELECT e.started_at, e.unit_ids, p.team_level AS level, p.team_xp AS xp,
       (SELECT json_agg(c.skills) FROM units u JOIN characters c ON c.id = u.character_id
         WHERE u.player_id = me.id AND cardinality(c.skills) > 0) AS owned_skills,
       eu.*
  FROM (SELECT $1::text AS id) me
  LEFT JOIN expeditions e ON e.player_id = me.id
  LEFT JOIN players p ON p.id = me.id
  LEFT JOIN LATERAL (
    SELECT t.ord AS team_slot, ${UNIT_COLUMNS}
      FROM unnest(e.unit_ids) WITH ORDINALITY AS t (id, ord)
      JOIN units u ON u.id = t.id AND u.player_id = me.id
      JOIN characters c ON c.id = u.character_id
  ) eu ON TRUE`;

/**
 * A claim's write, one statement in a short transaction: the expedition row
 * the read saw is deleted (its start time identifies it, and the minimum time
 * is checked again), and the gems, team XP and level and the counters are
 * written by the ledger builder's one UPDATE of the player, on the condition
 * that the team level and XP are still what the level-ups were computed from.
 * If the row was deleted but the player's condition failed, the caller rolls
 * back. $1 player, $2 started at, $3 latest start allowed, $4 gems, $5 ref,
 * $6/$7 level and XP after, $8/$9 level and XP as read.
 */
const CLAIM_WRITE_SQL = `
WITH gone AS (
  DELETE FROM expeditions WHERE player_id = $1 AND started_at = $2 AND started_at <= $3 RETURNING 1
), ${balanceChangeCtes({
  name: 'pay',
  playerId: '$1',
  gems: '$4',
  coins: '0',
  reason: "'expedition'",
  ref: '$5::text',
  alsoSet: 'team_level = $6, team_xp = $7, expedition_gems_total = expedition_gems_total + $4, expeditions_claimed = expeditions_claimed + 1',
  alsoWhere: 'EXISTS (SELECT 1 FROM gone) AND p.team_level = $8 AND p.team_xp = $9',
})}
SELECT (SELECT count(*) FROM gone)::int AS claimed, (SELECT gems FROM pay) AS gems`;

/**
 * Brings the expedition home and pays it. Read (CLAIM_READ_SQL), compute the
 * yield and level-ups, then one write statement in a short transaction
 * (CLAIM_WRITE_SQL) — four round trips. Deleting the running row is what
 * pays, so twenty claims at once pay once, and a claim that's too early
 * changes nothing.
 */
export async function claimExpedition(db: Db, playerId: string, now: Date): Promise<ExpeditionClaim> {
  const latestStart = new Date(now.getTime() - MIN_EXPEDITION_SECONDS * 1000);
  return withFreshRead(async () => {
    const read = await db.query<
      { started_at: Date | null; unit_ids: number[] | null; level: number | null; xp: number | null; owned_skills: string[][] | null } & Partial<UnitRow> & {
          team_slot: number | null;
        }
    >(CLAIM_READ_SQL, [playerId]);
    const head = read.rows[0]!;
    if (head.started_at === null) throw new UserError(text`You have no expedition running. Start one with ${cmd('ex', 'start')}.`);
    if (head.level === null || head.xp === null) throw new UserError("You don't have a profile yet — try again.");
    const startedAt = new Date(head.started_at);
    if (startedAt.getTime() > latestStart.getTime()) {
      const waitMs = startedAt.getTime() + MIN_EXPEDITION_SECONDS * 1000 - now.getTime();
      throw new UserError(
        `Your team only just left — an expedition needs at least ${MIN_EXPEDITION_SECONDS} seconds. Try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`,
      );
    }
    const elapsedMs = now.getTime() - startedAt.getTime();
    const units = teamOfRows(read.rows);
    const power = totalPower(units);
    const y = expeditionYield({ power, elapsedMs, teamSkills: units.map((u) => u.skills), ownedSkills: head.owned_skills ?? [] });
    const lv = addTeamXp(head.level, Number(head.xp), y.xp);

    const w = await db.transaction(async (tx) => {
      const r = await tx.query<{ claimed: number; gems: number | null }>(CLAIM_WRITE_SQL, [
        playerId,
        startedAt,
        latestStart,
        y.gems,
        startedAt.toISOString(),
        lv.level,
        lv.xp,
        head.level,
        head.xp,
      ]);
      const row = r.rows[0]!;
      if (row.claimed === 1 && row.gems === null) throw new StaleRead('expedition claim (team level changed)');
      return row;
    });
    // Claimed by a concurrent command since the read: read again (no expedition now, or a new one).
    if (w.claimed === 0) throw new StaleRead('expedition claim (already claimed)');
    return {
      startedAt,
      elapsedMs,
      units,
      power,
      yield: y,
      levelBefore: head.level,
      level: lv.level,
      levelsGained: lv.levelsGained,
      teamXp: lv.xp,
      teamXpToNext: teamXpToNext(lv.level),
      gemsBalance: Number(w.gems),
    };
  });
}
