/**
 * The battle engine (SPEC §6): a pure, synchronous four-phase pipeline over
 * skill objects created from the registry.
 *
 * Hook contract (the one place it is written down):
 * 1. Start — one object per (unit, battle skill tag); a unit's duplicate tag is
 *    ignored. Objects are sorted by priority, highest first; ties keep creation
 *    order: attacker before defender, then slot, then the tag's place on the
 *    unit. Each object's state starts at its class's `initialState()`, and each
 *    (skill, side) shares one `initialSideState()` (see implementations.ts).
 *    `onBattleStart` runs once each, in that order — also for a unit a
 *    Kamikaze took out earlier in the phase (start effects are all declared at
 *    the start; being out only stops its power and post-calc skills).
 * 2. Power — per unit, in side then slot order: `p = power`, × each of its own
 *    skills' `powerModifier` (tag order), × the slot's context multiplier, + the
 *    slot's flat bonus, × variance uniform in [lo, hi) (default [0.9, 1.1)) unless
 *    a skill locked it. The final power is floored to an integer (players see
 *    integers, and totals must be sums of what they see) with a 1e-7 tolerance
 *    so float noise can't cost a point (7,000 × 1.15 is 8,050, not 8,049), and
 *    never below 0. A unit whose multiplier is 0 (taken out by Kamikaze) is
 *    out: final power 0, its power and post-calc skills don't act.
 * 3. Post-calculation — `onPostPowerCalculation` in sorted order; may rewrite
 *    finals (Sheep, Monkey, Dog), so they see variance already applied.
 * 4. End — totals; the attacker wins iff its total is strictly greater (a tie
 *    is the attacker's loss). The loss is close when the loser's total is at
 *    least CLOSE_LOSS_RATIO (75%) of the winner's (`ctx.closeLoss`). The losing
 *    side's end skills run in sorted order until one returns a decision:
 *    `'DRAW'` ends it as a draw, `'RETRY'` re-runs phases 2–4 with fresh rolls.
 *    `onBattleEnd` skills decide for themselves (a DRAW only of a close loss:
 *    Snake; Second Wind's RETRY asks for no closeness, once per object). Skills
 *    with `drawChance` (Revive) don't: at the first of them the engine rolls
 *    once for the side with 1 − Π(1 − pᵢ) over all of them, capped at
 *    MAX_DRAW_CHANCE (50%), credited to that first one, and only for a close
 *    loss (a rout logs `notClose` instead); the others are then passed over.
 *    A battle retries at most MAX_RETRIES (3) times.
 *
 * Logging: every skill that fires appends one entry a player can read — also
 * when it finds nothing to act on (see log.ts); a chance that misses its roll
 * is not a firing. A decision's `'draw'` / `'retry'` entry is the last one
 * before the skill returns it; the result points at those entries
 * (`drawnBy`, `retriedBy`), so callers can say whose skill changed the outcome.
 * A RETRY drops the failed attempt's entries except the one saying why.
 *
 * Suppressed skill names are checked before every hook: a silenced name is inert
 * for every unit of that side from then on. All randomness comes from one
 * seeded PRNG per battle (the same sfc32 stream `new Rng(seed)` gives), so seed +
 * inputs replay the battle and its log exactly — under the same RULES_VERSION.
 *
 * Speed (target ≥ 500k battles/s on one core, bench/battle.ts): the hot path
 * works on typed arrays indexed `side * 5 + slot`, kept in a reusable
 * BattleEngine with pooled, stateless skill objects (their state lives in the
 * context); a battle allocates only its log entries and its result, so a
 * result never shares state with the next battle.
 */
import type { AnySkill, BattleSkill, EndDecision } from './implementations.js';
import { SLOTS_PER_BATTLE, skillKey } from './implementations.js';
import type { LogEntry, LogKind } from './log.js';
import { CLOSE_LOSS_RATIO, MAX_DRAW_CHANCE, MAX_RETRIES, ROYALTY, SKILLS, SUPPRESSIBLE_MASK, skillIdOf } from './registry.js';

/**
 * The rule set battles are fought under. A recorded battle replays exactly only
 * under the version it was fought with; bump this whenever a change to the
 * engine, a skill or its numbers can change an old battle's rolls or outcome.
 * 1: the port's first rules. 2: close-loss rule and one pooled Revive roll per
 * side (capped at 50%), Snake only saves close losses, Entwined Souls' Horse
 * costs ×0.88 and is paid without a teammate.
 */
