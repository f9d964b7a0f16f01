import { upsertCharacters } from '../../../src/core/catalog/repo.js';
import type { CharacterSeed } from '../../../src/core/catalog/types.js';
import type { Db } from '../../../src/core/db/index.js';
import { ensurePlayer } from '../../../src/core/players.js';
import { setTeam } from '../../../src/core/teams.js';

/** 40 hand-made characters: ranks 1–20 SSR, 300–319 SR (no skills unless given). */
export function smallCatalog(): CharacterSeed[] {
  const out: CharacterSeed[] = [];
  for (let i = 0; i < 20; i++) out.push({ id: 5000 + i, name: `Star ${i}`, imageUrl: null, favourites: 100_000 - i * 1000, rank: i + 1, source: 'generated' });
  for (let i = 0; i < 20; i++) out.push({ id: 6000 + i, name: `Comet ${i}`, imageUrl: null, favourites: 20_000 - i * 100, rank: 300 + i, source: 'generated' });
  return out;
}

export async function seedCatalog(db: Db): Promise<void> {
  await upsertCharacters(db, smallCatalog());
}

/** A player owning the given characters as units, all in the battle team. Returns the unit ids. */
export async function playerWithTeam(db: Db, playerId: string, characterIds: number[]): Promise<number[]> {
  await ensurePlayer(db, playerId, playerId);
  const ids: number[] = [];
  for (const c of characterIds) {
    const r = await db.query<{ id: number }>('INSERT INTO units (player_id, character_id) VALUES ($1, $2) RETURNING id', [playerId, c]);
    ids.push(Number(r.rows[0]!.id));
  }
  await setTeam(db, playerId, 'battle', ids.slice(0, 5));
  return ids;
}

/** Σ ledger = balance for every player. */
export async function ledgerMismatches(db: Db): Promise<unknown[]> {
  const r = await db.query(
    `SELECT p.id, p.gems, p.coins, COALESCE(l.g, 0) AS lg, COALESCE(l.c, 0) AS lc
       FROM players p LEFT JOIN (
         SELECT player_id, SUM(delta) FILTER (WHERE currency = 'gems') AS g, SUM(delta) FILTER (WHERE currency = 'coins') AS c
           FROM ledger GROUP BY player_id) l ON l.player_id = p.id
      WHERE p.gems <> COALESCE(l.g, 0) OR p.coins <> COALESCE(l.c, 0)`,
  );
  return r.rows;
}
