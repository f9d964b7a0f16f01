/**
 * One class per battle skill (SPEC §6), with typed hooks the engine calls:
 *
 * - `onBattleStart(ctx)` — phase 1, once per battle, in priority order.
 * - `powerModifier(ctx)` — phase 2, every attempt: a factor for the holder's power.
 * - `onPostPowerCalculation(ctx)` — phase 3, every attempt: may rewrite finals.
 * - `onBattleEnd(ctx)` — phase 4, only for skills of the side that lost:
 *   `'DRAW'` turns the loss into a draw, `'RETRY'` re-runs phases 2–4, `null` passes.
 *
 * A class only defines the hooks it needs; the engine calls nothing else, so an
 * absent hook costs nothing. Numbers never live here: every class reads its
 * `values` from the registry, which also writes the player-facing description.
 * Sides are numbers inside the engine (0 attacker, 1 defender) for speed.
 */
import type { BattleContext } from './engine.js';

export type EndDecision = 'DRAW' | 'RETRY' | null;

/** What a skill object is built from (a registry entry satisfies it). */
export interface SkillIdentity<V> {
  readonly id: number;
  readonly name: string;
  readonly values: V;
}

export abstract class BattleSkill<V = unknown> {
  // `declare` + constructor assignment: ES2022 class fields use define
  // semantics, which made object creation the engine's hottest spot.
  declare readonly id: number;
  declare readonly name: string;
  declare readonly values: V;
  /** Holder's side (0 attacker, 1 defender) and slot. */
  declare readonly side: number;
  declare readonly slot: number;
  /**
   * Index of this (skill, side, slot) into the context's per-object state
   * (`retried`, `zodiacSign`). Objects are pooled by the engine and reused across
   * battles, so everything that changes during a battle lives in the context.
   */
  declare readonly key: number;

  constructor(def: SkillIdentity<V>, side: number, slot: number) {
    this.id = def.id;
    this.name = def.name;
    this.values = def.values;
    this.side = side;
    this.slot = slot;
    this.key = skillKey(def.id, side, slot);
  }

  onBattleStart?(ctx: BattleContext): void;
  powerModifier?(ctx: BattleContext): number;
  onPostPowerCalculation?(ctx: BattleContext): void;
  onBattleEnd?(ctx: BattleContext): EndDecision;
}

/** Slots per battle (2 sides × 5); keys are `id * SLOTS_PER_BATTLE + side * 5 + slot`. */
export const SLOTS_PER_BATTLE = 10;
export function skillKey(id: number, side: number, slot: number): number {
  return id * SLOTS_PER_BATTLE + side * 5 + slot;
}

export type SkillClass<V> = new (def: SkillIdentity<V>, side: number, slot: number) => BattleSkill<V>;

// ---------------------------------------------------------------- power phase

export interface MultiplierValues {
  readonly multiplier: number;
}
export interface ChanceMultiplierValues {
  readonly chance: number;
  readonly multiplier: number;
}
export interface LuckySevenValues {
  readonly chance: number;
  readonly multiplier: number;
  /** Second roll when the first misses. */
  readonly flatChance: number;
  readonly flat: number;
}
export interface JokerValues {
  readonly chance: number;
  readonly multiplier: number;
  readonly otherwise: number;
}

/** Surge: the holder always gets the multiplier. */
export class FlatBuffSkill extends BattleSkill<MultiplierValues> {
  override powerModifier(ctx: BattleContext): number {
    const m = this.values.multiplier;
    ctx.log(this, 'multiplier', m, this.side, this.slot);
    return m;
  }
}

/** Berserk, Golden Egg: the holder gets the multiplier on a successful roll. */
export class ChanceBuffSkill extends BattleSkill<ChanceMultiplierValues> {
  override powerModifier(ctx: BattleContext): number {
    if (ctx.rng.next() >= this.values.chance) return 1;
    const m = this.values.multiplier;
    ctx.log(this, 'multiplier', m, this.side, this.slot);
    return m;
  }
}

export class LuckySevenSkill extends BattleSkill<LuckySevenValues> {
  override powerModifier(ctx: BattleContext): number {
    const v = this.values;
    if (ctx.rng.next() < v.chance) {
      ctx.log(this, 'multiplier', v.multiplier, this.side, this.slot);
      return v.multiplier;
    }
    if (ctx.rng.next() < v.flatChance) {
      ctx.addFlatBonus(this.side, this.slot, v.flat);
      ctx.log(this, 'flat', v.flat, this.side, this.slot);
    }
    return 1;
  }
}