export const RULES_VERSION = 2;

export type Side = 'attacker' | 'defender';
/** From the attacker's perspective. */
export type Outcome = 'WIN' | 'LOSS' | 'DRAW';

export interface BattleUnit {
  name: string;
  characterId: number;
  /** Effective power (SPEC §2). */
  power: number;
  skills: readonly string[];
  rarity: 'R' | 'SR' | 'SSR' | 'UR';
  imageUrl?: string | null;
}

/** What the engine draws from: uniform floats in [0, 1). `Rng` is one. */
export interface RandomSource {
  next(): number;
}

export interface BattleOptions {
  seed: number;
  /** Variance range per side; default [0.9, 1.1]. Raids widen attackers' to [0.7, 1.3]. */
  variance?: Partial<Record<Side, readonly [number, number]>>;
  /**
   * Replaces the PRNG seeded from `seed` (tests use it to force rolls). With it
   * the battle replays only from the same source, not from `seed`.
   */
  random?: RandomSource;
}

export interface BattleResult {
  seed: number;
  outcome: Outcome;
  retries: number;
  /** Per unit, in slot order, after post-calculation. */
  finalPowers: Record<Side, number[]>;
  totals: Record<Side, number>;
  log: LogEntry[];
  /** The side had a Royalty unit whose skill wasn't silenced (caller pays ×1.5 on a win). */
  royalty: Record<Side, boolean>;
  /** The teams as given (not copied), so log lines can name units. */
  units: Record<Side, readonly BattleUnit[]>;
  /**
   * For a DRAW, the `'draw'` entry of the skill that made it — its `side` lost
   * and was saved (attacker: your skill saved a loss; defender: the enemy's
   * skill took a win away). Null for a WIN or LOSS.
   */
  drawnBy: LogEntry | null;
  /** The `'retry'` entry behind each re-fight, in order (`retries` of them). */
  retriedBy: LogEntry[];
  /** RULES_VERSION of the engine that fought it. */
  rulesVersion: number;
}

export const MAX_TEAM_SIZE = 5;
export const SIDES: readonly [Side, Side] = ['attacker', 'defender'];
const DEFAULT_VARIANCE: readonly [number, number] = [0.9, 1.1];
const SLOTS = 2 * MAX_TEAM_SIZE;
/** Keeps 7,000 × 1.15 = 8049.999… at 8,050 when flooring. */
const FLOOR_EPSILON = 1e-7;
const EMPTY_TEAM: readonly BattleUnit[] = [];
const NO_RANDOM: RandomSource = {
  next(): number {
    throw new Error('BattleContext used outside a battle');
  },
};

/**
 * Battle state the skills read and change. Sides are 0 (attacker) and 1
 * (defender); per-slot arrays are indexed `side * 5 + slot`.
 */
export class BattleContext {
  rng: RandomSource = NO_RANDOM;
  readonly teams: [readonly BattleUnit[], readonly BattleUnit[]] = [EMPTY_TEAM, EMPTY_TEAM];
  readonly sizes = new Int32Array(2);
  /** Context multiplier per slot (starts 1). */
  readonly multipliers = new Float64Array(SLOTS);
  /** Flat bonus from the start phase (kept through retries). */
  readonly flatBonuses = new Float64Array(SLOTS);
  /** Flat bonus rolled in the power phase (Lucky 7), cleared every attempt. */
  readonly rolledBonuses = new Float64Array(SLOTS);
  /** Locked variance per slot; 0 = not locked. */
  readonly lockedVariance = new Float64Array(SLOTS);
  readonly finals = new Float64Array(SLOTS);
  /** Bit per skill id silenced on that side. */
  readonly suppressed = new Int32Array(2);
  /** Bit per skill id carried by the unit in that slot. */
  readonly skillMasks = new Int32Array(SLOTS);
  /** Each skill object's state, by its `key` (set from `initialState()` when the battle creates it). */
  readonly states: unknown[] = new Array(SKILLS.length * SLOTS_PER_BATTLE).fill(undefined);
  /** State shared by a skill's copies on one side, at `id * 2 + side`. */
  readonly sideStates: unknown[] = new Array(SKILLS.length * 2).fill(undefined);
  /** End phase: the loser's total is at least CLOSE_LOSS_RATIO of the winner's. */
  closeLoss = false;
  /** End phase: the loser's total over the winner's (1 when both are 0). */
  lossRatio = 1;
  retries = 0;
  inPowerPhase = false;
  /** Some rolledBonuses entry is non-zero (so most attempts skip clearing them). */
  rolledAny = false;
  /** Name picked by the last `suppressRandomSkill`. */
  lastSuppressedName = '';
  entries: LogEntry[] = [];

