/**
 * NPC teams by rule (SPEC §7). An NPC unit of rarity X gets a rank drawn
 * uniformly in a range, favourites `floor(600000 / sqrt(rank))` and base power
 * by §1; its difficulty gives it a dupe level (§7 Fix: each difficulty's average
 * total at least 10% above the one before — expert was no stronger than hard),
 * and it has no skills, bond or team level, so its effective power is
 * `floor(base × (1 + 0.05 × dupe))`. Pure: the same difficulty and RNG state
 * give the same team.
 */
import { basePower, effectivePower, npcFavourites, type Rarity } from '../power.js';
import type { Rng } from '../rng.js';
import type { SnapshotUnit } from './snapshot.js';

export const DIFFICULTIES = ['easy', 'normal', 'hard', 'expert', 'nightmare', 'hell'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export function isDifficulty(word: string): word is Difficulty {
  return (DIFFICULTIES as readonly string[]).includes(word);
}

/** One slot of an NPC line-up: rarity, the inclusive rank range its rank is drawn from, and its dupe level. */
export interface NpcSlotRule {
  rarity: Rarity;
  ranks: readonly [number, number];
  dupeLevel: number;
}

const R = { rarity: 'R', ranks: [1501, 10000] } as const;
const SR = { rarity: 'SR', ranks: [251, 1500] } as const;
const SSR = { rarity: 'SSR', ranks: [1, 250] } as const;
const SSR_TOP = { rarity: 'SSR', ranks: [1, 50] } as const;

/**
 * Dupe level of every NPC unit per difficulty. The line-ups alone averaged
 * easy 29.2k, normal 36.5k, hard 47.5k, expert 47.5k, nightmare 52.9k, hell
 * 57.8k; with these dupes expert is 54.6k (+15% over hard), nightmare 63.5k
 * (+16%) and hell 72.2k (+14%). test/unit/battle/npc.test.ts pins the averages.
 */
export const NPC_DUPES: Readonly<Record<Difficulty, number>> = { easy: 0, normal: 0, hard: 0, expert: 3, nightmare: 4, hell: 5 };

function lineup(difficulty: Difficulty, slots: readonly { rarity: Rarity; ranks: readonly [number, number] }[]): NpcSlotRule[] {
  return slots.map((s) => ({ ...s, dupeLevel: NPC_DUPES[difficulty] }));
}

/** Line-ups in slot order, strongest first (SPEC §7). */
export const NPC_LINEUPS: Readonly<Record<Difficulty, readonly NpcSlotRule[]>> = {
  easy: lineup('easy', [R, R, R, R, R]),
  normal: lineup('normal', [SR, SR, R, R, R]),
  hard: lineup('hard', [SR, SR, SR, SR, SR]),
  expert: lineup('expert', [SSR, SSR, SR, SR, R]),
  nightmare: lineup('nightmare', [SSR, SSR, SSR, SR, SR]),
  hell: lineup('hell', [SSR_TOP, SSR_TOP, SSR, SSR, SSR]),
};

/** Who you fight: a team name and a unit name per slot. */
const NPC_NAMES: Readonly<Record<Difficulty, { team: string; units: readonly string[] }>> = {
  easy: { team: 'Meadow Slimes', units: ['Big Slime', 'Green Slime', 'Blue Slime', 'Puddle Slime', 'Tiny Slime'] },
  normal: { team: 'Roadside Bandits', units: ['Bandit Chief', 'Bandit Archer', 'Bandit', 'Bandit', 'Bandit Lookout'] },
  hard: { team: 'Order of the Iron Rose', units: ['Knight Commander', 'Rose Knight', 'Rose Knight', 'Squire-at-Arms', 'Battle Cleric'] },
  expert: { team: 'Guild Champions', units: ['Champion Swordmaster', 'Champion Archmage', 'Veteran Ranger', 'Veteran Lancer', 'Guild Recruit'] },
  nightmare: { team: 'Nightmare Legion', units: ['Dread Sovereign', 'Wraith Queen', 'Night Reaper', 'Bone Colossus', 'Shadow Hound'] },
  hell: { team: 'Lords of the Abyss', units: ['Abyssal Emperor', 'Queen of Cinders', 'Hellfire Duke', 'Chain Warden', 'Pit Marquis'] },
};

/** The no-argument opponent: normal strength, friendlier name. */
const TRAINING_DUMMY = { team: 'Training Dummy', units: ['Training Dummy 1', 'Training Dummy 2', 'Training Dummy 3', 'Training Dummy 4', 'Training Dummy 5'] };

export interface NpcTeam {
  difficulty: Difficulty;
  name: string;
  units: SnapshotUnit[];
  /** The rank each unit was drawn at (slot order). */
  ranks: number[];
}

/** Base power of an NPC unit of `rarity` at `rank` (§1 with §7's favourites). */
export function npcPower(rarity: Rarity, rank: number): number {
  return basePower(npcFavourites(rank), rarity);
}

/** Effective power of an NPC unit: its base power at its dupe level (no bond, no team level). */
export function npcUnitPower(rule: Pick<NpcSlotRule, 'rarity' | 'dupeLevel'>, rank: number): number {
  return effectivePower(npcPower(rule.rarity, rank), { dupeLevel: rule.dupeLevel, teamLevel: 0, bondLevel: 0 });
}

/** Lowest and highest power a slot rule can produce (power falls as rank grows). */
export function npcPowerRange(rule: NpcSlotRule): [number, number] {
  return [npcUnitPower(rule, rule.ranks[1]), npcUnitPower(rule, rule.ranks[0])];
}

/** Team total range for a difficulty. */
export function npcTotalRange(difficulty: Difficulty): [number, number] {
  return NPC_LINEUPS[difficulty].reduce<[number, number]>(
    ([lo, hi], rule) => {
      const [a, b] = npcPowerRange(rule);
      return [lo + a, hi + b];
    },
    [0, 0],
  );
}

/**
 * Draws an NPC team. `trainingDummy` names it "Training Dummy" (the
 * no-argument `!battle`; only meaningful with `normal`). NPC units get
 * negative character ids (−rank) so they never match a skill's partner
 * character, and no art (the images draw a portrait).
 */
export function npcTeam(difficulty: Difficulty, rng: Rng, opts: { trainingDummy?: boolean } = {}): NpcTeam {
  const names = opts.trainingDummy ? TRAINING_DUMMY : NPC_NAMES[difficulty];
  const ranks: number[] = [];
  const units = NPC_LINEUPS[difficulty].map((rule, slot): SnapshotUnit => {
    const rank = rng.int(rule.ranks[0], rule.ranks[1]);
    ranks.push(rank);
    return {
      name: names.units[slot] ?? `${names.team} ${slot + 1}`,
      characterId: -rank,
      power: npcUnitPower(rule, rank),
      skills: [],
      rarity: rule.rarity,
      imageUrl: null,
      unitId: null,
      dupeLevel: rule.dupeLevel,
    };
  });
  return { difficulty, name: names.team, units, ranks };
}