export class JokerSkill extends BattleSkill<JokerValues> {
  override powerModifier(ctx: BattleContext): number {
    const m = ctx.rng.next() < this.values.chance ? this.values.multiplier : this.values.otherwise;
    ctx.log(this, 'multiplier', m, this.side, this.slot);
    return m;
  }
}

// ---------------------------------------------------------------- start phase

export interface EnemyMultiplierValues {
  readonly enemyMultiplier: number;
}

/** Guard: the enemy team's multipliers, once per side however many Guards it has. */
export class GuardSkill extends BattleSkill<EnemyMultiplierValues> {
  override onBattleStart(ctx: BattleContext): void {
    if (ctx.guarded[this.side] === 1) return;
    ctx.guarded[this.side] = 1;
    const enemy = this.side ^ 1;
    ctx.multiplyTeam(enemy, this.values.enemyMultiplier);
    ctx.log(this, 'teamMultiplier', this.values.enemyMultiplier, enemy, -1);
  }
}

/**
 * Kamikaze: one random enemy still standing (multiplier > 0) and the holder both
 * drop to multiplier 0. With no enemy standing it does nothing — nothing to trade
 * itself for. It goes off even if the holder was already taken out by an earlier
 * Kamikaze (start effects are declared at the start, so two Kamikazes both blow).
 */
export class KamikazeSkill extends BattleSkill<Record<string, never>> {
  override onBattleStart(ctx: BattleContext): void {
    const enemy = this.side ^ 1;
    const target = ctx.randomStandingSlot(enemy, -1);
    if (target < 0) return;
    ctx.setMultiplier(enemy, target, 0);
    ctx.setMultiplier(this.side, this.slot, 0);
    ctx.log(this, 'knockout', 0, enemy, target);
  }
}

export interface PartnerMultiplierValues {
  readonly partnerId: number;
  readonly partnerName: string;
  readonly multiplier: number;
}

/** The Amber Sun: with the partner on the team, holder and partner (if another unit) are boosted. */
export class PairBuffSkill extends BattleSkill<PartnerMultiplierValues> {
  override onBattleStart(ctx: BattleContext): void {
    const partner = ctx.findCharacter(this.side, this.values.partnerId);
    if (partner < 0) return;
    const m = this.values.multiplier;
    ctx.multiplySlot(this.side, this.slot, m);
    ctx.log(this, 'multiplier', m, this.side, this.slot);
    if (partner !== this.slot) {
      ctx.multiplySlot(this.side, partner, m);
      ctx.log(this, 'multiplier', m, this.side, partner);
    }
  }
}

/** Eternity: with the partner on the team (the holder counts), the holder is boosted. */
export class PartnerBuffSkill extends BattleSkill<PartnerMultiplierValues> {
  override onBattleStart(ctx: BattleContext): void {
    if (ctx.findCharacter(this.side, this.values.partnerId) < 0) return;
    ctx.multiplySlot(this.side, this.slot, this.values.multiplier);
    ctx.log(this, 'multiplier', this.values.multiplier, this.side, this.slot);
  }
}

export interface PartnerTeamValues {
  readonly partnerId: number;
  readonly partnerName: string;
  readonly teamMultiplier: number;
}

/** Ephemerality: with the partner on the team, the whole team is boosted. */
export class PartnerTeamBuffSkill extends BattleSkill<PartnerTeamValues> {
  override onBattleStart(ctx: BattleContext): void {
    if (ctx.findCharacter(this.side, this.values.partnerId) < 0) return;
    ctx.multiplyTeam(this.side, this.values.teamMultiplier);
    ctx.log(this, 'teamMultiplier', this.values.teamMultiplier, this.side, -1);
  }
}

export interface FelineFealtyValues extends PartnerMultiplierValues {
  readonly enemyMultiplier: number;
}

export class FelineFealtySkill extends BattleSkill<FelineFealtyValues> {
  override onBattleStart(ctx: BattleContext): void {
    const v = this.values;
    const partner = ctx.findCharacter(this.side, v.partnerId);
    if (partner < 0) return;
    ctx.multiplySlot(this.side, this.slot, v.multiplier);
    ctx.log(this, 'multiplier', v.multiplier, this.side, this.slot);
    if (partner !== this.slot) {
      ctx.multiplySlot(this.side, partner, v.multiplier);
      ctx.log(this, 'multiplier', v.multiplier, this.side, partner);
    }
    const enemy = this.side ^ 1;
    ctx.multiplyTeam(enemy, v.enemyMultiplier);
    ctx.log(this, 'teamMultiplier', v.enemyMultiplier, enemy, -1);
  }
}

