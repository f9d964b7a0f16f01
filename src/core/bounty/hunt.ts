/**
 * Hunting a bounty (SPEC §11): one key, one battle (§6) of the battle team
 * against five equal enemies, one attempt per slot per board.
 */

import { snapshotOfUnits } from '../battle/snapshot.js';
import { formatDuration, topOfHour } from '../clock.js';
import { StaleRead, withFreshRead } from '../db/fresh.js';
import type { Db, Queryable } from '../db/index.js';
import { balanceChangeCtes } from '../economy.js';
import { UserError } from '../errors.js';
import { ITEMS, type ItemDef } from '../items.js';
import { type BattleResult, type BattleUnit, runBattle } from '../skills/engine.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../skills/registry.js';
import { BATTLE_TEAM_LATERAL, noBattleTeam, requireBattleTeam, teamOfRows } from '../teams.js';
import { cmd, text } from '../text.js';
import type { Unit, UnitRow } from '../units.js';
import { type BountySlot, type BountyTier, boardOf, currentBoard, ENEMIES_PER_BOUNTY, TIER_DEFS } from './board.js';
import { bountyKeys, KEY_SPEND_SET, KEY_SPEND_WHERE, keysAt, MAX_KEYS } from './keys.js';

/** The five enemies of a slot: equal power, no skills. Negative ids never match a skill's partner. */
export function bountyEnemies(slot: Pick<BountySlot, 'tier' | 'power'>): BattleUnit[] {
  const def = TIER_DEFS[slot.tier];
  const each = Math.floor(slot.power / ENEMIES_PER_BOUNTY);
  return Array.from({ length: ENEMIES_PER_BOUNTY }, (_, i) => ({
    name: `${def.enemyName} ${i + 1}`,
    characterId: -(i + 1),
    power: each,
    skills: [],
    rarity: slot.tier,
    imageUrl: null,
  }));
}

export interface BountyReward {
  item: ItemDef;
  gems: number;
  coins: number;
  royalty: boolean;
}

/** What a win of `tier` pays; Royalty on the winning team multiplies gems and coins. */
export function bountyReward(tier: BountyTier, royalty: boolean): BountyReward {
  const def = TIER_DEFS[tier];
  const m = royalty ? ROYALTY_REWARD_MULTIPLIER : 1;
  return { item: ITEMS[def.item], gems: Math.floor(def.gems * m), coins: Math.floor(def.coins * m), royalty };
}

/** Refuses early (before the picker) when the player can't hunt: no battle team or no key. */
export async function checkCanHunt(db: Queryable, playerId: string, now: Date): Promise<{ team: Unit[]; keys: number }> {
  const team = await requireBattleTeam(db, playerId);
  const k = await bountyKeys(db, playerId, now);
  if (k.keys < 1) throw new UserError(noKeysMessage(k.nextKeyAt, now));
  return { team, keys: k.keys };
}

function noKeysMessage(nextKeyAt: Date | null, now: Date): string {
  return `You have no bounty keys left. The next one comes at the top of the hour${nextKeyAt ? ` (in ${formatDuration(nextKeyAt.getTime() - now.getTime())})` : ''}.`;
}

export interface HuntResult {
  slot: BountySlot;
  team: Unit[];
  enemies: BattleUnit[];
  battle: BattleResult;
  status: 'COMPLETED' | 'FAILED';
  reward: BountyReward | null;
  keysLeft: number;
}

interface HuntReadRow {
  slots: unknown;
  battle_team: number[] | null;
  attempted: string | null;
  keys: number | null;
  regen_at: Date | null;
}

/** $1 player, $2 board hour, $3 slot: the board, the team, an earlier attempt at the slot, the keys — one round trip. */
const HUNT_READ_SQL = `
SELECT b.slots, p.battle_team, k.keys, k.regen_at,
       (SELECT status FROM bounty_attempts WHERE board_hour = $2 AND slot = $3 AND player_id = me.id) AS attempted,
       bt.*
  FROM (SELECT $1::text AS id) me
  LEFT JOIN bounty_boards b ON b.hour_start = $2
  LEFT JOIN bounty_keys k ON k.player_id = me.id
  LEFT JOIN players p ON p.id = me.id
  ${BATTLE_TEAM_LATERAL}`;

/**
 * A hunt's write, one statement in a transaction: the attempt row (primary
 * key per board, slot and player), then the key — a new row starts full, so
 * it holds MAX_KEYS - 1 after the spend — and on a win the item, the ledgered
 * reward, the kill count and total_bounties. Re-checks the team that fought
 * ($11). If the attempt went in but no key was left (spent by a concurrent
 * hunt since the read), the caller rolls the transaction back.
 * $1 player, $2 now, $3 top of the hour (KEY_SPEND_SET's parameters),
 * $4 board hour, $5 slot, $6 status, $7 seed, $8 won, $9 item,
 * $10 tier, $11 team, $12 gems, $13 coins, $14 ref.
 */