  reset(attacker: readonly BattleUnit[], defender: readonly BattleUnit[], rng: RandomSource): void {
    this.rng = rng;
    this.teams[0] = attacker;
    this.teams[1] = defender;
    this.sizes[0] = attacker.length;
    this.sizes[1] = defender.length;
    // finals and skillMasks are written for every unit before they are read, and
    // rolledBonuses is cleared at each attempt's start when something was rolled.
    for (let i = 0; i < SLOTS; i++) {
      this.multipliers[i] = 1;
      this.flatBonuses[i] = 0;
      this.lockedVariance[i] = 0;
    }
    this.suppressed[0] = 0;
    this.suppressed[1] = 0;
    this.retries = 0;
    this.inPowerPhase = false;
    this.lastSuppressedName = '';
    this.entries = [];
  }

  log(skill: AnySkill, kind: LogKind, value: number, targetSide: number, targetSlot: number, effect = '', detail = ''): void {
    // One literal shape for every entry keeps them monomorphic and cheap.
    this.entries.push({
      side: SIDES[skill.side]!,
      slot: skill.slot,
      skill: skill.name,
      kind,
      value,
      targetSide: SIDES[targetSide]!,
      targetSlot,
      effect,
      detail,
    });
  }

  /** This skill object's state in this battle. */
  // biome-ignore lint/suspicious/noExplicitAny: any value and side-state shape
  state<S>(skill: BattleSkill<any, S, any>): S {
    return this.states[skill.key] as S;
  }

  // biome-ignore lint/suspicious/noExplicitAny: any value and side-state shape
  setState<S>(skill: BattleSkill<any, S, any>, value: S): void {
    this.states[skill.key] = value;
  }

  /** The state this skill's copies on its side share in this battle. */
  // biome-ignore lint/suspicious/noExplicitAny: any value and state shape
  sideState<SS>(skill: BattleSkill<any, any, SS>): SS {
    return this.sideStates[skill.id * 2 + skill.side] as SS;
  }

  // biome-ignore lint/suspicious/noExplicitAny: any value and state shape
  setSideState<SS>(skill: BattleSkill<any, any, SS>, value: SS): void {
    this.sideStates[skill.id * 2 + skill.side] = value;
  }

  isSuppressed(side: number, skillId: number): boolean {
    return (this.suppressed[side]! & (1 << skillId)) !== 0;
  }

  multiplier(side: number, slot: number): number {
    return this.multipliers[side * MAX_TEAM_SIZE + slot]!;
  }

  setMultiplier(side: number, slot: number, m: number): void {
    this.multipliers[side * MAX_TEAM_SIZE + slot] = m;
  }

  multiplySlot(side: number, slot: number, m: number): void {
    this.multipliers[side * MAX_TEAM_SIZE + slot]! *= m;
  }

  multiplyTeam(side: number, m: number): void {
    const base = side * MAX_TEAM_SIZE;
    for (let i = base, end = base + this.sizes[side]!; i < end; i++) this.multipliers[i]! *= m;
  }

  /** Flat power for a slot: kept through retries when given at the start, else for this attempt only. */
  addFlatBonus(side: number, slot: number, v: number): void {
    const i = side * MAX_TEAM_SIZE + slot;
    if (this.inPowerPhase) {
      this.rolledBonuses[i]! += v;
      this.rolledAny = true;
    } else {
      this.flatBonuses[i]! += v;
    }
  }

  lockVariance(side: number, slot: number, v: number): void {
    this.lockedVariance[side * MAX_TEAM_SIZE + slot] = v;
  }

  /** Slot of the first unit on `side` with this AniList character id, or -1. */
  findCharacter(side: number, characterId: number): number {
    const team = this.teams[side]!;
    for (let i = 0; i < team.length; i++) if (team[i]!.characterId === characterId) return i;
    return -1;
  }

