/** Properties of the battle engine over random teams, skills and seeds (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { BattleEngine, type BattleUnit, type Outcome, ReseedableRng, runBattle } from '../../../src/core/skills/engine.js';
import { SKILL_NAMES } from '../../../src/core/skills/registry.js';

const PARTNERS = [207, 209, 129840, 129842, 176754, 184311];

const unitArb = (withSkills: boolean): fc.Arbitrary<BattleUnit> =>
  fc.record({
    name: fc.string({ maxLength: 8 }),
    // Partner ids often enough that the partner skills fire.
    characterId: fc.oneof(fc.constantFrom(...PARTNERS), fc.integer({ min: 1, max: 1_000_000 })),
    power: fc.integer({ min: 0, max: 20_000 }),
    skills: withSkills
      ? fc.array(fc.oneof(fc.constantFrom(...SKILL_NAMES), fc.constant('surge'), fc.constant('Not A Skill')), { maxLength: 3 })
      : fc.constant([]),
    rarity: fc.constantFrom('R' as const, 'SR' as const, 'SSR' as const),
  });

const teamArb = (withSkills: boolean) => fc.array(unitArb(withSkills), { minLength: 0, maxLength: 5 });
const seedArb = fc.integer({ min: 0, max: 0xffffffff });

const flip: Record<Outcome, Outcome> = { WIN: 'LOSS', LOSS: 'WIN', DRAW: 'DRAW' };

describe('battle engine properties', () => {
  it('finals and totals are never negative or NaN, totals are the sums of the finals, retries ≤ 3', () => {
    fc.assert(
      fc.property(teamArb(true), teamArb(true), seedArb, (a, d, seed) => {
        const r = runBattle(a, d, { seed });
        for (const side of ['attacker', 'defender'] as const) {
          for (const p of r.finalPowers[side]) {
            expect(Number.isInteger(p)).toBe(true);
            expect(p).toBeGreaterThanOrEqual(0);
          }
          expect(r.totals[side]).toBe(r.finalPowers[side].reduce((x, y) => x + y, 0));
        }
        expect(r.finalPowers.attacker).toHaveLength(a.length);
        expect(r.finalPowers.defender).toHaveLength(d.length);
        expect(r.retries).toBeLessThanOrEqual(3);
        if (r.outcome === 'WIN') expect(r.totals.attacker).toBeGreaterThan(r.totals.defender);
        if (r.outcome === 'LOSS') expect(r.totals.attacker).toBeLessThanOrEqual(r.totals.defender);
      }),
      { numRuns: 2000 },
    );
  });

  it('the same teams and seed give a deep-equal result, even with other battles in between', () => {
    fc.assert(
      fc.property(teamArb(true), teamArb(true), seedArb, teamArb(true), (a, d, seed, other) => {
        const first = runBattle(a, d, { seed });
        const snapshot = structuredClone(first);
        runBattle(other, a, { seed: seed ^ 1 }); // reuses the shared engine's buffers
        const again = new BattleEngine().run(a, d, { seed });
        expect(again).toEqual(first);
        expect(first).toEqual(snapshot); // an earlier result is not disturbed
      }),
      { numRuns: 1000 },
    );
  });

  it('swapping the sides of a skill-less battle flips the outcome (a tie is a loss for whoever attacks)', () => {
    fc.assert(
      fc.property(teamArb(false), teamArb(false), seedArb, (a, d, seed) => {
        const variance = { attacker: [1, 1], defender: [1, 1] } as const;
        const ad = runBattle(a, d, { seed, variance });
        const da = runBattle(d, a, { seed, variance });
        if (ad.totals.attacker === ad.totals.defender) {
          expect([ad.outcome, da.outcome]).toEqual(['LOSS', 'LOSS']);
        } else {
          expect(da.outcome).toBe(flip[ad.outcome]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('with variance, swapping sides still flips the outcome when one side is clearly stronger', () => {
    fc.assert(
      fc.property(teamArb(false), teamArb(false), seedArb, (a, d, seed) => {
        const sum = (t: readonly BattleUnit[]) => t.reduce((x, u) => x + u.power, 0);
        // Variance is within ±10%, so a 25% gap can't be closed.
        fc.pre(sum(a) > sum(d) * 1.25 + 10 || sum(d) > sum(a) * 1.25 + 10);
        const ad = runBattle(a, d, { seed });
        const da = runBattle(d, a, { seed });
        expect(da.outcome).toBe(flip[ad.outcome]);
      }),
      { numRuns: 500 },
    );
  });

  it("the engine's generator replays Rng's stream exactly for any seed", () => {
    const mine = new ReseedableRng();
    fc.assert(
      fc.property(seedArb, (seed) => {
        const theirs = new Rng(seed);
        mine.reseed(seed);
        for (let i = 0; i < 50; i++) expect(mine.next()).toBe(theirs.next());
      }),
      { numRuns: 500 },
    );
  });
});
