/**
 * The skill registry (SPEC §6): every skill's data in one place — name, where it
 * applies, priority, stackability, its numbers, the class that runs it in battle
 * — and the player-facing description, generated from those same numbers so the
 * text can never disagree with what the engine does.
 */
import {
  ChanceBuffSkill,
  type ChanceMultiplierValues,
  type ChanceValues,
  type EnemyMultiplierValues,
  FelineFealtySkill,
  type FelineFealtyValues,
  FlatBuffSkill,
  GuardSkill,
  JokerSkill,
  type JokerValues,
  KamikazeSkill,
  LuckySevenSkill,
  type LuckySevenValues,
  type MultiplierValues,
  OnyxMoonSkill,
  type OnyxMoonValues,
  PairBuffSkill,
  PartnerBuffSkill,
  type PartnerMultiplierValues,
  PartnerTeamBuffSkill,
  type PartnerTeamValues,
  ReviveSkill,
  SecondWindSkill,
  type SkillClass,
  type SkillIdentity,
  TimeBombSkill,
  type TimeBombValues,
  ZODIAC_SIGNS,
  type ZodiacEffect,
  type ZodiacSign,
  ZodiacSkill,
  type ZodiacValues,
} from './implementations.js';

/** `b` battle, `e` expedition (the expedition team), `g` global (anywhere in the inventory). */
export type AppliesIn = 'b' | 'e' | 'g';

export interface SkillDef<V = unknown> extends SkillIdentity<V> {
  readonly id: number;
  readonly name: string;
  readonly appliesIn: AppliesIn;
  /** Start-phase order, highest first; null for skills with no battle object. */
  readonly priority: number | null;
  /**
   * Whether copies add up. Battle skills don't: a second copy of a tag on the
   * same unit is ignored. Master of Coin and Hardworker count once per unit.
   */
  readonly stackable: boolean;
  /** Onyx Moon / Pig may pick it (never Queen of the Zodiacs, The Onyx Moon, Entwined Souls). */
  readonly suppressible: boolean;
  readonly values: V;
  /** Battle class, or null when the skill creates no battle object. */
  readonly impl: SkillClass<V> | null;
  readonly description: string;
}

// ---------------------------------------------------------------- text helpers

/** 0.07 → "7%", 0.035 → "3.5%" (rounded to 0.1 to hide float noise). */
function pct(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}
/** Multiplier as a signed change: 1.25 → "+25%", 0.9 → "−10%". */
function change(m: number): string {
  return m >= 1 ? `+${pct(m - 1)}` : `−${pct(1 - m)}`;
}
const nf = new Intl.NumberFormat('en-US');

// ---------------------------------------------------------------- zodiacs

/** Queen of the Zodiacs' numbers (SPEC §6). */
const ZODIAC_EFFECTS: Readonly<Record<ZodiacSign, ZodiacEffect>> = {
  Rat: { holder: 1.2 },
  Ox: { enemy: 0.8 },
  Tiger: { team: 1.05 },
  Rabbit: { enemyTeam: 0.93 },
  Dragon: { variance: 1.1 },
  Snake: {},
  Horse: { holder: 0.9, teammate: 1.3 },
  Sheep: {},
  Monkey: {},
  Rooster: { team: 1.03, holder: 1.06 },
  Dog: {},
  Pig: {},
};

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Entwined Souls plays its signs "at 1.2× the Zodiac values": every number of a
 * sign moves 1.2× as far from ×1, its cost as well as its gain (SPEC §6, as the
 * original does) — Tiger 1.05 → 1.06, Rooster 1.03 → 1.036 and 1.06 → 1.072,
 * Ox 0.80 → 0.76, Rabbit 0.93 → 0.916, and Horse's holder 0.90 → 0.88 with its
 * teammate 1.30 → 1.36. A fixed variance (Dragon) is a value, not a change, and
 * stays. Pig has no number; it silences exactly like the Queen's Pig.
 */
export function scaleZodiacEffect(e: ZodiacEffect, scale: number): ZodiacEffect {
  const scaled = (v: number | undefined): number | undefined => (v === undefined ? v : round6(1 + (v - 1) * scale));
  const out: { -readonly [K in keyof ZodiacEffect]: ZodiacEffect[K] } = {};
  if (e.holder !== undefined) out.holder = scaled(e.holder);
  if (e.team !== undefined) out.team = scaled(e.team);
  if (e.teammate !== undefined) out.teammate = scaled(e.teammate);
  if (e.enemy !== undefined) out.enemy = scaled(e.enemy);
  if (e.enemyTeam !== undefined) out.enemyTeam = scaled(e.enemyTeam);
  if (e.variance !== undefined) out.variance = e.variance;
  return out;
}

