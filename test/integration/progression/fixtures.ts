/** Hand-made catalog rows and units with exact base powers, for the progression tests. */
import type { Queryable } from '../../../src/core/db/index.js';
import { ensurePlayer } from '../../../src/core/players.js';

export interface TestCharacter {
  id: number;
  rarity: 'R' | 'SR' | 'SSR';
  basePower: number;
  skills?: string[];
  name?: string;
}

/** Inserts (or replaces) catalog rows outside the gacha pool (rank 0), so their powers are exact. */
export async function addCharacters(db: Queryable, chars: TestCharacter[]): Promise<void> {
  for (const c of chars) {
    await db.query(
      `INSERT INTO characters (id, name, rank, rarity, base_power, skills, source)
       VALUES ($1, $2, 0, $3, $4, $5::text[], 'generated')
       ON CONFLICT (id) DO UPDATE SET rarity = EXCLUDED.rarity, base_power = EXCLUDED.base_power, skills = EXCLUDED.skills, name = EXCLUDED.name`,
      [c.id, c.name ?? `Test ${c.rarity} ${c.id}`, c.rarity, c.basePower, c.skills ?? []],
    );
  }
}

/** Gives a player a unit of a character; returns its inventory id. */
export async function giveUnit(
  db: Queryable,
  playerId: string,
  characterId: number,
  opts: { dupe?: number; bond?: number; bondXp?: number; locked?: boolean } = {},
): Promise<number> {
  await ensurePlayer(db, playerId, playerId);
  const r = await db.query<{ id: number }>(
    `INSERT INTO units (player_id, character_id, dupe_level, bond_level, bond_xp, locked) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [playerId, characterId, opts.dupe ?? 0, opts.bond ?? 1, opts.bondXp ?? 0, opts.locked ?? false],
  );
  return Number(r.rows[0]!.id);
}

export async function balance(db: Queryable, playerId: string): Promise<{ gems: number; coins: number }> {
  const r = await db.query<{ gems: number; coins: number }>('SELECT gems, coins FROM players WHERE id = $1', [playerId]);
  return r.rows[0] ?? { gems: 0, coins: 0 };
}
