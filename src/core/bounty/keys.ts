/**
 * Bounty keys (SPEC §11): at most 3; one more per full hour since the last
 * regeneration point, which is always a top of the hour. Spending a key while
 * at 3 restarts the timer at the current hour, so idling never banks a key.
 */

import { topOfHour } from '../clock.js';
import type { Queryable } from '../db/index.js';

export const MAX_KEYS = 3;
const HOUR_MS = 3_600_000;

export interface KeyState {
  keys: number;
  /** When the next key arrives; null at the maximum. */
  nextKeyAt: Date | null;
}

/** Keys at `now` from the stored count and regeneration point (no row: a full set). */
export function keysAt(stored: { keys: number; regenAt: Date } | null, now: Date): KeyState {
  if (!stored) return { keys: MAX_KEYS, nextKeyAt: null };
  const gained = Math.max(0, Math.floor((now.getTime() - stored.regenAt.getTime()) / HOUR_MS));
  const keys = Math.min(MAX_KEYS, stored.keys + gained);
  return { keys, nextKeyAt: keys >= MAX_KEYS ? null : new Date(stored.regenAt.getTime() + (gained + 1) * HOUR_MS) };
}

export async function bountyKeys(db: Queryable, playerId: string, now: Date): Promise<KeyState> {
  const r = await db.query<{ keys: number; regen_at: Date }>('SELECT keys, regen_at FROM bounty_keys WHERE player_id = $1', [playerId]);
  const row = r.rows[0];
  return keysAt(row ? { keys: row.keys, regenAt: new Date(row.regen_at) } : null, now);
}

// Full hours since the regeneration point, on the row's own (locked) values; $2 = now. Columns
// are qualified: in an upsert's DO UPDATE a bare name could also mean the EXCLUDED row's.
const GAINED = `GREATEST(0, floor(extract(epoch FROM ($2::timestamptz - bounty_keys.regen_at)) / 3600))::int`;

/**
 * A key spend as SQL on a bounty_keys row (also as the SET and WHERE of an
 * upsert's DO UPDATE): $2 = now, $3 = the top of the current hour. Keys
 * regenerate and one is spent in one conditional update on the row's current
 * values, so concurrent hunts can't spend a key twice.
 */
export const KEY_SPEND_SET = `keys = LEAST(${MAX_KEYS}, bounty_keys.keys + ${GAINED}) - 1,
            regen_at = CASE WHEN bounty_keys.keys + ${GAINED} >= ${MAX_KEYS} THEN $3::timestamptz
                            ELSE bounty_keys.regen_at + ${GAINED} * interval '1 hour' END`;
export const KEY_SPEND_WHERE = `LEAST(${MAX_KEYS}, bounty_keys.keys + ${GAINED}) >= 1`;

/** Spends one key. Returns the keys left, or null when there were none. */
export async function spendKey(db: Queryable, playerId: string, now: Date): Promise<number | null> {
  const hour = topOfHour(now);
  await db.query(`INSERT INTO bounty_keys (player_id, keys, regen_at) VALUES ($1, $2, $3) ON CONFLICT (player_id) DO NOTHING`, [playerId, MAX_KEYS, hour]);
  const r = await db.query<{ keys: number }>(`UPDATE bounty_keys SET ${KEY_SPEND_SET} WHERE player_id = $1 AND ${KEY_SPEND_WHERE} RETURNING keys`, [
    playerId,
    now,
    hour,
  ]);
  return r.rows[0]?.keys ?? null;
}