const ENTWINED_SCALE = 1.2;
const ENTWINED_SIGNS: readonly ZodiacSign[] = ['Ox', 'Tiger', 'Rabbit', 'Rooster', 'Pig', 'Horse'];
const ENTWINED_EFFECTS = Object.fromEntries(ZODIAC_SIGNS.map((s) => [s, scaleZodiacEffect(ZODIAC_EFFECTS[s], ENTWINED_SCALE)])) as Record<
  ZodiacSign,
  ZodiacEffect
>;

function signIndexes(signs: readonly ZodiacSign[]): number[] {
  return signs.map((s) => ZODIAC_SIGNS.indexOf(s));
}

function describeSign(sign: ZodiacSign, e: ZodiacEffect): string {
  switch (sign) {
    case 'Rat':
      return `Rat: this unit ${change(e.holder!)}`;
    case 'Ox':
      return `Ox: one random enemy ${change(e.enemy!)}`;
    case 'Tiger':
      return `Tiger: own team ${change(e.team!)}`;
    case 'Rabbit':
      return `Rabbit: enemy team ${change(e.enemyTeam!)}`;
    case 'Dragon':
      return `Dragon: this unit's variance fixed at ×${e.variance!}`;
    case 'Snake':
      return `Snake: if your team loses a close fight (at least ${pct(CLOSE_LOSS_RATIO)} of the winner's total), it is a draw`;
    case 'Horse':
      return `Horse: this unit ${change(e.holder!)} (even alone) and a random teammate ${change(e.teammate!)}`;
    case 'Sheep':
      return "Sheep: after the roll, this unit's power becomes the strongest enemy's";
    case 'Monkey':
      return 'Monkey: after the roll, swaps power with a random enemy';
    case 'Rooster':
      return `Rooster: own team ${change(e.team!)} and this unit a further ${change(e.holder!)}`;
    case 'Dog':
      return "Dog: after the roll, this unit's power rises to the strongest teammate's";
    case 'Pig':
      return 'Pig: silences one random enemy skill';
  }
}

// ---------------------------------------------------------------- the table

export interface ExpeditionPerUnitValues {
  readonly perUnit: number;
}
export interface LongRoadValues {
  readonly maxBonus: number;
  readonly fullHours: number;
}
export interface RoyaltyValues {
  readonly rewardMultiplier: number;
}
export interface AnchorValues {
  readonly squashResistance: number;
}

/** At most this many RETRYs in one battle (the guard against endless re-fights). */
export const MAX_RETRIES = 3;
/** Outcome skills save only close losses: the loser's total at least this share of the winner's (SPEC §6). */
export const CLOSE_LOSS_RATIO = 0.75;
/** A side's pooled chance-based draw (Revive) is capped here however many it has (SPEC §6). */
export const MAX_DRAW_CHANCE = 0.5;

// biome-ignore lint/suspicious/noExplicitAny: a skill of any value shape (the parameter is invariant)
const defs: SkillDef<any>[] = [];

interface DefineOptions<V> {
  appliesIn: AppliesIn;
  priority?: number;
  stackable?: boolean;
  suppressible?: boolean;
  values: V;
  impl: SkillClass<V> | null;
  describe: (v: V) => string;
}

function define<V>(name: string, o: DefineOptions<V>): SkillDef<V> {
  const def: SkillDef<V> = {
    id: defs.length,
    name,
    appliesIn: o.appliesIn,
    priority: o.appliesIn === 'b' ? (o.priority ?? 0) : null,
    stackable: o.stackable ?? false,
    suppressible: o.suppressible ?? o.appliesIn === 'b',
    values: o.values,
    impl: o.impl,
    description: o.describe(o.values),
  };
  defs.push(def);
  return def;
}