  /** A uniformly random slot on `side` with multiplier > 0, other than `exclude`; -1 if none. */
  randomStandingSlot(side: number, exclude: number): number {
    const base = side * MAX_TEAM_SIZE;
    const n = this.sizes[side]!;
    let count = 0;
    for (let i = 0; i < n; i++) if (i !== exclude && this.multipliers[base + i]! > 0) count++;
    if (count === 0) return -1;
    let k = Math.floor(this.rng.next() * count);
    for (let i = 0; i < n; i++) {
      if (i !== exclude && this.multipliers[base + i]! > 0 && k-- === 0) return i;
    }
    return -1;
  }

  /**
   * Silences one random skill on `side`: uniform over that side's (unit, skill)
   * pairs that may be silenced and aren't yet. Returns the carrier's slot (the
   * name is in `lastSuppressedName`), or -1 when there is nothing to silence.
   */
  suppressRandomSkill(side: number): number {
    const base = side * MAX_TEAM_SIZE;
    const n = this.sizes[side]!;
    const open = SUPPRESSIBLE_MASK & ~this.suppressed[side]!;
    let count = 0;
    for (let i = 0; i < n; i++) count += popcount(this.skillMasks[base + i]! & open);
    if (count === 0) return -1;
    let k = Math.floor(this.rng.next() * count);
    for (let i = 0; i < n; i++) {
      let bits = this.skillMasks[base + i]! & open;
      while (bits !== 0) {
        const low = bits & -bits;
        if (k-- === 0) {
          const id = 31 - Math.clz32(low);
          this.suppressed[side]! |= low;
          this.lastSuppressedName = SKILLS[id]!.name;
          return i;
        }
        bits ^= low;
      }
    }
    return -1;
  }

  finalPower(side: number, slot: number): number {
    return this.finals[side * MAX_TEAM_SIZE + slot]!;
  }

  setFinalPower(side: number, slot: number, p: number): void {
    this.finals[side * MAX_TEAM_SIZE + slot] = p;
  }

  /** Slot with the highest final power on `side` (first on ties), -1 for an empty side. */
  highestFinalSlot(side: number): number {
    const base = side * MAX_TEAM_SIZE;
    const n = this.sizes[side]!;
    let best = -1;
    for (let i = 0; i < n; i++) if (best < 0 || this.finals[base + i]! > this.finals[base + best]!) best = i;
    return best;
  }

  /** A uniformly random slot on `side` with final power > 0, or -1. */
  randomPositiveFinalSlot(side: number): number {
    const base = side * MAX_TEAM_SIZE;
    const n = this.sizes[side]!;
    let count = 0;
    for (let i = 0; i < n; i++) if (this.finals[base + i]! > 0) count++;
    if (count === 0) return -1;
    let k = Math.floor(this.rng.next() * count);
    for (let i = 0; i < n; i++) if (this.finals[base + i]! > 0 && k-- === 0) return i;
    return -1;
  }

  canRetry(): boolean {
    return this.retries < MAX_RETRIES;
  }
}

/**
 * The battle's PRNG: exactly `Rng`'s sfc32 stream for the same seed (a test pins
 * it), but re-seeded in place. Building a new `Rng` per battle cost ~15% of a
 * battle (its constructor makes a closure), and the engine runs hundreds of
 * thousands a second.
 */
export class ReseedableRng implements RandomSource {
  // State in an Int32Array: as object fields, 32-bit values don't fit V8's small
  // integers and every store boxed a number (reseeding took ~200 ns).
  private readonly state = new Int32Array(4);

  constructor(seed = 0) {
    this.reseed(seed);
  }

  reseed(seed: number): this {
    // Same splitmix32 spread and 12-step warm-up as Rng's constructor, in locals.
    let s = seed >>> 0;
    s = (s + 0x9e3779b9) | 0;
    let a = splitmixOut(s);
    s = (s + 0x9e3779b9) | 0;
    let b = splitmixOut(s);
    s = (s + 0x9e3779b9) | 0;
    let c = splitmixOut(s);
    s = (s + 0x9e3779b9) | 0;
    let d = splitmixOut(s);
    for (let i = 0; i < 12; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
    }
    const st = this.state;
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
    return this;
  }