const HUNT_WRITE_SQL = `
WITH me AS (
  SELECT id FROM players WHERE id = $1 AND battle_team = $11::bigint[]
), attempt AS (
  INSERT INTO bounty_attempts (board_hour, slot, player_id, status, seed, attempted_at)
  SELECT $4, $5, id, $6, $7, $2 FROM me
  ON CONFLICT DO NOTHING RETURNING 1
), key AS (
  INSERT INTO bounty_keys (player_id, keys, regen_at) SELECT $1, ${MAX_KEYS - 1}, $3 FROM attempt
  ON CONFLICT (player_id) DO UPDATE SET ${KEY_SPEND_SET} WHERE ${KEY_SPEND_WHERE}
  RETURNING keys
), ${balanceChangeCtes({
  name: 'pay',
  playerId: '$1',
  gems: '$12',
  coins: '$13',
  reason: "'bounty'",
  ref: '$14::text',
  alsoSet: 'total_bounties = total_bounties + 1',
  alsoWhere: '$8 AND EXISTS (SELECT 1 FROM key)',
})}, item AS (
  INSERT INTO player_items AS pi (player_id, item_id, quantity) SELECT $1, $9, 1 FROM key WHERE $8
  ON CONFLICT (player_id, item_id) DO UPDATE SET quantity = pi.quantity + 1
), kill AS (
  INSERT INTO bounty_kills AS bk (player_id, tier, kills) SELECT $1, $10, 1 FROM key WHERE $8
  ON CONFLICT (player_id, tier) DO UPDATE SET kills = bk.kills + 1
)
SELECT (SELECT count(*) FROM me)::int AS team_ok, (SELECT count(*) FROM attempt)::int AS attempted, (SELECT keys FROM key) AS keys_left`;

/**
 * Fights slot `slotIndex` of the board of hour `boardHour` (the board the
 * player picked from; refused if the hour has turned since). Read (board,
 * team, attempt, keys), fight outside any transaction, then one write
 * statement in a short transaction (HUNT_WRITE_SQL) — four round trips. The
 * attempt row's primary key means a slot is fought once, and a refused hunt
 * changes nothing.
 */
export async function huntBounty(db: Db, input: { playerId: string; boardHour: Date; slotIndex: number; now: Date; seed: number }): Promise<HuntResult> {
  const { playerId, now, seed } = input;
  if (topOfHour(now).getTime() !== input.boardHour.getTime()) {
    throw new UserError(text`That board was replaced at the top of the hour — run ${cmd('hunt')} again for the new one.`);
  }
  const alreadyFought = (index: number) =>
    new UserError(`You already fought bounty slot ${index + 1} on this board. A new board comes at the top of the hour.`);
  return withFreshRead(async () => {
    let read = await db.query<HuntReadRow & Partial<UnitRow> & { team_slot: number | null }>(HUNT_READ_SQL, [playerId, input.boardHour, input.slotIndex]);
    if (read.rows[0]!.slots === null) {
      // Nobody has opened this hour's board yet (the picker does): make it, then read again.
      await currentBoard(db, now);
      read = await db.query(HUNT_READ_SQL, [playerId, input.boardHour, input.slotIndex]);
    }
    const head = read.rows[0]!;
    const board = boardOf(input.boardHour, head.slots);
    const slot = board.slots[input.slotIndex];
    if (!slot) throw new UserError(`There is no bounty slot ${input.slotIndex + 1}.`);
    const team = teamOfRows(read.rows);
    if (team.length === 0) throw noBattleTeam();
    if (head.attempted !== null) throw alreadyFought(slot.index);
    const keys = keysAt(head.keys === null ? null : { keys: head.keys, regenAt: new Date(head.regen_at!) }, now);
    if (keys.keys < 1) throw new UserError(noKeysMessage(keys.nextKeyAt, now));

    const enemies = bountyEnemies(slot);
    const battle = runBattle(snapshotOfUnits(team), enemies, { seed });
    const status = battle.outcome === 'WIN' ? 'COMPLETED' : 'FAILED';
    const reward = status === 'COMPLETED' ? bountyReward(slot.tier, battle.royalty.attacker) : null;

    const w = await db.transaction(async (tx) => {
      const r = await tx.query<{ team_ok: number; attempted: number; keys_left: number | null }>(HUNT_WRITE_SQL, [
        playerId,
        now,
        topOfHour(now),
        board.hourStart,
        slot.index,
        status,
        seed,
        reward !== null,
        TIER_DEFS[slot.tier].item,
        slot.tier,
        head.battle_team,
        reward?.gems ?? 0,
        reward?.coins ?? 0,
        `${board.hourStart.toISOString()}#${slot.index}`,
      ]);
      const row = r.rows[0]!;
      // The attempt went in but the last key was spent since the read: undo the attempt.
      if (row.attempted === 1 && row.keys_left === null) throw new StaleRead('hunt (no key left)');
      return row;
    });
    if (w.team_ok === 0) throw new StaleRead('hunt (team changed)');
    if (w.attempted === 0) throw alreadyFought(slot.index);
    return { slot, team, enemies, battle, status, reward, keysLeft: w.keys_left! };
  });
}
