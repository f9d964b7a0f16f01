/**
 * Test helpers for the battle and team tests: units inserted directly (the
 * gacha is someone else's piece), and characters picked from the seeded catalog.
 */
import type { Queryable } from '../../../src/core/db/index.js';
import { ensurePlayer } from '../../../src/core/players.js';

/** Gives a player units of these characters (dupe level as given); returns their unit ids in order. */
export async function giveUnits(db: Queryable, playerId: string, characterIds: number[], opts: { dupe?: number } = {}): Promise<number[]> {
  await ensurePlayer(db, playerId, playerId);
  const ids: number[] = [];
  for (const c of characterIds) {
    const r = await db.query<{ id: string }>(
      `INSERT INTO units (player_id, character_id, dupe_level) VALUES ($1, $2, $3)
       ON CONFLICT (player_id, character_id) DO UPDATE SET dupe_level = EXCLUDED.dupe_level RETURNING id`,
      [playerId, c, opts.dupe ?? 0],
    );
    ids.push(Number(r.rows[0]!.id));
  }
  return ids;
}

/** Catalog characters of a rarity without skills (so fights are decided by power alone), strongest first. */
export async function plainCharacters(db: Queryable, rarity: 'R' | 'SR' | 'SSR', count: number, offset = 0): Promise<number[]> {
  const r = await db.query<{ id: number }>(
    `SELECT id FROM characters WHERE rarity = $1 AND rank > 0 AND cardinality(skills) = 0 ORDER BY rank LIMIT $2 OFFSET $3`,
    [rarity, count, offset],
  );
  if (r.rows.length < count) throw new Error(`catalog has only ${r.rows.length} plain ${rarity} characters`);
  return r.rows.map((x) => x.id);
}

export async function battleTeam(db: Queryable, playerId: string): Promise<number[]> {
  const r = await db.query<{ t: string[] }>('SELECT battle_team AS t FROM players WHERE id = $1', [playerId]);
  return (r.rows[0]?.t ?? []).map(Number);
}

export async function expeditionTeam(db: Queryable, playerId: string): Promise<number[]> {
  const r = await db.query<{ t: string[] }>('SELECT expedition_team AS t FROM players WHERE id = $1', [playerId]);
  return (r.rows[0]?.t ?? []).map(Number);
}

export async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
  return r.rows[0]!.n;
}