  nextUint32(): number {
    const st = this.state;
    const a = st[0]!,
      b = st[1]!,
      c = st[2]!,
      d = st[3]!;
    const t = (((a + b) | 0) + d) | 0;
    st[3] = d + 1;
    st[0] = b ^ (b >>> 9);
    st[1] = c + (c << 3);
    const c2 = (c << 21) | (c >>> 11);
    st[2] = c2 + t;
    return t >>> 0;
  }

  /** Uniform float in [0, 1), as Rng.next(). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
}

function splitmixOut(s: number): number {
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16); // int32; sfc32 only needs the bits
}

/**
 * Per skill id: which hooks its class defines and how the engine treats it —
 * one typed-array read instead of probing registry objects and skill objects
 * of a dozen classes.
 */
const HAS_START = 1,
  HAS_MODIFIER = 2,
  HAS_POST = 4,
  HAS_END = 8,
  IN_BATTLE = 16,
  HAS_OBJECT = 32,
  IS_ROYALTY = 64,
  HAS_STATE = 128,
  HAS_SIDE_STATE = 256,
  HAS_DRAW_CHANCE = 512;
const HOOKS = Int32Array.from(SKILLS, (d) => {
  let flags = (d.appliesIn === 'b' ? IN_BATTLE : 0) | (d === ROYALTY ? IS_ROYALTY : 0);
  const proto = d.impl?.prototype as AnySkill | undefined;
  if (proto === undefined) return flags;
  flags |= HAS_OBJECT;
  // A pooled chance (drawChance) replaces the skill's own end decision.
  const end = proto.drawChance ? HAS_DRAW_CHANCE : proto.onBattleEnd ? HAS_END : 0;
  return (
    flags |
    end |
    (proto.onBattleStart ? HAS_START : 0) |
    (proto.powerModifier ? HAS_MODIFIER : 0) |
    (proto.onPostPowerCalculation ? HAS_POST : 0) |
    (proto.initialState ? HAS_STATE : 0) |
    (proto.initialSideState ? HAS_SIDE_STATE : 0)
  );
});

const PRIORITY = Int32Array.from(SKILLS, (d) => d.priority ?? 0);
/** Skill objects a battle can hold: one per (skill, side, slot). */
const KEYS = SKILLS.length * SLOTS_PER_BATTLE;
/** A key's skill id, side, and `side * 5 + slot`. */
const KEY_ID = Int32Array.from({ length: KEYS }, (_, k) => Math.floor(k / SLOTS_PER_BATTLE));
const KEY_SLOT_INDEX = Int32Array.from({ length: KEYS }, (_, k) => k % SLOTS_PER_BATTLE);
const KEY_SIDE = Int32Array.from({ length: KEYS }, (_, k) => (k % SLOTS_PER_BATTLE >= MAX_TEAM_SIZE ? 1 : 0));

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function checkVariance(range: readonly [number, number]): void {
  if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] <= range[1] && range[0] >= 0)) {
    throw new RangeError(`variance must be a finite [lo, hi] with 0 <= lo <= hi, got [${range[0]}, ${range[1]}]`);
  }
}

/**
 * Runs battles, keeping its buffers between them. Not re-entrant; results are
 * fresh objects and never alias the engine's buffers.
 *
 * Skill objects are pooled per (skill, side, slot) and hold no battle state
 * (they never escape into a result), every list is a fixed array with a count,
 * and the PRNG is re-seeded in place, so a battle allocates only its log entries
 * and result.
 */
export class BattleEngine {
  private readonly ctx = new BattleContext();
  /** Skill objects by key (skill, side, slot), made on first use and reused: they hold no battle state. */
  private readonly pool: (AnySkill | undefined)[] = new Array(SKILLS.length * SLOTS_PER_BATTLE).fill(undefined);
  /*
   * This battle's skill objects as keys into `pool` (see BattleSkill.key), so the
   * engine's bookkeeping reads typed arrays instead of fields of objects of a
   * dozen classes (megamorphic loads were a visible share of a battle).
   */
  /** Sorted for the start phase. */
  private readonly order = new Int32Array(KEYS);
  private orderCount = 0;
  /** Keys with a powerModifier, grouped by slot (creation is in slot order): [modStart[i], modEnd[i]). */
  private readonly modKeys = new Int32Array(KEYS);
  private readonly modStart = new Int32Array(SLOTS);
  private readonly modEnd = new Int32Array(SLOTS);
  private readonly postKeys = new Int32Array(KEYS);
  private postCount = 0;
  private readonly endKeys = new Int32Array(KEYS);
  private endCount = 0;
  private readonly royaltyUnits = new Int32Array(2);
  private readonly rng = new ReseedableRng();
  busy = false;