define<MultiplierValues>('Surge', {
  appliesIn: 'b',
  values: { multiplier: 1.25 },
  impl: FlatBuffSkill,
  describe: (v) => `This unit's power ${change(v.multiplier)} (×${v.multiplier}).`,
});
define<ChanceMultiplierValues>('Berserk', {
  appliesIn: 'b',
  values: { chance: 0.25, multiplier: 1.5 },
  impl: ChanceBuffSkill,
  describe: (v) => `${pct(v.chance)} chance: this unit's power ${change(v.multiplier)} (×${v.multiplier}).`,
});
define<ChanceMultiplierValues>('Golden Egg', {
  appliesIn: 'b',
  values: { chance: 0.01, multiplier: 3 },
  impl: ChanceBuffSkill,
  describe: (v) => `${pct(v.chance)} chance: this unit's power ${change(v.multiplier)} (×${v.multiplier}).`,
});
define<LuckySevenValues>('Lucky 7', {
  appliesIn: 'b',
  values: { chance: 0.07, multiplier: 8.77, flatChance: 0.77, flat: 7777 },
  impl: LuckySevenSkill,
  describe: (v) =>
    `${pct(v.chance)} chance: this unit's power ${change(v.multiplier)} (×${v.multiplier}); ` +
    `otherwise a ${pct(v.flatChance)} chance of +${nf.format(v.flat)} flat power.`,
});
define<JokerValues>('The Joker', {
  appliesIn: 'b',
  values: { chance: 0.5, multiplier: 1.75, otherwise: 0.25 },
  impl: JokerSkill,
  describe: (v) =>
    `${pct(v.chance)} chance: this unit's power ${change(v.multiplier)} (×${v.multiplier}); ` + `otherwise ${change(v.otherwise)} (×${v.otherwise}).`,
});
define<EnemyMultiplierValues>('Guard', {
  appliesIn: 'b',
  values: { enemyMultiplier: 0.9 },
  impl: GuardSkill,
  describe: (v) => `Enemy team ${change(v.enemyMultiplier)} power. Only one Guard per team counts.`,
});
define<Record<string, never>>('Kamikaze', {
  appliesIn: 'b',
  values: {},
  impl: KamikazeSkill,
  describe: () => 'At the start, takes out one random enemy still standing — and sacrifices this unit too.',
});
define<ChanceValues>('Revive', {
  appliesIn: 'b',
  values: { chance: 0.25 },
  impl: ReviveSkill,
  describe: (v) =>
    `If your team loses a close fight (at least ${pct(CLOSE_LOSS_RATIO)} of the winner's total), ${pct(v.chance)} chance the battle ends in a draw instead. ` +
    `A team's Revives roll once together: two give ${pct(1 - (1 - v.chance) ** 2)}, and never more than ${pct(MAX_DRAW_CHANCE)}.`,
});
define<ChanceValues>('Second Wind', {
  appliesIn: 'b',
  values: { chance: 0.3 },
  impl: SecondWindSkill,
  describe: (v) =>
    `If your team loses, ${pct(v.chance)} chance the battle is fought again with fresh rolls ` + `(once per unit; at most ${MAX_RETRIES} re-fights a battle).`,
});
define<RoyaltyValues>('Royalty', {
  // No object: the engine only notes, per side, whether an unsilenced Royalty unit fought.
  appliesIn: 'b',
  values: { rewardMultiplier: 1.5 },
  impl: null,
  describe: (v) => `No effect on power; a win with this unit on the team pays ×${v.rewardMultiplier} gems and coins.`,
});
define<AnchorValues>('Anchor', {
  // Acts on the catalog (base power), not in battle: nothing for Onyx Moon to silence.
  appliesIn: 'b',
  suppressible: false,
  values: { squashResistance: 0.4 },
  impl: null,
  describe: (v) => `Resists the power soft cap: gets back ${pct(v.squashResistance)} of the power the cap takes.`,
});
define<PartnerMultiplierValues>('The Amber Sun', {
  appliesIn: 'b',
  values: { partnerId: 129842, partnerName: 'Agott', multiplier: 1.15 },
  impl: PairBuffSkill,
  describe: (v) => `With ${v.partnerName} on the team: this unit ${change(v.multiplier)}, and ${v.partnerName} ${change(v.multiplier)} too.`,
});
define<PartnerMultiplierValues>('Eternity', {
  appliesIn: 'b',
  values: { partnerId: 184311, partnerName: 'Himmel', multiplier: 1.18 },
  impl: PartnerBuffSkill,
  describe: (v) => `With ${v.partnerName} on the team: this unit ${change(v.multiplier)}.`,
});
define<PartnerTeamValues>('Ephemerality', {
  appliesIn: 'b',
  values: { partnerId: 176754, partnerName: 'Frieren', teamMultiplier: 1.035 },
  impl: PartnerTeamBuffSkill,
  describe: (v) => `With ${v.partnerName} on the team: whole team ${change(v.teamMultiplier)}.`,
});
define<FelineFealtyValues>('Feline Fealty', {
  appliesIn: 'b',
  values: { partnerId: 207, partnerName: 'Tohru', multiplier: 1.1, enemyMultiplier: 0.975 },
  impl: FelineFealtySkill,
  describe: (v) => `With ${v.partnerName} on the team: this unit and ${v.partnerName} ${change(v.multiplier)}, ` + `enemy team ${change(v.enemyMultiplier)}.`,
});
define<OnyxMoonValues>('The Onyx Moon', {
  appliesIn: 'b',
  priority: 10,
  suppressible: false,
  values: { partnerId: 129840, partnerName: 'Coco', eclipseMultiplier: 0.8 },
  impl: OnyxMoonSkill,
  describe: (v) =>
    'At the start, silences one random enemy skill for their whole team (Umbra). ' +
    `With ${v.partnerName} on the team, the enemy carrying it also ${change(v.eclipseMultiplier)} (Eclipse). ` +
    'Cannot be silenced.',
});
define<ZodiacValues>('Queen of the Zodiacs', {
  appliesIn: 'b',
  priority: 10,
  suppressible: false,
  values: { signs: ZODIAC_SIGNS, signIndexes: signIndexes(ZODIAC_SIGNS), effects: ZODIAC_EFFECTS, partnerId: null, partnerName: null, scale: 1 },
  impl: ZodiacSkill,
  describe: (v) => `At the start, draws one of ${v.signs.length} signs at random. ${v.signs.map((s) => describeSign(s, v.effects[s])).join('. ')}.`,
});
define<ZodiacValues>('Entwined Souls', {
  appliesIn: 'b',
  priority: 10,
  suppressible: false,
  values: {
    signs: ENTWINED_SIGNS,
    signIndexes: signIndexes(ENTWINED_SIGNS),
    effects: ENTWINED_EFFECTS,
    partnerId: 209,
    partnerName: 'Kyo',
    scale: ENTWINED_SCALE,
  },
  impl: ZodiacSkill,
  describe: (v) =>
    `With ${v.partnerName} on the team: at the start, draws one of ${v.signs.join(', ')}, ${v.scale}× as strong as the Queen's. ` +
    `${v.signs.map((s) => describeSign(s, v.effects[s])).join('. ')}.`,
});
define<ExpeditionPerUnitValues>('Master of Coin', {
  appliesIn: 'g',
  stackable: true,
  values: { perUnit: 0.1 },
  impl: null,
  describe: (v) => `Expedition yield ${change(1 + v.perUnit)} for each unit with this skill you own (stacks).`,
});
define<ExpeditionPerUnitValues>('Hardworker', {
  appliesIn: 'e',
  stackable: true,
  values: { perUnit: 0.15 },
  impl: null,
  describe: (v) => `Expedition yield ${change(1 + v.perUnit)} for each unit with this skill in the expedition team (stacks).`,
});
define<LongRoadValues>('The Long Road', {
  appliesIn: 'e',
  values: { maxBonus: 0.24, fullHours: 24 },
  impl: null,
  describe: (v) =>
    `In the expedition team: yield up to ${change(1 + v.maxBonus)}, growing with the expedition's length ` + `and full at ${v.fullHours} h (counts once).`,
});

