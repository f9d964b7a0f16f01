/**
 * Hunting a bounty (SPEC §11): one key, one battle (§6) of the battle team
 * against five equal enemies, one attempt per slot per board.
 */

import { snapshotOfUnits } from '../battle/snapshot.js';
import { formatDuration, topOfHour } from '../clock.js';
import type { Db, Queryable } from '../db/index.js';
import { changeBalance } from '../economy.js';
import { UserError } from '../errors.js';
import { changeItems, ITEMS, type ItemDef } from '../items.js';
import { type BattleResult, type BattleUnit, runBattle } from '../skills/engine.js';
import { ROYALTY_REWARD_MULTIPLIER } from '../skills/registry.js';
import { requireBattleTeam } from '../teams.js';
import { cmd, text } from '../text.js';
import type { Unit } from '../units.js';
import { type BountySlot, type BountyTier, currentBoard, ENEMIES_PER_BOUNTY, TIER_DEFS } from './board.js';
import { bountyKeys, spendKey } from './keys.js';

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

/**
 * Fights slot `slotIndex` of the board of hour `boardHour` (the board the
 * player picked from; refused if the hour has turned since). The attempt row
 * (primary key per board, slot and player), the key, the rewards and the
 * counters all change in one transaction, so a slot can't be fought twice and
 * a refused hunt changes nothing.
 */
export async function huntBounty(db: Db, input: { playerId: string; boardHour: Date; slotIndex: number; now: Date; seed: number }): Promise<HuntResult> {
  const { playerId, now, seed } = input;
  if (topOfHour(now).getTime() !== input.boardHour.getTime()) {
    throw new UserError(text`That board was replaced at the top of the hour — run ${cmd('hunt')} again for the new one.`);
  }
  return db.transaction(async (tx) => {
    const board = await currentBoard(tx, now);
    const slot = board.slots[input.slotIndex];
    if (!slot) throw new UserError(`There is no bounty slot ${input.slotIndex + 1}.`);
    const team = await requireBattleTeam(tx, playerId);
    const enemies = bountyEnemies(slot);
    const battle = runBattle(snapshotOfUnits(team), enemies, { seed });
    const status = battle.outcome === 'WIN' ? 'COMPLETED' : 'FAILED';

    const ins = await tx.query(
      `INSERT INTO bounty_attempts (board_hour, slot, player_id, status, seed, attempted_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
      [board.hourStart, slot.index, playerId, status, seed, now],
    );
    if (ins.rowCount === 0) throw new UserError(`You already fought bounty slot ${slot.index + 1} on this board. A new board comes at the top of the hour.`);
    const keysLeft = await spendKey(tx, playerId, now);
    if (keysLeft === null) {
      const k = await bountyKeys(tx, playerId, now);
      throw new UserError(noKeysMessage(k.nextKeyAt, now));
    }

    let reward: BountyReward | null = null;
    if (status === 'COMPLETED') {
      reward = bountyReward(slot.tier, battle.royalty.attacker);
      await changeItems(tx, playerId, reward.item.id, 1);
      if (reward.gems || reward.coins) {
        await changeBalance(tx, playerId, { gems: reward.gems, coins: reward.coins }, 'bounty', `${board.hourStart.toISOString()}#${slot.index}`);
      }
      await tx.query(
        `INSERT INTO bounty_kills (player_id, tier, kills) VALUES ($1, $2, 1)
         ON CONFLICT (player_id, tier) DO UPDATE SET kills = bounty_kills.kills + 1`,
        [playerId, slot.tier],
      );
      await tx.query('UPDATE players SET total_bounties = total_bounties + 1 WHERE id = $1', [playerId]);
    }
    return { slot, team, enemies, battle, status, reward, keysLeft };
  });
}