  run(attacker: readonly BattleUnit[], defender: readonly BattleUnit[], options: BattleOptions): BattleResult {
    if (attacker.length > MAX_TEAM_SIZE || defender.length > MAX_TEAM_SIZE) {
      throw new RangeError(`a side has at most ${MAX_TEAM_SIZE} units (got ${attacker.length} vs ${defender.length})`);
    }
    if (options.random === undefined && !Number.isFinite(options.seed)) {
      throw new RangeError(`battle seed must be a finite number, got ${options.seed}`);
    }
    const variance = options.variance;
    const varA = variance?.attacker ?? DEFAULT_VARIANCE;
    const varD = variance?.defender ?? DEFAULT_VARIANCE;
    if (varA !== DEFAULT_VARIANCE) checkVariance(varA);
    if (varD !== DEFAULT_VARIANCE) checkVariance(varD);
    this.busy = true;
    try {
      const ctx = this.ctx;
      ctx.reset(attacker, defender, options.random ?? this.rng.reseed(options.seed));
      this.createSkills();
      this.startPhase();
      return this.fight(varA, varD, options.seed);
    } finally {
      this.busy = false;
      // Don't keep the caller's teams alive between battles.
      this.ctx.teams[0] = EMPTY_TEAM;
      this.ctx.teams[1] = EMPTY_TEAM;
      this.ctx.rng = NO_RANDOM;
    }
  }

  private createSkills(): void {
    const ctx = this.ctx;
    const order = this.order;
    const pool = this.pool;
    let count = 0;
    let mods = 0;
    let unsorted = false;
    for (let side = 0; side < 2; side++) {
      const team = ctx.teams[side]!;
      this.royaltyUnits[side] = 0;
      let sideStarted = 0; // bit per skill id whose side state is set for this battle
      for (let slot = 0; slot < team.length; slot++) {
        const unit = team[slot]!;
        if (!Number.isFinite(unit.power)) throw new RangeError(`unit ${unit.name} has power ${unit.power}`);
        const idx = side * MAX_TEAM_SIZE + slot;
        this.modStart[idx] = mods;
        const tags = unit.skills;
        let mask = 0;
        for (let t = 0; t < tags.length; t++) {
          const id = skillIdOf(tags[t]!);
          if (id < 0) continue;
          const hooks = HOOKS[id]!;
          if ((hooks & IN_BATTLE) === 0) continue;
          const bit = 1 << id;
          if ((mask & bit) !== 0) continue; // duplicate tag on one unit: not stackable
          mask |= bit;
          if ((hooks & IS_ROYALTY) !== 0) this.royaltyUnits[side]!++;
          if ((hooks & HAS_OBJECT) === 0) continue;
          const key = skillKey(id, side, slot);
          let skill = pool[key];
          if (skill === undefined) {
            const def = SKILLS[id]!;
            skill = pool[key] = new def.impl!(def, side, slot);
          }
          if ((hooks & HAS_STATE) !== 0) ctx.states[key] = skill.initialState!();
          if ((hooks & HAS_SIDE_STATE) !== 0 && (sideStarted & bit) === 0) {
            sideStarted |= bit;
            ctx.sideStates[id * 2 + side] = skill.initialSideState!();
          }
          if (count > 0 && PRIORITY[id]! > PRIORITY[KEY_ID[order[count - 1]!]!]!) unsorted = true;
          order[count++] = key;
          if ((hooks & HAS_MODIFIER) !== 0) this.modKeys[mods++] = key;
        }
        this.modEnd[idx] = mods;
        ctx.skillMasks[idx] = mask;
      }
    }
    this.orderCount = count;
    // Stable insertion sort, priority descending: ties keep creation order
    // (attacker before defender, then slot, then the tag's place on the unit).
    for (let i = 1; unsorted && i < count; i++) {
      const k = order[i]!;
      const p = PRIORITY[KEY_ID[k]!]!;
      let j = i - 1;
      while (j >= 0 && PRIORITY[KEY_ID[order[j]!]!]! < p) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = k;
    }
    let posts = 0;
    let ends = 0;
    for (let i = 0; i < count; i++) {
      const k = order[i]!;
      const hooks = HOOKS[KEY_ID[k]!]!;
      if ((hooks & HAS_POST) !== 0) this.postKeys[posts++] = k;
      if ((hooks & (HAS_END | HAS_DRAW_CHANCE)) !== 0) this.endKeys[ends++] = k;
    }
    this.postCount = posts;
    this.endCount = ends;
  }

