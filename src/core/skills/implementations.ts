/**
 * One class per battle skill (SPEC §6), with typed hooks the engine calls:
 *
 * - `onBattleStart(ctx)` — phase 1, once per battle, in priority order.
 * - `powerModifier(ctx)` — phase 2, every attempt: a factor for the holder's power.
 * - `onPostPowerCalculation(ctx)` — phase 3, every attempt: may rewrite finals.
 * - `onBattleEnd(ctx)` — phase 4, only for skills of the side that lost:
 *   `'DRAW'` turns the loss into a draw, `'RETRY'` re-runs phases 2–4, `null` passes.
 *   A skill that decides logs a `'draw'` or `'retry'` entry just before returning.
 * - `drawChance(ctx)` — phase 4 too, instead of `onBattleEnd`: the chance this
 *   skill saves its side's close loss. The engine pools a side's chances into one
 *   roll (SPEC §6), so such a skill never rolls or logs the draw itself.
 *
 * State belongs to the skill, as pokemon-showdown's `effectState` does: a class
 * that needs memory during a battle declares it with `initialState()` (one value
 * per skill object: Queen of the Zodiacs' sign) and/or `initialSideState()`
 * (one value per side shared by every copy of the skill there: Guard's "once per
 * side"). The engine calls them when it creates the battle's skill objects and
 * keeps the values in the context (`ctx.state(this)`, `ctx.sideState(this)`), so
 * a new stateful skill adds nothing to the context. Objects are pooled across
 * battles, so a class keeps nothing of a battle in its own fields.
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

/**
 * A battle skill with values `V`, per-object state `S` and per-side state `SS`
 * (`undefined` when it keeps none).
 */
export abstract class BattleSkill<V = unknown, S = undefined, SS = undefined> {
  // `declare` + constructor assignment: ES2022 class fields use define
  // semantics, which made object creation the engine's hottest spot.
  declare readonly id: number;
  declare readonly name: string;
  declare readonly values: V;
  /** Holder's side (0 attacker, 1 defender) and slot. */
  declare readonly side: number;
  declare readonly slot: number;
  /** Index of this (skill, side, slot) into the context's per-object arrays (its state among them). */
  declare readonly key: number;

  constructor(def: SkillIdentity<V>, side: number, slot: number) {
    this.id = def.id;
    this.name = def.name;
    this.values = def.values;
    this.side = side;
    this.slot = slot;
    this.key = skillKey(def.id, side, slot);
  }

  /** This object's state at the start of every battle; read and replaced with `ctx.state` / `ctx.setState`. */
  initialState?(): S;
  /** The state its side's copies share, at the start of every battle (`ctx.sideState` / `ctx.setSideState`). */
  initialSideState?(): SS;

  onBattleStart?(ctx: BattleContext): void;
  powerModifier?(ctx: BattleContext): number;
  onPostPowerCalculation?(ctx: BattleContext): void;
  onBattleEnd?(ctx: BattleContext): EndDecision;
  drawChance?(ctx: BattleContext): number;
}

/** Any skill object, whatever its value and state shapes (the parameters are invariant). */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnySkill = BattleSkill<any, any, any>;

/** Slots per battle (2 sides × 5); keys are `id * SLOTS_PER_BATTLE + side * 5 + slot`. */
export const SLOTS_PER_BATTLE = 10;
export function skillKey(id: number, side: number, slot: number): number {
  return id * SLOTS_PER_BATTLE + side * 5 + slot;
}

// biome-ignore lint/suspicious/noExplicitAny: a skill of any state shape
export type SkillClass<V> = new (def: SkillIdentity<V>, side: number, slot: number) => BattleSkill<V, any, any>;

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

/** Berserk, Golden Egg: the holder gets the multiplier on a successful roll (a miss is not a firing). */
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

/**
 * Guard: the enemy team's multipliers, once per side however many Guards it has.
 * Side state: whether this side's Guard is up.
 */
export class GuardSkill extends BattleSkill<EnemyMultiplierValues, undefined, boolean> {
  override initialSideState(): boolean {
    return false;
  }