export interface OnyxMoonValues {
  readonly partnerId: number;
  readonly partnerName: string;
  readonly eclipseMultiplier: number;
}

/**
 * The Onyx Moon: silences one enemy skill, chosen uniformly among the enemy's
 * (unit, skill) pairs that can be silenced and aren't yet, so the name is
 * weighted by how many enemies carry it and "the unit carrying it" is defined.
 * With the partner (Coco) on the holder's team, that unit is also weakened (Eclipse).
 */
export class OnyxMoonSkill extends BattleSkill<OnyxMoonValues> {
  override onBattleStart(ctx: BattleContext): void {
    const enemy = this.side ^ 1;
    const carrier = ctx.suppressRandomSkill(enemy);
    if (carrier < 0) return;
    let m = 1;
    if (ctx.findCharacter(this.side, this.values.partnerId) >= 0) {
      m = this.values.eclipseMultiplier;
      ctx.multiplySlot(enemy, carrier, m);
    }
    ctx.log(this, 'suppress', m, enemy, carrier, ctx.lastSuppressedName);
  }
}

// ---------------------------------------------------------------- end phase

export interface ChanceValues {
  readonly chance: number;
}

/** Revive: on its own side's loss, a chance to turn it into a draw. */
export class ReviveSkill extends BattleSkill<ChanceValues> {
  override onBattleEnd(ctx: BattleContext): EndDecision {
    if (ctx.rng.next() >= this.values.chance) return null;
    ctx.log(this, 'draw', 0, this.side, this.slot);
    return 'DRAW';
  }
}

/** Second Wind: on its own side's loss, a chance to fight phases 2–4 again (once per object). */
export class SecondWindSkill extends BattleSkill<ChanceValues> {
  override onBattleEnd(ctx: BattleContext): EndDecision {
    // Don't roll when the retry couldn't happen: keeps the log honest.
    if (ctx.retried[this.key] === 1 || !ctx.canRetry()) return null;
    if (ctx.rng.next() >= this.values.chance) return null;
    ctx.retried[this.key] = 1;
    ctx.log(this, 'retry', ctx.retries + 1, this.side, this.slot);
    return 'RETRY';
  }
}

// ---------------------------------------------------------------- zodiacs

export const ZODIAC_SIGNS = ['Rat', 'Ox', 'Tiger', 'Rabbit', 'Dragon', 'Snake', 'Horse', 'Sheep', 'Monkey', 'Rooster', 'Dog', 'Pig'] as const;
export type ZodiacSign = (typeof ZODIAC_SIGNS)[number];

/** Numbers of one sign; absent fields mean "no such effect". */
export interface ZodiacEffect {
  /** Holder's multiplier (Rat; Horse's cost; Rooster's extra). */
  readonly holder?: number;
  /** One random standing enemy (Ox). */
  readonly enemy?: number;
  /** Own team, holder included (Tiger, Rooster). */
  readonly team?: number;
  /** Whole enemy team (Rabbit). */
  readonly enemyTeam?: number;
  /** One random standing teammate other than the holder (Horse). */
  readonly teammate?: number;
  /** Holder's variance fixed at this value (Dragon). */
  readonly variance?: number;
}

export interface ZodiacValues {
  /** Signs this skill can draw from, uniformly. */
  readonly signs: readonly ZodiacSign[];
  /** The same signs as indexes into ZODIAC_SIGNS (saves a search per battle). */
  readonly signIndexes: readonly number[];
  readonly effects: Readonly<Record<ZodiacSign, ZodiacEffect>>;
  /** Character that must be on the team (Entwined Souls: Kyo), or null. */
  readonly partnerId: number | null;
  readonly partnerName: string | null;
  /** How much stronger than the Queen's numbers (1 for the Queen itself). */
  readonly scale: number;
}

const RAT = 0,
  OX = 1,
  TIGER = 2,
  RABBIT = 3,
  DRAGON = 4,
  SNAKE = 5,
  HORSE = 6,
  SHEEP = 7,
  MONKEY = 8,
  ROOSTER = 9,
  DOG = 10,
  PIG = 11;