// Appended, not inserted: a skill's id is its bit in the suppression masks, so
// moving ids would change which skill an old battle's Onyx Moon silenced.
define<TimeBombValues>('Time Bomb', {
  appliesIn: 'b',
  values: { finalMultiplier: 0.75 },
  impl: TimeBombSkill,
  describe: (v) =>
    'At the start, plants a bomb on one random enemy still standing. After the power roll it goes off: ' +
    `that enemy's power ${change(v.finalMultiplier)} (×${v.finalMultiplier}). A re-fight finds it still planted.`,
});

export const SKILLS: readonly SkillDef[] = defs;
export const SKILL_NAMES: readonly string[] = defs.map((d) => d.name);

const byName = new Map<string, SkillDef>(defs.map((d) => [d.name, d]));
const byLowerName = new Map<string, SkillDef>(defs.map((d) => [d.name.toLowerCase(), d]));

/*
 * Exact names resolve through a tiny open hash on (length, first and last char):
 * the engine resolves every tag of every unit each battle, and this is several
 * times faster than Map.get. Anything else falls back to the case-insensitive map.
 */
const FAST_BUCKETS = 64;
const fastTable: number[][] = Array.from({ length: FAST_BUCKETS }, () => []);
function fastHash(name: string): number {
  const n = name.length;
  return n === 0 ? 0 : (n * 7 + name.charCodeAt(0) * 3 + name.charCodeAt(n - 1)) & (FAST_BUCKETS - 1);
}
for (const d of defs) fastTable[fastHash(d.name)]!.push(d.id);
const namesById: readonly string[] = defs.map((d) => d.name);

