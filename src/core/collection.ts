/**
 * The collection (SPEC §4): locking, mass scrapping with a 24 h recycle bin,
 * restoring, SSR Tokens. Scrapping never touches locked units or units in a
 * battle team, expedition team or preset (UNIT_IN_USE_SQL).
 *
 * `!restore` rules (SPEC is silent; decided here): within 24 h of the scrap
 * (game clock), the unit comes back with its id, dupes and bond for exactly
 * the gems and coins its scrap paid (taken back through the ledger). Refused
 * when the player can't pay, or already owns that character again (one unit
 * per character; pulling it again made a new unit — keep that one).
 */
import type { Db, Queryable } from './db/index.js';
import { balanceChangeCtes, changeBalance } from './economy.js';
import { UserError } from './errors.js';
import { MAX_DUPE, SCRAP_VALUE } from './gacha/roll.js';
import { changeItems } from './items.js';
import { lockPlayer } from './players.js';
import type { Rarity } from './power.js';
import { MAX_BOND_LEVEL } from './progression.js';
import { UNIT_IN_USE_SQL } from './teams.js';
import { cmd, text } from './text.js';
import { getUnit, type Unit } from './units.js';

export const RECYCLE_HOURS = 24;

/** A clear message for an id that isn't the player's (someone else's, or nobody's). */
async function notYours(db: Queryable, unitId: number, playerId: string): Promise<UserError> {
  const u = await db.query<{ player_id: string }>('SELECT player_id FROM units WHERE id = $1', [unitId]);
  if (u.rows[0] && u.rows[0].player_id !== playerId) return new UserError(text`Unit #${unitId} isn't yours — check ${cmd('inventory')} for your ids.`);
  return new UserError(text`You have no unit #${unitId} — check ${cmd('inventory')} for your ids.`);
}

/** The player's own unit, or a clear UserError. */
export async function requireOwnUnit(db: Queryable, playerId: string, unitId: number): Promise<Unit> {
  const u = Number.isSafeInteger(unitId) && unitId > 0 ? await getUnit(db, unitId) : null;
  if (!u || u.playerId !== playerId) throw await notYours(db, unitId, playerId);
  return u;
}

/** `!lock` / `!unlock`: only the player's own units. Returns the unit's name and whether it changed. */
export async function setLocked(db: Queryable, playerId: string, unitId: number, locked: boolean): Promise<{ name: string; changed: boolean }> {
  const r = await db.query<{ name: string; was: boolean }>(
    `UPDATE units u SET locked = $3 FROM characters c, (SELECT locked AS was FROM units WHERE id = $1) old
      WHERE u.id = $1 AND u.player_id = $2 AND c.id = u.character_id
      RETURNING c.name, old.was`,
    [unitId, playerId, locked],
  );
  const row = r.rows[0];
  if (!row) throw await notYours(db, unitId, playerId);
  return { name: row.name, changed: row.was !== locked };
}

export interface ScrapResult {
  count: number;
  gems: number;
  coins: number;
  /** Units kept because they are locked or in a team/preset. */
  kept: number;
}

/**
 * `!scrap_r` / `!scrap_sr`: deletes every unlocked unit of that rarity not in
 * a team or preset, pays per unit, moves them to the recycle bin and adds to
 * total_scrapped — one statement after the player lock. `onceKey` makes a
 * replayed confirm a no-op (the second press finds it used).
 */