/**
 * Queen of the Zodiacs and Entwined Souls: draw one sign at the start (kept
 * through retries) and act as that sign in every later phase.
 */
export class ZodiacSkill extends BattleSkill<ZodiacValues> {
  // The drawn sign is ctx.zodiacSigns[key]: an index into ZODIAC_SIGNS, -1 when
  // inert (Entwined Souls without its partner).

  override onBattleStart(ctx: BattleContext): void {
    const v = this.values;
    if (v.partnerId !== null && ctx.findCharacter(this.side, v.partnerId) < 0) return;
    const pick = Math.floor(ctx.rng.next() * v.signs.length);
    const name = v.signs[pick]!;
    const sign = v.signIndexes[pick]!;
    ctx.zodiacSigns[this.key] = sign;
    ctx.log(this, 'zodiac', 0, this.side, this.slot, name);
    const e = v.effects[name];
    const side = this.side;
    const enemy = side ^ 1;
    switch (sign) {
      case RAT:
        this.boost(ctx, side, this.slot, e.holder!, name);
        break;
      case OX: {
        const target = ctx.randomStandingSlot(enemy, -1);
        if (target >= 0) this.boost(ctx, enemy, target, e.enemy!, name);
        break;
      }
      case TIGER:
        ctx.multiplyTeam(side, e.team!);
        ctx.log(this, 'teamMultiplier', e.team!, side, -1, name);
        break;
      case RABBIT:
        ctx.multiplyTeam(enemy, e.enemyTeam!);
        ctx.log(this, 'teamMultiplier', e.enemyTeam!, enemy, -1, name);
        break;
      case DRAGON:
        ctx.lockVariance(side, this.slot, e.variance!);
        ctx.log(this, 'lockVariance', e.variance!, side, this.slot, name);
        break;
      case HORSE: {
        // Without a teammate the Horse has nobody to carry: no cost, no boost.
        const mate = ctx.randomStandingSlot(side, this.slot);
        if (mate < 0) break;
        this.boost(ctx, side, this.slot, e.holder!, name);
        this.boost(ctx, side, mate, e.teammate!, name);
        break;
      }
      case ROOSTER:
        ctx.multiplyTeam(side, e.team!);
        ctx.log(this, 'teamMultiplier', e.team!, side, -1, name);
        this.boost(ctx, side, this.slot, e.holder!, name);
        break;
      case PIG: {
        const carrier = ctx.suppressRandomSkill(enemy);
        if (carrier >= 0) ctx.log(this, 'suppress', 1, enemy, carrier, ctx.lastSuppressedName);
        break;
      }
      default:
        break; // Snake, Sheep, Monkey, Dog act later.
    }
  }

  private boost(ctx: BattleContext, side: number, slot: number, m: number, sign: string): void {
    ctx.multiplySlot(side, slot, m);
    ctx.log(this, 'multiplier', m, side, slot, sign);
  }

  override onPostPowerCalculation(ctx: BattleContext): void {
    const side = this.side;
    const enemy = side ^ 1;
    switch (ctx.zodiacSigns[this.key]) {
      case SHEEP: {
        const best = ctx.highestFinalSlot(enemy);
        if (best < 0) return;
        const p = ctx.finalPower(enemy, best);
        ctx.setFinalPower(side, this.slot, p);
        ctx.log(this, 'copy', p, enemy, best, 'Sheep');
        return;
      }
      case MONKEY: {
        const target = ctx.randomPositiveFinalSlot(enemy);
        if (target < 0) return;
        const mine = ctx.finalPower(side, this.slot);
        const theirs = ctx.finalPower(enemy, target);
        ctx.setFinalPower(side, this.slot, theirs);
        ctx.setFinalPower(enemy, target, mine);
        ctx.log(this, 'swap', theirs, enemy, target, 'Monkey');
        return;
      }
      case DOG: {
        const best = ctx.highestFinalSlot(side);
        if (best < 0 || best === this.slot) return;
        const p = ctx.finalPower(side, best);
        if (p <= ctx.finalPower(side, this.slot)) return;
        ctx.setFinalPower(side, this.slot, p);
        ctx.log(this, 'copy', p, side, best, 'Dog');
        return;
      }
      default:
        return;
    }
  }

  override onBattleEnd(ctx: BattleContext): EndDecision {
    if (ctx.zodiacSigns[this.key] !== SNAKE) return null;
    ctx.log(this, 'draw', 0, this.side, this.slot, 'Snake');
    return 'DRAW';
  }
}
