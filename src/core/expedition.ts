/**
 * Expeditions (SPEC §8): the expedition team sets out, and a claim pays gems
 * by the team's total effective power and the time away, plus team XP.
 */
import type { Db, Queryable } from './db/index.js';
import { changeBalance } from './economy.js';
import { UserError } from './errors.js';
import { addTeamXp, teamXpToNext } from './progression.js';
import { expeditionBonus } from './skills/registry.js';
import { teamUnits, totalPower } from './teams.js';
import { cmd, text } from './text.js';
import { getUnitsByIds, type Unit } from './units.js';

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
 * Brings the expedition home and pays it. The running row is deleted by a
 * statement that also checks the minimum time, inside the transaction that
 * pays, so twenty claims at once pay once and a claim that's too early
 * changes nothing.
 */
export async function claimExpedition(db: Db, playerId: string, now: Date): Promise<ExpeditionClaim> {
  return db.transaction(async (tx) => {
    const del = await tx.query<{ started_at: Date; unit_ids: number[] }>(
      `DELETE FROM expeditions WHERE player_id = $1 AND started_at <= $2 RETURNING started_at, unit_ids`,
      [playerId, new Date(now.getTime() - MIN_EXPEDITION_SECONDS * 1000)],
    );
    const row = del.rows[0];
    if (!row) {
      const running = await runningExpedition(tx, playerId);
      if (!running) throw new UserError(text`You have no expedition running. Start one with ${cmd('ex', 'start')}.`);
      const waitMs = running.startedAt.getTime() + MIN_EXPEDITION_SECONDS * 1000 - now.getTime();
      throw new UserError(
        `Your team only just left — an expedition needs at least ${MIN_EXPEDITION_SECONDS} seconds. Try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s.`,
      );
    }
    const startedAt = new Date(row.started_at);
    const elapsedMs = now.getTime() - startedAt.getTime();
    const { units, ownedSkills } = await expeditionInputs(tx, playerId, row.unit_ids.map(Number));
    const power = totalPower(units);
    const y = expeditionYield({ power, elapsedMs, teamSkills: units.map((u) => u.skills), ownedSkills });

    const p = await tx.query<{ team_level: number; team_xp: number }>('SELECT team_level, team_xp FROM players WHERE id = $1 FOR UPDATE', [playerId]);
    const before = p.rows[0];
    if (!before) throw new UserError("You don't have a profile yet — try again.");
    const lv = addTeamXp(before.team_level, Number(before.team_xp), y.xp);
    await tx.query(
      `UPDATE players SET team_level = $2, team_xp = $3, expedition_gems_total = expedition_gems_total + $4,
              expeditions_claimed = expeditions_claimed + 1
        WHERE id = $1`,
      [playerId, lv.level, lv.xp, y.gems],
    );
    const bal = await changeBalance(tx, playerId, { gems: y.gems }, 'expedition', startedAt.toISOString());
    return {
      startedAt,
      elapsedMs,
      units,
      power,
      yield: y,
      levelBefore: before.team_level,
      level: lv.level,
      levelsGained: lv.levelsGained,
      teamXp: lv.xp,
      teamXpToNext: teamXpToNext(lv.level),
      gemsBalance: bal.gems,
    };
  });
}