  private startPhase(): void {
    const ctx = this.ctx;
    const order = this.order;
    for (let i = 0, n = this.orderCount; i < n; i++) {
      const k = order[i]!;
      const id = KEY_ID[k]!;
      if ((HOOKS[id]! & HAS_START) !== 0 && !ctx.isSuppressed(KEY_SIDE[k]!, id)) this.pool[k]!.onBattleStart!(ctx);
    }
  }

  private powerPhase(side: number, lo: number, hi: number): void {
    const ctx = this.ctx;
    const team = ctx.teams[side]!;
    const span = hi - lo;
    const rng = ctx.rng;
    const mods = this.modKeys;
    const pool = this.pool;
    for (let slot = 0; slot < team.length; slot++) {
      const idx = side * MAX_TEAM_SIZE + slot;
      const m = ctx.multipliers[idx]!;
      if (m === 0) {
        ctx.finals[idx] = 0;
        continue;
      }
      let p = team[slot]!.power;
      for (let j = this.modStart[idx]!, end = this.modEnd[idx]!; j < end; j++) {
        const k = mods[j]!;
        if ((ctx.suppressed[side]! & (1 << KEY_ID[k]!)) === 0) p *= pool[k]!.powerModifier!(ctx);
      }
      p = p * m + ctx.flatBonuses[idx]! + ctx.rolledBonuses[idx]!;
      const locked = ctx.lockedVariance[idx]!;
      p *= locked !== 0 ? locked : lo + span * rng.next();
      ctx.finals[idx] = p > 0 ? Math.floor(p + FLOOR_EPSILON) : 0;
    }
  }

  private fight(varA: readonly [number, number], varD: readonly [number, number], seed: number): BattleResult {
    const ctx = this.ctx;
    const log = ctx.entries;
    const n0 = ctx.sizes[0]!;
    const n1 = ctx.sizes[1]!;
    let keep = log.length; // entries before this point survive a RETRY
    let totalA = 0;
    let totalD = 0;
    let outcome: Outcome;
    let drawnBy: LogEntry | null = null;
    const retriedBy: LogEntry[] = [];
    for (;;) {
      if (ctx.rolledAny) {
        for (let i = 0; i < SLOTS; i++) ctx.rolledBonuses[i] = 0;
        ctx.rolledAny = false;
      }
      ctx.inPowerPhase = true;
      this.powerPhase(0, varA[0], varA[1]);
      this.powerPhase(1, varD[0], varD[1]);
      ctx.inPowerPhase = false;

      const post = this.postKeys;
      for (let i = 0, n = this.postCount; i < n; i++) {
        const k = post[i]!;
        if (ctx.multipliers[KEY_SLOT_INDEX[k]!] === 0 || ctx.isSuppressed(KEY_SIDE[k]!, KEY_ID[k]!)) continue;
        this.pool[k]!.onPostPowerCalculation!(ctx);
      }

      totalA = 0;
      totalD = 0;
      for (let i = 0; i < n0; i++) totalA += ctx.finals[i]!;
      for (let i = 0; i < n1; i++) totalD += ctx.finals[MAX_TEAM_SIZE + i]!;
      const attackerWins = totalA > totalD;
      const loser = attackerWins ? 1 : 0;
      const loserTotal = attackerWins ? totalD : totalA;
      const winnerTotal = attackerWins ? totalA : totalD;
      ctx.closeLoss = loserTotal >= winnerTotal * CLOSE_LOSS_RATIO;
      ctx.lossRatio = winnerTotal > 0 ? loserTotal / winnerTotal : 1;

      let decision: EndDecision = null;
      let pooledRolled = false;
      const end = this.endKeys;
      for (let i = 0, n = this.endCount; i < n; i++) {
        const k = end[i]!;
        if (KEY_SIDE[k] !== loser || ctx.isSuppressed(loser, KEY_ID[k]!)) continue;
        let d: EndDecision;
        if ((HOOKS[KEY_ID[k]!]! & HAS_DRAW_CHANCE) !== 0) {
          if (pooledRolled) continue;
          pooledRolled = true;
          d = this.pooledDraw(i, loser);
        } else {
          d = this.pool[k]!.onBattleEnd!(ctx);
        }
        if (d === null || (d === 'RETRY' && !ctx.canRetry())) continue;
        decision = d;
        break;
      }
      if (decision === 'RETRY') {
        ctx.retries++;
        // Drop the failed attempt's lines (a "too wide to save" among them)
        // but keep the last, the one saying why it re-ran.
        log.splice(keep, log.length - 1 - keep);
        keep = log.length;
        retriedBy.push(decisionEntry(log, 'retry'));
        continue;
      }
      if (decision === 'DRAW') drawnBy = decisionEntry(log, 'draw');
      outcome = decision === 'DRAW' ? 'DRAW' : attackerWins ? 'WIN' : 'LOSS';
      break;
    }

    const finalA = new Array<number>(n0);
    for (let i = 0; i < n0; i++) finalA[i] = ctx.finals[i]!;
    const finalD = new Array<number>(n1);
    for (let i = 0; i < n1; i++) finalD[i] = ctx.finals[MAX_TEAM_SIZE + i]!;
    const royaltyBit = 1 << ROYALTY.id;
    return {
      seed,
      outcome,
      retries: ctx.retries,
      finalPowers: { attacker: finalA, defender: finalD },
      totals: { attacker: totalA, defender: totalD },
      log,
      royalty: {
        attacker: this.royaltyUnits[0]! > 0 && (ctx.suppressed[0]! & royaltyBit) === 0,
        defender: this.royaltyUnits[1]! > 0 && (ctx.suppressed[1]! & royaltyBit) === 0,
      },
      units: { attacker: ctx.teams[0]!, defender: ctx.teams[1]! },
      drawnBy,
      retriedBy,
      rulesVersion: RULES_VERSION,
    };
  }