export async function scrapAll(db: Db, playerId: string, rarity: Exclude<Rarity, 'SSR'>, now: Date, onceKey?: string): Promise<ScrapResult> {
  const value = SCRAP_VALUE[rarity];
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    if (onceKey) {
      const once = await tx.query('INSERT INTO action_once (key, player_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [onceKey, playerId, now]);
      if (once.rowCount === 0) return { count: 0, gems: 0, coins: 0, kept: 0 };
    }
    const r = await tx.query<{ n: number; kept: number }>(
      `WITH purge AS (
         DELETE FROM recycle_bin WHERE player_id = $1 AND scrapped_at <= $3::timestamptz - interval '${RECYCLE_HOURS} hours'
       ), gone AS (
         DELETE FROM units u USING characters c
          WHERE c.id = u.character_id AND u.player_id = $1 AND c.rarity = $2 AND NOT u.locked AND NOT ${UNIT_IN_USE_SQL}
         RETURNING u.id, u.character_id, u.dupe_level, u.bond_level, u.bond_xp, u.obtained_at
       ), bin AS (
         INSERT INTO recycle_bin (unit_id, player_id, character_id, dupe_level, bond_level, bond_xp, obtained_at, scrapped_at, gems_paid, coins_paid)
         SELECT id, $1, character_id, dupe_level, bond_level, bond_xp, obtained_at, $3, $4, $5 FROM gone
       ), ${balanceChangeCtes({
         name: 'pay',
         playerId: '$1::text',
         gems: '(SELECT count(*) FROM gone) * $4::bigint',
         coins: '(SELECT count(*) FROM gone) * $5::bigint',
         reason: "'scrap'",
         ref: '$2::text',
         alsoSet: 'total_scrapped = total_scrapped + (SELECT count(*) FROM gone)::int',
       })}
       SELECT (SELECT count(*) FROM gone)::int AS n,
              (SELECT count(*) FROM units u JOIN characters c ON c.id = u.character_id
                WHERE u.player_id = $1 AND c.rarity = $2)::int - (SELECT count(*) FROM gone)::int AS kept
         FROM pay`,
      [playerId, rarity, now, value.gems, value.coins],
    );
    const row = r.rows[0];
    if (!row) throw new Error('scrap: the player row was not updated');
    return { count: row.n, gems: row.n * value.gems, coins: row.n * value.coins, kept: row.kept };
  });
}

/** How many units `scrapAll` would take now (for the `!scrap_sr` confirm). */
export async function scrappableCount(db: Queryable, playerId: string, rarity: Rarity): Promise<{ scrappable: number; kept: number }> {
  const r = await db.query<{ scrappable: number; total: number }>(
    `SELECT count(*) FILTER (WHERE NOT u.locked AND NOT ${UNIT_IN_USE_SQL})::int AS scrappable, count(*)::int AS total
       FROM units u JOIN characters c ON c.id = u.character_id WHERE u.player_id = $1 AND c.rarity = $2`,
    [playerId, rarity],
  );
  const row = r.rows[0] ?? { scrappable: 0, total: 0 };
  return { scrappable: row.scrappable, kept: row.total - row.scrappable };
}

export interface BinEntry {
  unitId: number;
  characterId: number;
  name: string;
  rarity: Rarity;
  dupeLevel: number;
  bondLevel: number;
  gemsPaid: number;
  coinsPaid: number;
  expiresAt: Date;
}

/** The player's recycle bin, newest first (only entries still restorable). */
/** What the recycle bin holds now: how many units, and what restoring all of them would take back. */
export async function recycleBinTotals(db: Queryable, playerId: string, now: Date): Promise<{ count: number; gems: number; coins: number }> {
  const r = await db.query<{ count: number; gems: string; coins: string }>(
    `SELECT count(*)::int AS count, COALESCE(SUM(gems_paid), 0)::bigint AS gems, COALESCE(SUM(coins_paid), 0)::bigint AS coins
       FROM recycle_bin WHERE player_id = $1 AND scrapped_at > $2::timestamptz - interval '${RECYCLE_HOURS} hours'`,
    [playerId, now],
  );
  const row = r.rows[0];
  return { count: row?.count ?? 0, gems: Number(row?.gems ?? 0), coins: Number(row?.coins ?? 0) };
}

/** A page of the recycle bin, newest scrap first. */
export async function recycleBin(db: Queryable, playerId: string, now: Date, limit = 25, offset = 0): Promise<BinEntry[]> {
  const r = await db.query<{
    unit_id: number;
    character_id: number;
    name: string;
    rarity: Rarity;
    dupe_level: number;
    bond_level: number;
    gems_paid: number;
    coins_paid: number;
    scrapped_at: Date;
  }>(
    `SELECT b.unit_id, b.character_id, c.name, c.rarity, b.dupe_level, b.bond_level, b.gems_paid, b.coins_paid, b.scrapped_at
       FROM recycle_bin b JOIN characters c ON c.id = b.character_id
      WHERE b.player_id = $1 AND b.scrapped_at > $2::timestamptz - interval '${RECYCLE_HOURS} hours'
      ORDER BY b.scrapped_at DESC, b.unit_id DESC LIMIT $3 OFFSET $4`,
    [playerId, now, limit, offset],
  );
  return r.rows.map((x) => ({
    unitId: Number(x.unit_id),
    characterId: x.character_id,
    name: x.name,
    rarity: x.rarity,
    dupeLevel: x.dupe_level,
    bondLevel: x.bond_level,
    gemsPaid: Number(x.gems_paid),
    coinsPaid: Number(x.coins_paid),
    expiresAt: new Date(x.scrapped_at.getTime() + RECYCLE_HOURS * 3_600_000),
  }));
}