/** A skill's id (its index in SKILLS) by name, case-insensitive; -1 when unknown. */
export function skillIdOf(name: string): number {
  const bucket = fastTable[fastHash(name)]!;
  for (let i = 0; i < bucket.length; i++) {
    const id = bucket[i]!;
    if (namesById[id] === name) return id;
  }
  return byLowerName.get(name.trim().toLowerCase())?.id ?? -1;
}

/** A skill by name, case-insensitive (exact spelling is the fast path). */
export function findSkill(name: string): SkillDef | undefined {
  const id = skillIdOf(name);
  return id < 0 ? undefined : defs[id];
}

export function describeSkill(name: string): string | undefined {
  return findSkill(name)?.description;
}

function requireSkill<V>(name: string): SkillDef<V> {
  const d = byName.get(name);
  if (d === undefined) throw new Error(`skill registry lacks ${name}`);
  return d as SkillDef<V>;
}

export const ROYALTY = requireSkill<RoyaltyValues>('Royalty');
export const ANCHOR = requireSkill<AnchorValues>('Anchor');
/** Gems and coins multiplier for a win with an (unsilenced) Royalty unit. */
export const ROYALTY_REWARD_MULTIPLIER = ROYALTY.values.rewardMultiplier;
/** Squash resistance the catalog sets when Anchor is given (SPEC §1). */
export const ANCHOR_SQUASH_RESISTANCE = ANCHOR.values.squashResistance;

/** Bit per skill id that Onyx Moon / Pig may silence (only skills that act in battle). */
export const SUPPRESSIBLE_MASK: number = defs.reduce((mask, d) => (d.suppressible && (d.impl !== null || d === ROYALTY) ? mask | (1 << d.id) : mask), 0);
if (defs.length > 31) throw new Error('skill ids must fit a 31-bit mask');

// ---------------------------------------------------------------- expeditions

const MASTER_OF_COIN = requireSkill<ExpeditionPerUnitValues>('Master of Coin');
const HARDWORKER = requireSkill<ExpeditionPerUnitValues>('Hardworker');
const LONG_ROAD = requireSkill<LongRoadValues>('The Long Road');

// biome-ignore lint/suspicious/noExplicitAny: a skill of any value shape (the parameter is invariant)
function hasSkill(tags: readonly string[], def: SkillDef<any>): boolean {
  for (const t of tags) if (findSkill(t) === def) return true;
  return false;
}

/**
 * The additive expedition yield bonus (SPEC §8): the caller multiplies gems by
 * `1 + expeditionBonus(...)`. `teamSkills` are the expedition team's units'
 * skill tags, `ownedSkills` every owned unit's (team included). Master of Coin
 * counts each owned unit carrying it, Hardworker each team unit carrying it
 * (a unit's duplicate tag counts once), The Long Road counts once and grows
 * linearly to its maximum at 24 hours. Rounded to 1e-9 to drop float noise.
 */
export function expeditionBonus(input: { teamSkills: readonly (readonly string[])[]; ownedSkills: readonly (readonly string[])[]; hours: number }): number {
  let coin = 0;
  for (const tags of input.ownedSkills) if (hasSkill(tags, MASTER_OF_COIN)) coin++;
  let workers = 0;
  let longRoad = false;
  for (const tags of input.teamSkills) {
    if (hasSkill(tags, HARDWORKER)) workers++;
    if (hasSkill(tags, LONG_ROAD)) longRoad = true;
  }
  let bonus = coin * MASTER_OF_COIN.values.perUnit + workers * HARDWORKER.values.perUnit;
  if (longRoad) {
    const { maxBonus, fullHours } = LONG_ROAD.values;
    const hours = Number.isFinite(input.hours) ? Math.max(0, input.hours) : 0;
    bonus += (maxBonus * Math.min(hours, fullHours)) / fullHours;
  }
  return Math.round(bonus * 1e9) / 1e9;
}