  override onBattleStart(ctx: BattleContext): void {
    if (ctx.sideState(this)) {
      ctx.log(this, 'alreadyActive', 0, this.side, -1);
      return;
    }
    ctx.setSideState(this, true);
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
    if (target < 0) {
      ctx.log(this, 'noTarget', 0, enemy, -1);
      return;
    }
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
    if (partner < 0) {
      ctx.log(this, 'noPartner', 0, this.side, -1, '', this.values.partnerName);
      return;
    }
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
    if (ctx.findCharacter(this.side, this.values.partnerId) < 0) {
      ctx.log(this, 'noPartner', 0, this.side, -1, '', this.values.partnerName);
      return;
    }
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
    if (ctx.findCharacter(this.side, this.values.partnerId) < 0) {
      ctx.log(this, 'noPartner', 0, this.side, -1, '', this.values.partnerName);
      return;
    }
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
    if (partner < 0) {
      ctx.log(this, 'noPartner', 0, this.side, -1, '', v.partnerName);
      return;
    }
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
 * With the partner (Coco) on the holder's team, that unit is also weakened
 * (Eclipse); without, it only silences (Umbra).
 */
export class OnyxMoonSkill extends BattleSkill<OnyxMoonValues> {
  override onBattleStart(ctx: BattleContext): void {
    const enemy = this.side ^ 1;
    const eclipse = ctx.findCharacter(this.side, this.values.partnerId) >= 0;
    const effect = eclipse ? 'Eclipse' : 'Umbra';
    const carrier = ctx.suppressRandomSkill(enemy);
    if (carrier < 0) {
      ctx.log(this, 'nothingToSilence', 0, enemy, -1, effect);
      return;
    }
    const m = eclipse ? this.values.eclipseMultiplier : 1;
    if (eclipse) ctx.multiplySlot(enemy, carrier, m);
    ctx.log(this, 'suppress', m, enemy, carrier, effect, ctx.lastSuppressedName);
  }
}

// ---------------------------------------------------------------- end phase

export interface ChanceValues {
  readonly chance: number;
}

/**
 * Revive: on its own side's close loss, a chance of a draw — pooled with the
 * side's other chance-based outcome skills into one roll (the engine rolls it).
 */
export class ReviveSkill extends BattleSkill<ChanceValues> {
  override drawChance(): number {
    return this.values.chance;
  }
}

/**
 * Second Wind: on its own side's loss, a chance to fight phases 2–4 again.
 * State: whether this object has asked for its one re-fight.
 */
export class SecondWindSkill extends BattleSkill<ChanceValues, boolean> {
  override initialState(): boolean {
    return false;
  }

  override onBattleEnd(ctx: BattleContext): EndDecision {
    // Don't roll when the retry couldn't happen: keeps the log honest.
    if (ctx.state(this) || !ctx.canRetry()) return null;
    if (ctx.rng.next() >= this.values.chance) return null;
    ctx.setState(this, true);
    ctx.log(this, 'retry', ctx.retries + 1, this.side, this.slot);
    return 'RETRY';
  }
}

// ---------------------------------------------------------------- delayed effects

export interface TimeBombValues {
  /** The bombed enemy's final power is multiplied by this after the roll. */
  readonly finalMultiplier: number;
}

/**
 * Time Bomb: at the start, plants a bomb on one random enemy still standing;
 * after every power roll it goes off on that enemy (final power × the value,
 * floored). The start phase isn't re-run, so a re-fight finds the bomb where it
 * was planted. State: the bombed enemy's slot, -1 while none is.
 */
export class TimeBombSkill extends BattleSkill<TimeBombValues, number> {
  override initialState(): number {
    return -1;
  }

  override onBattleStart(ctx: BattleContext): void {
    const enemy = this.side ^ 1;
    const target = ctx.randomStandingSlot(enemy, -1);
    if (target < 0) ctx.log(this, 'noTarget', 0, enemy, -1);
    else ctx.setState(this, target);
  }

  override onPostPowerCalculation(ctx: BattleContext): void {
    const target = ctx.state(this);
    if (target < 0) return;
    const enemy = this.side ^ 1;
    const p = ctx.finalPower(enemy, target);
    if (p <= 0) {
      ctx.log(this, 'noTarget', 0, enemy, target); // taken out before it went off
      return;
    }
    const m = this.values.finalMultiplier;
    // Finals are integers; the epsilon keeps float noise from costing a point.
    ctx.setFinalPower(enemy, target, Math.floor(p * m + 1e-7));
    ctx.log(this, 'finalMultiplier', m, enemy, target);
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
 * State: the sign drawn, as an index into ZODIAC_SIGNS; -1 while none is
 * (Entwined Souls without its partner stays at -1 and does nothing later).
 */
export class ZodiacSkill extends BattleSkill<ZodiacValues, number> {
  override initialState(): number {
    return -1;
  }

  override onBattleStart(ctx: BattleContext): void {
    const v = this.values;
    if (v.partnerId !== null && ctx.findCharacter(this.side, v.partnerId) < 0) {
      ctx.log(this, 'noPartner', 0, this.side, -1, '', v.partnerName ?? '');
      return;
    }
    const pick = Math.floor(ctx.rng.next() * v.signs.length);
    const name = v.signs[pick]!;
    const sign = v.signIndexes[pick]!;
    ctx.setState(this, sign);
    ctx.log(this, 'pick', 0, this.side, this.slot, name);
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
        else ctx.log(this, 'noTarget', 0, enemy, -1, name);
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
        // The holder pays its cost whether or not there is a teammate to carry (SPEC §6).
        const mate = ctx.randomStandingSlot(side, this.slot);
        this.boost(ctx, side, this.slot, e.holder!, name);
        if (mate >= 0) this.boost(ctx, side, mate, e.teammate!, name);
        else ctx.log(this, 'noTeammate', 0, side, -1, name);
        break;
      }
      case ROOSTER:
        ctx.multiplyTeam(side, e.team!);
        ctx.log(this, 'teamMultiplier', e.team!, side, -1, name);
        this.boost(ctx, side, this.slot, e.holder!, name);
        break;
      case PIG: {
        const carrier = ctx.suppressRandomSkill(enemy);
        if (carrier >= 0) ctx.log(this, 'suppress', 1, enemy, carrier, name, ctx.lastSuppressedName);
        else ctx.log(this, 'nothingToSilence', 0, enemy, -1, name);
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
    switch (ctx.state(this)) {
      case SHEEP: {
        const best = ctx.highestFinalSlot(enemy);
        if (best < 0) {
          ctx.log(this, 'noTarget', 0, enemy, -1, 'Sheep');
          return;
        }
        const p = ctx.finalPower(enemy, best);
        ctx.setFinalPower(side, this.slot, p);
        ctx.log(this, 'copy', p, enemy, best, 'Sheep');
        return;
      }
      case MONKEY: {
        const target = ctx.randomPositiveFinalSlot(enemy);
        if (target < 0) {
          ctx.log(this, 'noTarget', 0, enemy, -1, 'Monkey');
          return;
        }
        const mine = ctx.finalPower(side, this.slot);
        const theirs = ctx.finalPower(enemy, target);
        ctx.setFinalPower(side, this.slot, theirs);
        ctx.setFinalPower(enemy, target, mine);
        ctx.log(this, 'swap', theirs, enemy, target, 'Monkey');
        return;
      }
      case DOG: {
        const best = ctx.highestFinalSlot(side);
        const p = best < 0 ? 0 : ctx.finalPower(side, best);
        if (best === this.slot || p <= ctx.finalPower(side, this.slot)) {
          ctx.log(this, 'alreadyStrongest', 0, side, this.slot, 'Dog');
          return;
        }
        ctx.setFinalPower(side, this.slot, p);
        ctx.log(this, 'copy', p, side, best, 'Dog');
        return;
      }
      default:
        return;
    }
  }

  /** Snake: the holder's side's loss is a draw — a certain one, but only of a close loss (SPEC §6). */
  override onBattleEnd(ctx: BattleContext): EndDecision {
    if (ctx.state(this) !== SNAKE) return null;
    if (!ctx.closeLoss) {
      ctx.log(this, 'notClose', ctx.lossRatio, this.side, this.slot, 'Snake');
      return null;
    }
    ctx.log(this, 'draw', 1, this.side, this.slot, 'Snake');
    return 'DRAW';
  }
}
