/**
 * Spark (SPEC §3): 1 point per pull on the running banner, per banner; 300
 * points buy a rate-up SSR of the player's choice. `points` is the lifetime
 * count on that banner (achievements read it), `spent` what sparks used.
 */
import type { Db, Queryable } from '../db/index.js';
import { UserError } from '../errors.js';
import { lockPlayer } from '../players.js';
import type { Rarity } from '../power.js';
import { activeBanner, type Banner } from './banner.js';
import { grantCharacter } from './pull.js';
import { SPARK_COST } from './roll.js';

export interface SparkStatus {
  banner: Banner;
  points: number;
  spent: number;
  available: number;
  /** The banner's rate-up SSR characters (current catalog rows). */
  choices: Array<{ id: number; name: string; rarity: Rarity; imageUrl: string | null; basePower: number }>;
}

export async function sparkStatus(db: Queryable, playerId: string, now: Date): Promise<SparkStatus | null> {
  const banner = await activeBanner(db, now);
  if (!banner) return null;
  const r = await db.query<{ points: number; spent: number }>('SELECT points, spent FROM spark_points WHERE player_id = $1 AND banner_id = $2', [
    playerId,
    banner.id,
  ]);
  const points = r.rows[0]?.points ?? 0;
  const spent = r.rows[0]?.spent ?? 0;
  const ssrIds = banner.rateUpIds.filter((_, i) => banner.rateUpRarities[i] === 'SSR');
  const c = await db.query<{ id: number; name: string; rarity: Rarity; image_url: string | null; base_power: number }>(
    'SELECT id, name, rarity, image_url, base_power FROM characters WHERE id = ANY($1::int[])',
    [ssrIds],
  );
  const byId = new Map(c.rows.map((x) => [x.id, x]));
  const choices = ssrIds
    .map((id) => byId.get(id))
    .filter((x): x is NonNullable<typeof x> => !!x)
    .map((x) => ({ id: x.id, name: x.name, rarity: x.rarity, imageUrl: x.image_url, basePower: x.base_power }));
  return { banner, points, spent, available: points - spent, choices };
}

/** Why a spark can't happen now, as the message a player reads; null when it can. */
export function sparkRefusal(s: SparkStatus | null): string | null {
  if (!s) return 'There is no banner running, so there is nothing to spark. Spark points come from pulls on a banner.';
  if (s.choices.length === 0) return `**${s.banner.name}** has no rate-up SSR to spark.`;
  if (s.available < SPARK_COST)
    return `You have ${s.available.toLocaleString('en-US')} spark points on **${s.banner.name}**; a spark needs ${SPARK_COST}. Every pull on this banner gives 1.`;
  return null;
}

/**
 * Spends 300 points on the running banner for one of its rate-up SSRs: a new
 * unit or +1 dupe (refused at dupe 10, points kept). One transaction; the
 * points are taken by a conditional UPDATE so they are never spent twice.
 * `onceKey` makes a replayed menu press a no-op.
 */
export async function spendSpark(
  db: Db,
  playerId: string,
  characterId: number,
  now: Date,
  onceKey?: string,
): Promise<{ name: string; unitId: number; dupeLevel: number; created: boolean; available: number }> {
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    if (onceKey) {
      const once = await tx.query('INSERT INTO action_once (key, player_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [onceKey, playerId, now]);
      if (once.rowCount === 0) throw new UserError('That spark was already used.');
    }
    const banner = await activeBanner(tx, now);
    if (!banner) throw new UserError('The banner has ended — spark points belong to the banner they were earned on.');
    const idx = banner.rateUpIds.indexOf(characterId);
    if (idx < 0 || banner.rateUpRarities[idx] !== 'SSR') throw new UserError(`Character ${characterId} isn't a rate-up SSR on **${banner.name}**.`);
    const r = await tx.query<{ points: number; spent: number }>(
      `UPDATE spark_points SET spent = spent + $3 WHERE player_id = $1 AND banner_id = $2 AND points - spent >= $3 RETURNING points, spent`,
      [playerId, banner.id, SPARK_COST],
    );
    const row = r.rows[0];
    if (!row) throw new UserError(`A spark needs ${SPARK_COST} spark points on **${banner.name}**.`);
    const c = await tx.query<{ name: string }>('SELECT name FROM characters WHERE id = $1', [characterId]);
    if (!c.rows[0]) throw new UserError(`Character ${characterId} is no longer in the catalog.`);
    const g = await grantCharacter(tx, playerId, characterId, now);
    return { name: c.rows[0].name, ...g, available: row.points - row.spent };
  });
}
