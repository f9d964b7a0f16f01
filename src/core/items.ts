import type { Queryable } from './db/index.js';
import { UserError } from './errors.js';

/** Items players hold (SPEC §4, §11). Bond items give bond XP when gifted. */
export interface ItemDef {
  id: ItemId;
  name: string;
  emoji: string;
  /** Bond XP a gift of one gives (bond items only). */
  bondXp?: number;
  /** Words players may type for it in `!gift`. */
  words: string[];
}

export type ItemId = 'ssr_token' | 'bond_small' | 'bond_med' | 'bond_large' | 'bond_ur';

export const ITEMS: Readonly<Record<ItemId, ItemDef>> = {
  ssr_token: { id: 'ssr_token', name: 'SSR Token', emoji: '🎫', words: ['token', 'ssr_token'] },
  bond_small: { id: 'bond_small', name: 'Faint Tincture', emoji: '🧪', bondXp: 10, words: ['small', 's', 'bond_small'] },
  bond_med: { id: 'bond_med', name: 'Vital Draught', emoji: '⚗️', bondXp: 50, words: ['med', 'm', 'bond_med'] },
  bond_large: { id: 'bond_large', name: 'Heart Elixir', emoji: '💖', bondXp: 250, words: ['large', 'l', 'bond_large'] },
  bond_ur: { id: 'bond_ur', name: 'Essence of Devotion', emoji: '💠', bondXp: 2500, words: ['ur', 'bond_ur'] },
};

export function itemByWord(word: string): ItemDef | undefined {
  const w = word.toLowerCase();
  return Object.values(ITEMS).find((i) => i.words.includes(w));
}

export async function itemQuantities(db: Queryable, playerId: string): Promise<Record<ItemId, number>> {
  const r = await db.query<{ item_id: ItemId; quantity: number }>('SELECT item_id, quantity FROM player_items WHERE player_id = $1', [playerId]);
  const out = Object.fromEntries(Object.keys(ITEMS).map((k) => [k, 0])) as Record<ItemId, number>;
  for (const row of r.rows) out[row.item_id] = row.quantity;
  return out;
}

/** Adds (or with a negative amount, takes) items; taking more than held throws a UserError and changes nothing. */
export async function changeItems(db: Queryable, playerId: string, itemId: ItemId, delta: number): Promise<number> {
  if (!Number.isSafeInteger(delta)) throw new RangeError('item delta must be an integer');
  if (delta >= 0) {
    const r = await db.query<{ quantity: number }>(
      `INSERT INTO player_items (player_id, item_id, quantity) VALUES ($1, $2, $3)
       ON CONFLICT (player_id, item_id) DO UPDATE SET quantity = player_items.quantity + EXCLUDED.quantity
       RETURNING quantity`,
      [playerId, itemId, delta],
    );
    return r.rows[0]!.quantity;
  }
  const r = await db.query<{ quantity: number }>(
    `UPDATE player_items SET quantity = quantity + $3 WHERE player_id = $1 AND item_id = $2 AND quantity + $3 >= 0 RETURNING quantity`,
    [playerId, itemId, delta],
  );
  if (!r.rows[0]) throw new UserError(`You don't have ${-delta} × ${ITEMS[itemId].name}.`);
  return r.rows[0].quantity;
}
