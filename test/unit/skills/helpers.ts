/** Inline teams and forced rolls for the battle engine tests. */
import { type BattleOptions, type BattleResult, type BattleUnit, type RandomSource, runBattle } from '../../../src/core/skills/engine.js';

let nextId = 1_000_000;

/** A unit with a character id far from every partner character unless given. */
export function unit(name: string, power: number, skills: readonly string[] = [], characterId = nextId++): BattleUnit {
  return { name, characterId, power, skills, rarity: 'SR' };
}

/** Variance pinned to exactly 1, so powers are the SPEC's numbers. */
export const NO_VARIANCE = { attacker: [1, 1], defender: [1, 1] } as const;

/** Rolls in order; after they run out, `fallback`. Counts how many were drawn. */
export class ScriptedRolls implements RandomSource {
  drawn = 0;
  constructor(
    private readonly rolls: readonly number[],
    private readonly fallback = 0.5,
  ) {}
  next(): number {
    const v = this.rolls[this.drawn] ?? this.fallback;
    this.drawn++;
    return v;
  }
}

/** A battle with forced rolls and (by default) no variance. */
export function fight(
  attacker: readonly BattleUnit[],
  defender: readonly BattleUnit[],
  rolls: readonly number[] = [],
  options: Partial<BattleOptions> & { fallback?: number } = {},
): BattleResult {
  return runBattle(attacker, defender, {
    seed: 1,
    variance: options.variance ?? NO_VARIANCE,
    random: options.random ?? new ScriptedRolls(rolls, options.fallback),
  });
}

/** Roll that makes a Queen of the Zodiacs draw `sign` (index into the 12). */
export function zodiacRoll(index: number, of = 12): number {
  return (index + 0.5) / of;
}