/**
 * `!restore <id>`: takes the bin entry (a conditional DELETE, so once), takes
 * back what the scrap paid (NotEnoughCurrency if short), and puts the unit
 * back with its old id, dupes and bond. One transaction; refusals change nothing.
 */
export async function restoreUnit(db: Db, playerId: string, unitId: number, now: Date): Promise<{ name: string; gems: number; coins: number }> {
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    const r = await tx.query<{
      unit_id: number;
      character_id: number;
      dupe_level: number;
      bond_level: number;
      bond_xp: number;
      obtained_at: Date;
      gems_paid: number;
      coins_paid: number;
      name: string;
    }>(
      `WITH b AS (
         DELETE FROM recycle_bin WHERE unit_id = $1 AND player_id = $2 AND scrapped_at > $3::timestamptz - interval '${RECYCLE_HOURS} hours'
         RETURNING *
       ) SELECT b.*, c.name FROM b JOIN characters c ON c.id = b.character_id`,
      [unitId, playerId, now],
    );
    const e = r.rows[0];
    if (!e)
      throw new UserError(text`Unit #${unitId} isn't in your recycle bin (scrapped units stay there ${RECYCLE_HOURS} h). ${cmd('restore')} lists what is.`);
    const owned = await tx.query<{ id: number }>('SELECT id FROM units WHERE player_id = $1 AND character_id = $2', [playerId, e.character_id]);
    if (owned.rows[0]) throw new UserError(`You own ${e.name} again (#${owned.rows[0].id}), so #${unitId} can't come back — one unit per character.`);
    await changeBalance(tx, playerId, { gems: -Number(e.gems_paid), coins: -Number(e.coins_paid) }, 'restore', String(unitId));
    await tx.query(
      `INSERT INTO units (id, player_id, character_id, dupe_level, bond_level, bond_xp, locked, obtained_at)
       VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7)`,
      [unitId, playerId, e.character_id, e.dupe_level, e.bond_level, e.bond_xp, e.obtained_at],
    );
    await tx.query('UPDATE players SET total_scrapped = GREATEST(total_scrapped - 1, 0) WHERE id = $1', [playerId]);
    return { name: e.name, gems: Number(e.gems_paid), coins: Number(e.coins_paid) };
  });
}

/** `!use_token <id>`: one SSR Token → +1 dupe on an own SSR unit below dupe 10. One transaction. */
export async function useSsrToken(db: Db, playerId: string, unitId: number): Promise<{ name: string; dupeLevel: number; tokensLeft: number }> {
  const unit = await requireOwnUnit(db, playerId, unitId);
  if (unit.rarity !== 'SSR') throw new UserError(`SSR Tokens only work on SSR units — #${unitId} ${unit.name} is ${unit.rarity}.`);
  if (unit.dupeLevel >= MAX_DUPE) throw new UserError(`#${unitId} ${unit.name} is already at dupe ${MAX_DUPE}.`);
  return db.transaction(async (tx) => {
    const r = await tx.query<{ dupe_level: number }>(
      `UPDATE units u SET dupe_level = u.dupe_level + 1 FROM characters c
        WHERE u.id = $1 AND u.player_id = $2 AND c.id = u.character_id AND c.rarity = 'SSR' AND u.dupe_level < ${MAX_DUPE}
        RETURNING u.dupe_level`,
      [unitId, playerId],
    );
    if (!r.rows[0]) throw new UserError(text`#${unitId} can't take a token right now (it changed meanwhile) — check ${cmd('view', unitId)}.`);
    const left = await changeItems(tx, playerId, 'ssr_token', -1).catch((err: unknown) => {
      if (err instanceof UserError) throw new UserError(text`You have no SSR Token. ${cmd('itemshop')} sells them for coins.`);
      throw err;
    });
    return { name: unit.name, dupeLevel: r.rows[0].dupe_level, tokensLeft: left };
  });
}

/** The counts `!profile` shows: units, soulmates (bond 50) and achievements earned. One query. */
export async function profileCounts(db: Queryable, playerId: string): Promise<{ units: number; soulmates: number; achievements: number }> {
  const r = await db.query<{ units: number; soulmates: number; achievements: number }>(
    `SELECT count(*)::int AS units, count(*) FILTER (WHERE bond_level >= ${MAX_BOND_LEVEL})::int AS soulmates,
            (SELECT count(*) FROM player_achievements WHERE player_id = $1)::int AS achievements
       FROM units WHERE player_id = $1`,
    [playerId],
  );
  return r.rows[0] ?? { units: 0, soulmates: 0, achievements: 0 };
}
