/**
 * The raid bosses (SPEC §13), as data: adding a boss is adding an entry here.
 * Every number players see about a boss (HP, phase thresholds, mechanics,
 * rewards) comes from this file; the descriptions are generated from the
 * values so the text can't disagree with the rules. docs/guide-raids.md
 * documents the same numbers.
 */
import type { ItemId } from '../items.js';
import type { BattleUnit } from '../skills/engine.js';

export interface PhaseMechanics {
  /** The boss silences one random battle skill of each attacking unit (removed before the battle). */
  suppressOneSkill: boolean;
  /** Multiplier on the damage the boss takes (0.8 = takes 20% less). */
  damageTaken: number;
  /** Attackers' variance range instead of the engine's [0.9, 1.1] (enrage). */
  attackerVariance: readonly [number, number] | null;
}

export interface RaidPhase {
  /** 1, 2, 3… */
  number: number;
  name: string;
  /** The phase holds while HP ≤ this percent of max HP (phase 1: 100). Integer percent. */
  atOrBelowPercent: number;
  mechanics: PhaseMechanics;
  /** The boss side in the battle engine for this phase. */
  defenders: readonly BattleUnit[];
  flavour: string;
}

export type ItemBundle = Partial<Record<ItemId, number>>;

export interface RewardBundle {
  gems: number;
  items: ItemBundle;
}

export interface RaidRewards {
  /** Gems shared among eligible participants by share of damage. */
  gemsPool: number;
  /** Items shared the same way (largest remainder). */
  itemsPool: ItemBundle;
  /** Most damage dealt. */
  mvp: RewardBundle;
  /** The hit that brought HP to 0 (defeated raids only). */
  lastHit: RewardBundle;
  /** For participants under `leechPercent` of the damage, instead of a share. */
  consolation: RewardBundle;
  /** Pools and the MVP bonus are multiplied by this when time runs out (or an owner stops the raid). */
  timeoutFactor: number;
  /** Share of total damage (percent) needed for a share of the pools. */
  leechPercent: number;
}

export interface RaidBoss {
  key: string;
  name: string;
  /** The boss unit's character id in battles (not a catalog character); seeds a placeholder portrait if its art can't be had. */
  artId: number;
  /**
   * The boss's portrait: `drawn:boss/<key>` for the portraits drawn in code
   * (src/core/images/boss-art.ts), or an http(s) URL of an image.
   */
  artUrl: string | null;
  maxHp: number;
  durationHours: number;
  lore: string;
  phases: readonly RaidPhase[];
  rewards: RaidRewards;
}

/** Phase thresholds every boss uses today (SPEC §13): phase 2 at ≤ 60% HP, phase 3 at ≤ 25%. */
export const PHASE2_PERCENT = 60;
export const PHASE3_PERCENT = 25;

function unit(name: string, power: number, skills: string[] = [], rarity: BattleUnit['rarity'] = 'SR', characterId = 0): BattleUnit {
  return { name, characterId, power, skills, rarity, imageUrl: null };
}

function standardPhases(o: {
  boss: string;
  artId: number;
  artUrl: string | null;
  bossPower: number;
  minion: string;
  minionPower: number;
  names: [string, string, string];
  flavour: [string, string, string];
  skills: [string[], string[], string[]];
}): RaidPhase[] {
  const side = (i: 0 | 1 | 2): BattleUnit[] => [
    // The boss's card in a battle shows its portrait.
    { ...unit(o.boss, Math.round(o.bossPower * (1 + 0.15 * i)), o.skills[i], 'UR', o.artId), imageUrl: o.artUrl },
    unit(o.minion, o.minionPower),
    unit(o.minion, o.minionPower),
  ];
  return [
    {
      number: 1,
      name: o.names[0],
      atOrBelowPercent: 100,
      mechanics: { suppressOneSkill: false, damageTaken: 1, attackerVariance: null },
      defenders: side(0),
      flavour: o.flavour[0],
    },
    {
      number: 2,
      name: o.names[1],
      atOrBelowPercent: PHASE2_PERCENT,
      mechanics: { suppressOneSkill: true, damageTaken: 0.8, attackerVariance: null },
      defenders: side(1),
      flavour: o.flavour[1],
    },
    {
      number: 3,
      name: o.names[2],
      atOrBelowPercent: PHASE3_PERCENT,
      mechanics: { suppressOneSkill: false, damageTaken: 1, attackerVariance: [0.7, 1.3] },
      defenders: side(2),
      flavour: o.flavour[2],
    },
  ];
}

