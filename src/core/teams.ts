import type { Db, Queryable } from './db/index.js';
import { UserError } from './errors.js';
import { lockPlayer } from './players.js';
import { cmd, text } from './text.js';
import { getUnitsByIds, toUnit, UNIT_COLUMNS, type Unit, type UnitRow } from './units.js';

export type TeamKind = 'battle' | 'expedition';
export const TEAM_SIZE = 5;

const COLUMN: Record<TeamKind, string> = { battle: 'battle_team', expedition: 'expedition_team' };

/** The unit ids of a team, in slot order. */
export async function teamIds(db: Queryable, playerId: string, kind: TeamKind): Promise<number[]> {
  const r = await db.query<{ ids: number[] }>(`SELECT ${COLUMN[kind]} AS ids FROM players WHERE id = $1`, [playerId]);
  return (r.rows[0]?.ids ?? []).map(Number);
}

/** A team's units in slot order (ids whose unit is gone are skipped). */
export async function teamUnits(db: Queryable, playerId: string, kind: TeamKind): Promise<Unit[]> {
  const ids = await teamIds(db, playerId, kind);
  const units = await getUnitsByIds(db, ids);
  const byId = new Map(units.filter((u) => u.playerId === playerId).map((u) => [u.id, u]));
  return ids.map((id) => byId.get(id)).filter((u): u is Unit => !!u);
}

/** The battle team, or a clear error pointing at `!stb` when it is empty. */
export async function requireBattleTeam(db: Queryable, playerId: string, whose?: string): Promise<Unit[]> {
  const units = await teamUnits(db, playerId, 'battle');
  if (units.length === 0) throw noBattleTeam(whose);
  return units;
}

export function noBattleTeam(whose?: string): UserError {
  return new UserError(
    whose
      ? `${whose} has no battle team yet.`
      : text`You have no battle team yet. Pick up to 5 units with ${cmd('stb', '<id> <id> …')} (see ${cmd('inventory')} for ids).`,
  );
}

/**
 * The battle team inside a read that fetches other state in the same round
 * trip (a fight's read before its write): a LEFT JOIN LATERAL on the players
 * row `p`, one row per unit still owned, in slot order (`team_slot`), or one
 * row of nulls when the team is empty. Select `bt.*` and read the units with
 * `teamOfRows`; `p.battle_team` is the team as read, for the write to
 * re-check.
 */
export const BATTLE_TEAM_LATERAL = `LEFT JOIN LATERAL (
  SELECT t.ord AS team_slot, ${UNIT_COLUMNS}
    FROM unnest(p.battle_team) WITH ORDINALITY AS t (id, ord)
    JOIN units u ON u.id = t.id AND u.player_id = p.id
    JOIN characters c ON c.id = u.character_id
) bt ON TRUE`;

/** The units of a team read (BATTLE_TEAM_LATERAL or the like: unit rows with `team_slot`), in slot order. */
export function teamOfRows(rows: ReadonlyArray<Partial<UnitRow> & { team_slot?: number | null }>): Unit[] {
  return rows
    .filter((r) => r.id !== null && r.id !== undefined)
    .sort((a, b) => Number(a.team_slot) - Number(b.team_slot))
    .map((r) => toUnit(r as UnitRow));
}

/**
 * Sets a team to the given unit ids (0–5, distinct, owned). The player row is
 * locked first, as every unit-changing transaction does (a scrap or gift
 * takes it before touching units): the ownership check is then a new
 * statement that sees what such a transaction committed. Checked in the same
 * statement as the write, it used the statement's snapshot from before the
 * lock wait, and a unit scrapped meanwhile could slip into the team (the
 * 1,000-command workload on Postgres caught it).
 */
export async function setTeam(db: Db, playerId: string, kind: TeamKind, ids: number[]): Promise<void> {
  if (ids.length > TEAM_SIZE) throw new UserError(`A team has at most ${TEAM_SIZE} units.`);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length) throw new UserError(`Unit #${dupes[0]} is listed twice — each unit can fill one slot.`);
  const r = await db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    return tx.query<{ missing: number[] | null }>(
      `WITH wanted AS (SELECT unnest($2::bigint[]) AS id),
            missing AS (SELECT array_agg(w.id) AS ids FROM wanted w
                         WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.id = w.id AND u.player_id = $1)),
            upd AS (UPDATE players SET ${COLUMN[kind]} = $2::bigint[]
                     WHERE id = $1 AND (SELECT ids FROM missing) IS NULL RETURNING 1)
       SELECT (SELECT ids FROM missing) AS missing`,
      [playerId, ids],
    );
  });
  const missing = r.rows[0]?.missing;
  if (missing?.length) {
    throw new UserError(
      text`${missing.length === 1 ? `Unit #${missing[0]} isn't` : `Units ${missing.map((m) => `#${m}`).join(', ')} aren't`} yours — check ${cmd('inventory')} for your ids.`,
    );
  }
}

/** SQL condition (on alias `u`) true when a unit is in a team or a preset: such units are never scrapped. */
export const UNIT_IN_USE_SQL = `(EXISTS (SELECT 1 FROM players tp WHERE tp.id = u.player_id AND (u.id = ANY(tp.battle_team) OR u.id = ANY(tp.expedition_team)))
  OR EXISTS (SELECT 1 FROM team_presets pr WHERE pr.player_id = u.player_id AND u.id = ANY(pr.unit_ids)))`;

/** Total effective power of a list of units. */
export function totalPower(units: readonly Pick<Unit, 'power'>[]): number {
  return units.reduce((s, u) => s + u.power, 0);
}
