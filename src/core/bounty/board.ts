/**
 * The shared bounty board (SPEC §11): three slots, replaced at the top of
 * every UTC hour. A board is created on first access by INSERT … ON CONFLICT
 * DO NOTHING keyed by the hour, so however many processes race, one board
 * exists per hour and everyone reads that one.
 */

import { topOfHour } from '../clock.js';
import type { Queryable } from '../db/index.js';
import type { ItemId } from '../items.js';
import { Rng } from '../rng.js';

export type BountyTier = 'R' | 'SR' | 'SSR' | 'UR';
export const BOUNTY_TIERS: readonly BountyTier[] = ['R', 'SR', 'SSR', 'UR'];
export const BOARD_SLOTS = 3;
export const ENEMIES_PER_BOUNTY = 5;
export const UR_CHANCE = 0.01;
const HOUR_MS = 3_600_000;
/** Boards (and their attempts) older than this are pruned when a new one is made. */
const KEEP_BOARDS_MS = 48 * HOUR_MS;

export interface TierDef {
  tier: BountyTier;
  /** Team total power range, inclusive. */
  minPower: number;
  maxPower: number;
  /** Reward on a win. */
  item: ItemId;
  gems: number;
  coins: number;
  /** Names of the five enemies. */
  enemyName: string;
}

export const TIER_DEFS: Readonly<Record<BountyTier, TierDef>> = {
  R: { tier: 'R', minPower: 30_000, maxPower: 35_000, item: 'bond_small', gems: 0, coins: 0, enemyName: 'Bandit' },
  SR: { tier: 'SR', minPower: 50_000, maxPower: 55_000, item: 'bond_med', gems: 0, coins: 0, enemyName: 'Rogue Knight' },
  SSR: { tier: 'SSR', minPower: 75_000, maxPower: 80_000, item: 'bond_large', gems: 0, coins: 0, enemyName: 'Warlord' },
  UR: { tier: 'UR', minPower: 90_000, maxPower: 90_000, item: 'bond_ur', gems: 5_000, coins: 50, enemyName: 'Fallen Star' },
};

export interface BountySlot {
  /** 0-based slot index. */
  index: number;
  tier: BountyTier;
  /** Team total power (five enemies of power / 5 each). */
  power: number;
}

export interface BountyBoard {
  hourStart: Date;
  resetsAt: Date;
  slots: BountySlot[];
}

/**
 * A board's content from a seeded Rng: each slot is UR with 1% chance, else
 * R, SR or SSR uniformly, with a total power drawn uniformly from the tier's
 * range in steps of 5 (so the five enemies are exactly equal).
 */
export function generateSlots(rng: Rng): BountySlot[] {
  const slots: BountySlot[] = [];
  for (let i = 0; i < BOARD_SLOTS; i++) {
    const tier: BountyTier = rng.chance(UR_CHANCE) ? 'UR' : rng.pick(['R', 'SR', 'SSR'] as const);
    const def = TIER_DEFS[tier];
    const each = rng.int(def.minPower / ENEMIES_PER_BOUNTY, def.maxPower / ENEMIES_PER_BOUNTY);
    slots.push({ index: i, tier, power: each * ENEMIES_PER_BOUNTY });
  }
  return slots;
}

/** The seed of an hour's board: the same for every process. */
export function boardRng(hourStart: Date): Rng {
  return Rng.fromString(`bounty-board:${hourStart.toISOString()}`);
}

/** A stored board of the hour starting at `hourStart`. */
export function boardOf(hourStart: Date, slots: unknown): BountyBoard {
  return { hourStart, resetsAt: new Date(hourStart.getTime() + HOUR_MS), slots: toSlots(slots) };
}

function toSlots(raw: unknown): BountySlot[] {
  const arr = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ tier: BountyTier; power: number }>;
  return arr.map((s, index) => ({ index, tier: s.tier, power: Number(s.power) }));
}

/**
 * The board of the hour containing `now`, created on first access. `rng`
 * overrides the hour's seed (tests use it to prove only one board wins a race).
 */
export async function currentBoard(db: Queryable, now: Date, rng?: Rng): Promise<BountyBoard> {
  const hourStart = topOfHour(now);
  const resetsAt = new Date(hourStart.getTime() + HOUR_MS);
  const found = await db.query<{ slots: unknown }>('SELECT slots FROM bounty_boards WHERE hour_start = $1', [hourStart]);
  if (found.rows[0]) return { hourStart, resetsAt, slots: toSlots(found.rows[0].slots) };

  const slots = generateSlots(rng ?? boardRng(hourStart));
  const ins = await db.query<{ slots: unknown }>(
    `INSERT INTO bounty_boards (hour_start, slots, created_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (hour_start) DO NOTHING RETURNING slots`,
    [hourStart, JSON.stringify(slots.map(({ tier, power }) => ({ tier, power }))), now],
  );
  if (ins.rows[0]) {
    await db.query('DELETE FROM bounty_boards WHERE hour_start < $1', [new Date(hourStart.getTime() - KEEP_BOARDS_MS)]);
    return { hourStart, resetsAt, slots: toSlots(ins.rows[0].slots) };
  }
  // Another process made this hour's board between our read and our insert: use theirs.
  const again = await db.query<{ slots: unknown }>('SELECT slots FROM bounty_boards WHERE hour_start = $1', [hourStart]);
  if (!again.rows[0]) throw new Error(`bounty board for ${hourStart.toISOString()} vanished`);
  return { hourStart, resetsAt, slots: toSlots(again.rows[0].slots) };
}

export type SlotStatus = 'AVAILABLE' | 'COMPLETED' | 'FAILED';

/** A player's status for each slot of a board. */
export async function slotStatuses(db: Queryable, playerId: string, hourStart: Date): Promise<SlotStatus[]> {
  const r = await db.query<{ slot: number; status: 'COMPLETED' | 'FAILED' }>(
    'SELECT slot, status FROM bounty_attempts WHERE board_hour = $1 AND player_id = $2',
    [hourStart, playerId],
  );
  const out: SlotStatus[] = Array.from({ length: BOARD_SLOTS }, () => 'AVAILABLE');
  for (const row of r.rows) if (row.slot >= 0 && row.slot < BOARD_SLOTS) out[row.slot] = row.status;
  return out;
}
