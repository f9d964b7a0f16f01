/**
 * Owner commands of the gacha (SPEC §15): `!give gems` and `!give char`.
 * Each writes its admin_audit row in the same transaction as the change.
 */

import { recordAdminAction } from '../audit.js';
import type { Db } from '../db/index.js';
import { changeBalance } from '../economy.js';
import { UserError } from '../errors.js';
import { lockPlayer } from '../players.js';
import { grantCharacter } from './pull.js';

export async function giveGems(db: Db, actorId: string, playerId: string, amount: number, now: Date): Promise<{ gems: number }> {
  return db.transaction(async (tx) => {
    const b = await changeBalance(tx, playerId, { gems: amount }, 'admin-give');
    await recordAdminAction(tx, actorId, 'give_gems', { playerId, amount }, now);
    return { gems: b.gems };
  });
}

export async function giveCharacter(
  db: Db,
  actorId: string,
  playerId: string,
  characterId: number,
  now: Date,
): Promise<{ name: string; unitId: number; dupeLevel: number; created: boolean }> {
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    const c = await tx.query<{ name: string }>('SELECT name FROM characters WHERE id = $1', [characterId]);
    if (!c.rows[0]) throw new UserError(`There is no character ${characterId} in the catalog.`);
    const g = await grantCharacter(tx, playerId, characterId, now);
    await recordAdminAction(tx, actorId, 'give_char', { playerId, characterId, unitId: g.unitId, dupeLevel: g.dupeLevel }, now);
    return { name: c.rows[0].name, ...g };
  });
}
