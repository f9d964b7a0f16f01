/**
 * Shops (SPEC §10). The character shop's rotation is the same for everyone
 * on a UTC day: drawn with an Rng seeded from the day (2 SSR + 3 SR + 5 R,
 * distinct ranks from each band). Prices: R 1,000, SR 20,000, SSR 100,000
 * gems; a rate-up character of the running banner costs ×1.2; team level ≥ 30
 * takes 25% off. The price is computed again at purchase time from the same
 * rules, so a menu left open across midnight can't buy yesterday's stock.
 */

import { type Character, charactersByRanks } from './catalog/index.js';
import { utcDay } from './clock.js';
import type { Db, Queryable } from './db/index.js';
import { changeBalance } from './economy.js';
import { UserError } from './errors.js';
import { activeBanner } from './gacha/banner.js';
import { grantCharacter } from './gacha/pull.js';
import { changeItems } from './items.js';
import { lockPlayer } from './players.js';
import { RANK_BANDS, type Rarity } from './power.js';
import { Rng } from './rng.js';
import { cmd, text } from './text.js';

export const SHOP_PRICES: Readonly<Record<Rarity, number>> = { R: 1_000, SR: 20_000, SSR: 100_000 };
export const SHOP_SLOTS: ReadonlyArray<readonly [Rarity, number]> = [
  ['SSR', 2],
  ['SR', 3],
  ['R', 5],
];
export const RATE_UP_MARKUP = 1.2;
export const DISCOUNT_TEAM_LEVEL = 30;
export const TEAM_DISCOUNT = 0.25;
export const SSR_TOKEN_PRICE_COINS = 2_000;

/** Today's ranks, in display order (SSR first). Pure: the same day gives the same ranks. */
export function rotationRanks(day: string): number[] {
  const rng = Rng.fromString(`stardust-shop:${day}`);
  const ranks: number[] = [];
  for (const [tier, count] of SHOP_SLOTS) {
    const [lo, hi] = RANK_BANDS[tier];
    const picked = new Set<number>();
    while (picked.size < count) picked.add(rng.int(lo, hi));
    ranks.push(...picked);
  }
  return ranks;
}

export function shopPrice(rarity: Rarity, opts: { rateUp: boolean; teamLevel: number }): number {
  let price = SHOP_PRICES[rarity];
  if (opts.rateUp) price *= RATE_UP_MARKUP;
  if (opts.teamLevel >= DISCOUNT_TEAM_LEVEL) price *= 1 - TEAM_DISCOUNT;
  return Math.round(price);
}

export interface ShopOffer {
  character: Character;
  price: number;
  rateUp: boolean;
  /** The player's dupe level of it, or null when not owned. */
  owned: number | null;
}

export interface ShopRotation {
  day: string;
  offers: ShopOffer[];
  teamLevel: number;
  discounted: boolean;
}

export async function shopRotation(db: Queryable, playerId: string, now: Date): Promise<ShopRotation> {
  const day = utcDay(now);
  const ranks = rotationRanks(day);
  const byRank = await charactersByRanks(db, ranks);
  const banner = await activeBanner(db, now);
  const rateUps = new Set(banner?.rateUpIds ?? []);
  const p = await db.query<{ team_level: number }>('SELECT team_level FROM players WHERE id = $1', [playerId]);
  const teamLevel = p.rows[0]?.team_level ?? 1;
  const chars = ranks.map((r) => byRank.get(r)).filter((c): c is Character => !!c);
  const owned = await db.query<{ character_id: number; dupe_level: number }>(
    'SELECT character_id, dupe_level FROM units WHERE player_id = $1 AND character_id = ANY($2::int[])',
    [playerId, chars.map((c) => c.id)],
  );
  const dupes = new Map(owned.rows.map((o) => [o.character_id, o.dupe_level]));
  return {
    day,
    teamLevel,
    discounted: teamLevel >= DISCOUNT_TEAM_LEVEL,
    offers: chars.map((c) => ({
      character: c,
      rateUp: rateUps.has(c.id),
      price: shopPrice(c.rarity, { rateUp: rateUps.has(c.id), teamLevel }),
      owned: dupes.get(c.id) ?? null,
    })),
  };
}

/**
 * Buys one of today's offers: payment and unit change in one transaction (a
 * new unit or +1 dupe; refused at dupe 10 with nothing paid). `onceKey` makes
 * a replayed menu press buy nothing. `expectedPrice` is the price the player
 * confirmed: if the price is different now (a banner started, midnight
 * passed), nothing is bought.
 */
export async function buyFromShop(
  db: Db,
  playerId: string,
  characterId: number,
  now: Date,
  onceKey?: string,
  expectedPrice?: number,
): Promise<{ name: string; price: number; unitId: number; dupeLevel: number; created: boolean; gems: number }> {
  const rotation = await shopRotation(db, playerId, now);
  const offer = rotation.offers.find((o) => o.character.id === characterId);
  if (!offer) throw new UserError(text`That character isn't in today's shop any more — the shop changes at 00:00 UTC. Run ${cmd('shop')} again.`);
  if (expectedPrice !== undefined && offer.price !== expectedPrice) {
    throw new UserError(
      text`The price of ${offer.character.name} changed to ${offer.price.toLocaleString('en-US')} gems since you chose it — nothing was bought. Run ${cmd('shop')} again.`,
    );
  }
  return db.transaction(async (tx) => {
    await lockPlayer(tx, playerId);
    if (onceKey) {
      const once = await tx.query('INSERT INTO action_once (key, player_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [onceKey, playerId, now]);
      if (once.rowCount === 0) throw new UserError('That purchase was already made.');
    }
    const b = await changeBalance(tx, playerId, { gems: -offer.price }, 'shop', String(characterId));
    const g = await grantCharacter(tx, playerId, characterId, now).catch((err: unknown) => {
      if (err instanceof UserError) throw new UserError(`You already have ${offer.character.name} at dupe 10 — nothing was bought.`);
      throw err;
    });
    return { name: offer.character.name, price: offer.price, ...g, gems: b.gems };
  });
}

/** `!buy_token`: one SSR Token for 2,000 coins, in one transaction. */
export async function buySsrToken(db: Db, playerId: string, now: Date, onceKey?: string): Promise<{ tokens: number; coins: number }> {
  return db.transaction(async (tx) => {
    if (onceKey) {
      const once = await tx.query('INSERT INTO action_once (key, player_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [onceKey, playerId, now]);
      if (once.rowCount === 0) throw new UserError('That purchase was already made.');
    }
    const b = await changeBalance(tx, playerId, { coins: -SSR_TOKEN_PRICE_COINS }, 'ssr-token');
    const tokens = await changeItems(tx, playerId, 'ssr_token', 1);
    return { tokens, coins: b.coins };
  });
}