  /**
   * The losing side's one pooled draw roll (SPEC §6), at the first of its
   * `drawChance` skills (end key index `from`): combined chance
   * 1 − Π(1 − pᵢ) over every unsilenced one on that side, capped at
   * MAX_DRAW_CHANCE, logged as that first skill's. A rout isn't rolled for.
   */
  private pooledDraw(from: number, loser: number): EndDecision {
    const ctx = this.ctx;
    const end = this.endKeys;
    let miss = 1;
    for (let j = from, n = this.endCount; j < n; j++) {
      const k = end[j]!;
      const id = KEY_ID[k]!;
      if (KEY_SIDE[k] !== loser || (HOOKS[id]! & HAS_DRAW_CHANCE) === 0 || ctx.isSuppressed(loser, id)) continue;
      const p = this.pool[k]!.drawChance!(ctx);
      miss *= 1 - Math.min(1, Math.max(0, p));
    }
    const first = this.pool[end[from]!]!;
    if (!ctx.closeLoss) {
      ctx.log(first, 'notClose', ctx.lossRatio, first.side, first.slot);
      return null;
    }
    const chance = Math.min(MAX_DRAW_CHANCE, 1 - miss);
    if (!(chance > 0) || ctx.rng.next() >= chance) return null;
    ctx.log(first, 'draw', chance, first.side, first.slot);
    return 'DRAW';
  }
}

/** The entry a deciding skill logged last (the hook contract); a skill that broke it is a bug, caught by the tests. */
function decisionEntry(log: LogEntry[], kind: 'draw' | 'retry'): LogEntry {
  const e = log[log.length - 1];
  if (e !== undefined && e.kind === kind) return e;
  throw new Error(`a skill returned ${kind.toUpperCase()} without logging a '${kind}' entry`);
}

const sharedEngine = new BattleEngine();

/**
 * Runs one battle. Synchronous and pure: same teams, options and seed give a
 * deep-equal result (log included); no I/O, no Math.random.
 */
export function runBattle(attacker: readonly BattleUnit[], defender: readonly BattleUnit[], options: BattleOptions): BattleResult {
  // A nested call (never expected) gets its own buffers instead of corrupting the shared ones.
  const engine = sharedEngine.busy ? new BattleEngine() : sharedEngine;
  return engine.run(attacker, defender, options);
}
