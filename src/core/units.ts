import type { Queryable } from './db/index.js';
import { effectivePower, type Rarity } from './power.js';
import { escapeLike } from './catalog/repo.js';

/** A unit a player owns, joined with its character, with effective power (SPEC §2). */
export interface Unit {
  id: number;
  playerId: string;
  characterId: number;
  name: string;
  imageUrl: string | null;
  rarity: Rarity;
  rank: number;
  basePower: number;
  skills: string[];
  dupeLevel: number;
  bondLevel: number;
  bondXp: number;
  locked: boolean;
  obtainedAt: Date;
  power: number;
}

export interface UnitRow {
  id: number;
  player_id: string;
  character_id: number;
  name: string;
  image_url: string | null;
  rarity: Rarity;
  rank: number;
  base_power: number;
  skills: string[];
  dupe_level: number;
  bond_level: number;
  bond_xp: number;
  locked: boolean;
  obtained_at: Date;
  team_level: number;
}

/** Columns for UnitRow; use as `SELECT ${UNIT_COLUMNS} FROM units u JOIN characters c … JOIN players p …`. */
export const UNIT_COLUMNS = `u.id, u.player_id, u.character_id, c.name, c.image_url, c.rarity, c.rank, c.base_power, c.skills,
  u.dupe_level, u.bond_level, u.bond_xp, u.locked, u.obtained_at, p.team_level`;
export const UNIT_JOINS = `FROM units u JOIN characters c ON c.id = u.character_id JOIN players p ON p.id = u.player_id`;

export function toUnit(r: UnitRow): Unit {
  return {
    id: Number(r.id),
    playerId: r.player_id,
    characterId: r.character_id,
    name: r.name,
    imageUrl: r.image_url,
    rarity: r.rarity,
    rank: r.rank,
    basePower: r.base_power,
    skills: r.skills ?? [],
    dupeLevel: r.dupe_level,
    bondLevel: r.bond_level,
    bondXp: r.bond_xp,
    locked: r.locked,
    obtainedAt: r.obtained_at,
    power: effectivePower(r.base_power, { dupeLevel: r.dupe_level, teamLevel: r.team_level, bondLevel: r.bond_level }),
  };
}

/** All of a player's units, strongest first. */
export async function listUnits(db: Queryable, playerId: string): Promise<Unit[]> {
  const r = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} ${UNIT_JOINS} WHERE u.player_id = $1`, [playerId]);
  return r.rows.map(toUnit).sort((a, b) => b.power - a.power || a.id - b.id);
}

export async function getUnit(db: Queryable, unitId: number): Promise<Unit | null> {
  const r = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} ${UNIT_JOINS} WHERE u.id = $1`, [unitId]);
  return r.rows[0] ? toUnit(r.rows[0]) : null;
}

export async function getUnitsByIds(db: Queryable, unitIds: number[]): Promise<Unit[]> {
  if (unitIds.length === 0) return [];
  const r = await db.query<UnitRow>(`SELECT ${UNIT_COLUMNS} ${UNIT_JOINS} WHERE u.id = ANY($1::bigint[])`, [unitIds]);
  return r.rows.map(toUnit);
}

/**
 * Up to `limit` of a player's units matching `query` (a name fragment, or the
 * start of an id), strongest first — for autocomplete, bounded however many
 * units the player has.
 */
export async function searchUnits(db: Queryable, playerId: string, query: string, limit = 25): Promise<Unit[]> {
  const q = query.trim().replace(/^#/, '');
  const r = await db.query<UnitRow>(
    `SELECT ${UNIT_COLUMNS} ${UNIT_JOINS}
      WHERE u.player_id = $1 AND ($2 = '' OR c.name ILIKE $3 OR u.id::text LIKE $4::text)
      ORDER BY c.base_power * (1 + 0.05 * u.dupe_level) * (1 + 0.005 * u.bond_level) DESC, u.id
      LIMIT $5`,
    [playerId, q, `%${escapeLike(q)}%`, /^\d+$/.test(q) ? `${q}%` : null, Math.max(1, Math.min(100, limit))],
  );
  return r.rows.map(toUnit);
}