const bosses: RaidBoss[] = [
  {
    key: 'gloomfang',
    name: 'Gloomfang, the Hollow Wolf',
    artId: 8_880_001,
    artUrl: 'drawn:boss/gloomfang',
    maxHp: 600_000,
    durationHours: 24,
    lore: 'A wolf made of the dark between stars. It hunts whole servers at once.',
    phases: standardPhases({
      boss: 'Gloomfang',
      artId: 8_880_001,
      artUrl: 'drawn:boss/gloomfang',
      bossPower: 24_000,
      minion: 'Shade Pup',
      minionPower: 6_000,
      names: ['Prowl', 'Howl of Silence', 'Blood-Moon Frenzy'],
      flavour: ['It circles, testing your guard.', 'Its howl drowns out your skills.', 'Wounded and wild, every blow swings harder — both ways.'],
      skills: [[], ['Guard'], ['Berserk']],
    }),
    rewards: {
      gemsPool: 60_000,
      itemsPool: { bond_med: 20, bond_large: 4 },
      mvp: { gems: 10_000, items: { bond_large: 2 } },
      lastHit: { gems: 5_000, items: { bond_large: 1 } },
      consolation: { gems: 500, items: {} },
      timeoutFactor: 0.5,
      leechPercent: 2,
    },
  },
  {
    key: 'seraphine',
    name: 'Seraphine, Tide-Crystal Empress',
    artId: 8_880_002,
    artUrl: 'drawn:boss/seraphine',
    maxHp: 2_500_000,
    durationHours: 48,
    lore: 'Queen of a drowned glass city, she rises when the tide forgets to turn.',
    phases: standardPhases({
      boss: 'Seraphine',
      artId: 8_880_002,
      artUrl: 'drawn:boss/seraphine',
      bossPower: 32_000,
      minion: 'Crystal Knight',
      minionPower: 9_000,
      names: ['Glass Court', 'Crystal Ward', 'Riptide Wrath'],
      flavour: ['Her knights hold the line.', 'A prism of crystal scatters your power.', 'The sea breaks loose; nothing is certain now.'],
      skills: [['Guard'], ['Guard'], ['Surge']],
    }),
    rewards: {
      gemsPool: 200_000,
      itemsPool: { bond_med: 40, bond_large: 15, ssr_token: 2 },
      mvp: { gems: 30_000, items: { bond_large: 3, ssr_token: 1 } },
      lastHit: { gems: 15_000, items: { bond_large: 2 } },
      consolation: { gems: 1_000, items: {} },
      timeoutFactor: 0.5,
      leechPercent: 2,
    },
  },
  {
    key: 'null',
    name: 'NULL, the Star-Eater',
    artId: 8_880_003,
    artUrl: 'drawn:boss/null',
    maxHp: 8_000_000,
    durationHours: 72,
    lore: 'Where it passes, the sky has fewer stars. It has come for yours.',
    phases: standardPhases({
      boss: 'NULL',
      artId: 8_880_003,
      artUrl: 'drawn:boss/null',
      bossPower: 45_000,
      minion: 'Void Shard',
      minionPower: 12_000,
      names: ['Event Horizon', 'Silent Singularity', 'Supernova Collapse'],
      flavour: ['Gravity bends around it.', 'Sound, light and skills fall into it.', 'It burns out — and means to take you with it.'],
      skills: [['Guard'], ['Guard', 'Surge'], ['Berserk', 'Surge']],
    }),
    rewards: {
      gemsPool: 600_000,
      itemsPool: { bond_large: 40, bond_ur: 4, ssr_token: 6 },
      mvp: { gems: 80_000, items: { bond_ur: 2, ssr_token: 2 } },
      lastHit: { gems: 40_000, items: { bond_ur: 1 } },
      consolation: { gems: 2_500, items: { bond_med: 1 } },
      timeoutFactor: 0.5,
      leechPercent: 2,
    },
  },
];

export const RAID_BOSSES: readonly RaidBoss[] = bosses;

/** A boss by key or by a word of its name (case-insensitive). */
export function findBoss(word: string): RaidBoss | undefined {
  const w = word.trim().toLowerCase();
  if (!w) return undefined;
  return (
    bosses.find((b) => b.key === w) ??
    bosses.find((b) =>
      b.name
        .toLowerCase()
        .split(/[\s,]+/)
        .includes(w),
    )
  );
}

export function requireBossByKey(key: string): RaidBoss {
  const b = bosses.find((x) => x.key === key);
  if (!b) throw new Error(`unknown raid boss key ${key}`);
  return b;
}

/** Thresholds (percent) where phases after the first begin, highest first: [60, 25]. */
export function phaseThresholds(boss: RaidBoss): number[] {
  return boss.phases.slice(1).map((p) => p.atOrBelowPercent);
}

/** The phase number for an HP value: integer math, so exactly 60% is phase 2. */
export function phaseForHp(boss: RaidBoss, hp: number, maxHp: number): number {
  let phase = 1;
  for (const p of boss.phases) if (hp * 100 <= maxHp * p.atOrBelowPercent) phase = Math.max(phase, p.number);
  return phase;
}

export function phaseInfo(boss: RaidBoss, phase: number): RaidPhase {
  return boss.phases.find((p) => p.number === phase) ?? boss.phases[boss.phases.length - 1]!;
}

/** What a phase does, from its values. */
export function describeMechanics(m: PhaseMechanics): string {
  const parts: string[] = [];
  if (m.suppressOneSkill) parts.push('silences one random skill of each of your units');
  if (m.damageTaken !== 1) {
    const pct = Math.round((1 - m.damageTaken) * 100);
    parts.push(pct > 0 ? `takes ${pct}% less damage` : `takes ${-pct}% more damage`);
  }
  if (m.attackerVariance) parts.push(`enraged: your power swings ×${m.attackerVariance[0]}–×${m.attackerVariance[1]} instead of ×0.9–×1.1`);
  return parts.length ? `The boss ${parts.join('; ')}.` : 'No special mechanics.';
}
