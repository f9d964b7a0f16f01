/**
 * Gifting bond items to units (SPEC §11): `!gift <id> <item> [amount] ! …`.
 * All quantities are checked before anything changes; units at bond 50 are
 * skipped and keep the items, and a unit that reaches 50 mid-gift keeps the
 * rest (nothing is spent for XP that can't be had).
 */
import type { Db } from '../db/index.js';
import { UserError } from '../errors.js';
import { changeItems, ITEMS, type ItemDef, type ItemId, itemByWord, itemQuantities } from '../items.js';
import { addBondXp, MAX_BOND_LEVEL } from '../progression.js';
import { cmd, text } from '../text.js';

export const MAX_GIFT_AMOUNT = 1_000_000;
export const MAX_GIFTS_PER_COMMAND = 25;

export interface GiftOrder {
  unitId: number;
  item: ItemDef & { bondXp: number };
  amount: number;
}

const USAGE = text`Write it as ${cmd('gift', '<id> <item> [amount]')}, several joined with \`!\` — e.g. ${cmd('gift', '12 small 3 ! 14 med')}. Items: small (s), med (m), large (l), ur.`;

function parseWhole(token: string, what: string, min: number, max: number): number {
  const cleaned = token.replace(/[,_]/g, '').replace(/^#/, '');
  if (!/^\d{1,16}$/.test(cleaned)) throw new UserError(text`The ${what} must be a whole number (got \`${token.slice(0, 30)}\`). ${USAGE}`);
  const v = Number(cleaned);
  if (v < min || v > max)
    throw new UserError(`The ${what} must be from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got \`${token.slice(0, 30)}\`).`);
  return v;
}

/** Parses the gift mini-syntax; every mistake is a UserError naming the fix. */
export function parseGifts(tokens: readonly string[]): GiftOrder[] {
  const groups = tokens
    .join(' ')
    .split('!')
    .map((g) => g.trim().split(/\s+/).filter(Boolean));
  if (groups.every((g) => g.length === 0)) throw new UserError(text`Tell me what to gift. ${USAGE}`);
  if (groups.length > MAX_GIFTS_PER_COMMAND) throw new UserError(`At most ${MAX_GIFTS_PER_COMMAND} gifts in one command.`);
  return groups.map((g, i) => {
    const where = groups.length > 1 ? ` (gift ${i + 1})` : '';
    if (g.length < 2) throw new UserError(text`Each gift needs a unit id and an item${where}. ${USAGE}`);
    if (g.length > 3) throw new UserError(text`Too many words in a gift${where}: \`${g.join(' ').slice(0, 60)}\`. ${USAGE}`);
    const unitId = parseWhole(g[0]!, 'unit id', 1, Number.MAX_SAFE_INTEGER);
    const item = itemByWord(g[1]!);
    if (!item) throw new UserError(`Unknown item \`${g[1]!.slice(0, 30)}\`${where}. Bond items: small (s), med (m), large (l), ur.`);
    if (item.bondXp === undefined) throw new UserError(`${item.name} isn't a bond item — only bond items can be gifted.`);
    const amount = g[2] === undefined ? 1 : parseWhole(g[2], 'amount', 1, MAX_GIFT_AMOUNT);
    return { unitId, item: item as GiftOrder['item'], amount };
  });
}

export interface GiftOutcome {
  unitId: number;
  name: string;
  levelBefore: number;
  level: number;
  xp: number;
  /** Items of each kind given to this unit. */
  used: Partial<Record<ItemId, number>>;
  /** Items the unit didn't need (at bond 50), kept by the player. */
  kept: Partial<Record<ItemId, number>>;
  /** Already at bond 50 before the gift. */
  skipped: boolean;
}

/**
 * Gives the items: units are locked and checked to be the player's, the
 * total asked for per item checked against what the player holds (all or
 * nothing), the XP applied in memory, then the items used taken by
 * conditional updates and units written — all in one transaction.
 */
export async function giveGifts(db: Db, playerId: string, orders: readonly GiftOrder[]): Promise<GiftOutcome[]> {
  return db.transaction(async (tx) => {
    const ids = [...new Set(orders.map((o) => o.unitId))];
    const r = await tx.query<{ id: number; player_id: string; bond_level: number; bond_xp: number; name: string }>(
      `SELECT u.id, u.player_id, u.bond_level, u.bond_xp, c.name
         FROM units u JOIN characters c ON c.id = u.character_id
        WHERE u.id = ANY($1::bigint[]) ORDER BY u.id FOR UPDATE OF u`,
      [ids],
    );
    const rows = new Map(r.rows.map((x) => [Number(x.id), x]));
    const notMine = ids.filter((id) => rows.get(id)?.player_id !== playerId);
    if (notMine.length) {
      throw new UserError(
        text`${notMine.length === 1 ? `Unit #${notMine[0]} isn't` : `Units ${notMine.map((id) => `#${id}`).join(', ')} aren't`} yours — check ${cmd('inventory')} for your ids. Nothing was gifted.`,
      );
    }

    // SPEC §11: every quantity asked for must be held before anything else,
    // soulmates included (they are skipped and keep the items afterwards).
    const asked: Partial<Record<ItemId, number>> = {};
    for (const o of orders) asked[o.item.id] = (asked[o.item.id] ?? 0) + o.amount;
    const have = await itemQuantities(tx, playerId);
    const short = (Object.entries(asked) as Array<[ItemId, number]>).filter(([id, n]) => have[id] < n);
    if (short.length) {
      throw new UserError(
        text`Not enough items: ${short.map(([id, n]) => `${n.toLocaleString('en-US')} × ${ITEMS[id].emoji} ${ITEMS[id].name} needed, you have ${have[id].toLocaleString('en-US')}`).join('; ')}. Nothing was gifted — win bounties (${cmd('hunt')}) for more.`,
      );
    }

    const outcomes = new Map<number, GiftOutcome>();
    const need: Partial<Record<ItemId, number>> = {};
    for (const o of orders) {
      const row = rows.get(o.unitId)!;
      let out = outcomes.get(o.unitId);
      if (!out) {
        out = {
          unitId: o.unitId,
          name: row.name,
          levelBefore: row.bond_level,
          level: row.bond_level,
          xp: row.bond_xp,
          used: {},
          kept: {},
          skipped: row.bond_level >= MAX_BOND_LEVEL,
        };
        outcomes.set(o.unitId, out);
      }
      let given = 0;
      while (given < o.amount && out.level < MAX_BOND_LEVEL) {
        const next = addBondXp(out.level, out.xp, o.item.bondXp);
        out.level = next.level;
        out.xp = next.xp;
        given++;
      }
      if (given > 0) {
        out.used[o.item.id] = (out.used[o.item.id] ?? 0) + given;
        need[o.item.id] = (need[o.item.id] ?? 0) + given;
      }
      if (given < o.amount) out.kept[o.item.id] = (out.kept[o.item.id] ?? 0) + (o.amount - given);
    }

    // Conditional takes: a concurrent gift that emptied the bag makes this throw and roll back.
    for (const [id, n] of Object.entries(need) as Array<[ItemId, number]>) await changeItems(tx, playerId, id, -n);

    const changed = [...outcomes.values()].filter((o) => o.level !== o.levelBefore || o.xp !== rows.get(o.unitId)!.bond_xp);
    if (changed.length) {
      await tx.query(
        `UPDATE units u SET bond_level = v.level, bond_xp = v.xp
           FROM unnest($1::bigint[], $2::int[], $3::int[]) AS v (id, level, xp)
          WHERE u.id = v.id AND u.player_id = $4`,
        [changed.map((o) => o.unitId), changed.map((o) => o.level), changed.map((o) => o.xp), playerId],
      );
    }
    return [...outcomes.values()];
  });
}
