import { describe, expect, it } from 'vitest';
import {
  DIFFICULTIES,
  type Difficulty,
  NPC_DUPES,
  NPC_LINEUPS,
  npcPower,
  npcPowerRange,
  npcTeam,
  npcTotalRange,
  npcUnitPower,
} from '../../../src/core/battle/npc.js';
import { RANK_BANDS, rarityForRank } from '../../../src/core/power.js';
import { Rng } from '../../../src/core/rng.js';

/** Line-ups from SPEC §7 as (rarity, rank range) per slot. */
const EXPECTED: Record<Difficulty, Array<[string, number, number]>> = {
  easy: [
    ['R', 1501, 10000],
    ['R', 1501, 10000],
    ['R', 1501, 10000],
    ['R', 1501, 10000],
    ['R', 1501, 10000],
  ],
  normal: [
    ['SR', 251, 1500],
    ['SR', 251, 1500],
    ['R', 1501, 10000],
    ['R', 1501, 10000],
    ['R', 1501, 10000],
  ],
  hard: [
    ['SR', 251, 1500],
    ['SR', 251, 1500],
    ['SR', 251, 1500],
    ['SR', 251, 1500],
    ['SR', 251, 1500],
  ],
  expert: [
    ['SSR', 1, 250],
    ['SSR', 1, 250],
    ['SR', 251, 1500],
    ['SR', 251, 1500],
    ['R', 1501, 10000],
  ],
  nightmare: [
    ['SSR', 1, 250],
    ['SSR', 1, 250],
    ['SSR', 1, 250],
    ['SR', 251, 1500],
    ['SR', 251, 1500],
  ],
  hell: [
    ['SSR', 1, 50],
    ['SSR', 1, 50],
    ['SSR', 1, 250],
    ['SSR', 1, 250],
    ['SSR', 1, 250],
  ],
};

describe('NPC unit power (SPEC §7: favourites floor(600000 / sqrt(rank)), base power by §1)', () => {
  it('pins the band ends', () => {
    // R: rank 10,000 → 6,000 favourites → raw 7,000, squashed to 5,714; rank 1,501 → 15,486 → 6,022.
    expect(npcPower('R', 10000)).toBe(5714);
    expect(npcPower('R', 1501)).toBe(6022);
    // SR: rank 1,500 → 15,491 favourites → raw 9,581.8 → 9,315; rank 251 → 37,871 → 9,719.
    expect(npcPower('SR', 1500)).toBe(9315);
    expect(npcPower('SR', 251)).toBe(9719);
    // SSR: 10200 + (log10 f − 4.17) × 1780 — rank 250 → 10,928; rank 50 → 11,550; rank 1 (600,000) → 13,062.
    expect(npcPower('SSR', 250)).toBe(10928);
    expect(npcPower('SSR', 50)).toBe(11550);
    expect(npcPower('SSR', 1)).toBe(13062);
  });

  it('a duped NPC unit is its base power × (1 + 0.05 × dupe), floored (SPEC §2)', () => {
    expect(NPC_DUPES).toEqual({ easy: 0, normal: 0, hard: 0, expert: 3, nightmare: 4, hell: 5 });
    // SSR rank 1 at dupe 5: 13,062 × 1.25 = 16,327.5 → 16,327; SR rank 1,500 at dupe 3: 9,315 × 1.15 = 10,712.25 → 10,712.
    expect(npcUnitPower({ rarity: 'SSR', dupeLevel: 5 }, 1)).toBe(16327);
    expect(npcUnitPower({ rarity: 'SR', dupeLevel: 3 }, 1500)).toBe(10712);
    expect(npcUnitPower({ rarity: 'R', dupeLevel: 0 }, 10000)).toBe(5714);
  });

  it('team totals per difficulty lie in the pinned ranges', () => {
    expect(npcTotalRange('easy')).toEqual([28570, 30110]);
    expect(npcTotalRange('normal')).toEqual([35772, 37504]);
    expect(npcTotalRange('hard')).toEqual([46575, 48595]);
    expect(npcTotalRange('expert')).toEqual([53129, 59319]);
    expect(npcTotalRange('nightmare')).toEqual([61695, 70346]);
    expect(npcTotalRange('hell')).toEqual([69854, 81635]);
  });
});

describe('difficulties climb (SPEC §7 Fix)', () => {
  /** Average NPC total over many drawn teams. */
  function average(difficulty: Difficulty, teams = 20_000): number {
    const rng = new Rng(20261127);
    let sum = 0;
    for (let i = 0; i < teams; i++) for (const u of npcTeam(difficulty, rng).units) sum += u.power;
    return sum / teams;
  }
  const averages = Object.fromEntries(DIFFICULTIES.map((d) => [d, average(d)])) as Record<Difficulty, number>;

  it('each difficulty averages at least 10% above the one before', () => {
    for (let i = 1; i < DIFFICULTIES.length; i++) {
      const [lower, higher] = [DIFFICULTIES[i - 1]!, DIFFICULTIES[i]!];
      expect(averages[higher] / averages[lower], `${higher} over ${lower}`).toBeGreaterThanOrEqual(1.1);
    }
  });

  it('pins the averages: easy 29.2k, normal 36.5k, hard 47.5k, expert 54.6k, nightmare 63.5k, hell 72.2k', () => {
    const expected: Record<Difficulty, number> = { easy: 29_203, normal: 36_537, hard: 47_540, expert: 54_595, nightmare: 63_530, hell: 72_193 };
    for (const d of DIFFICULTIES) expect(Math.abs(averages[d] / expected[d] - 1), d).toBeLessThan(0.003);
  });
});

describe.each(DIFFICULTIES)('npcTeam(%s)', (difficulty) => {
  it("draws the SPEC line-up: rarity per slot, rank in range, power by rule at the difficulty's dupe level, no skills", () => {
    const expected = EXPECTED[difficulty];
    expect(NPC_LINEUPS[difficulty].map((r) => [r.rarity, r.ranks[0], r.ranks[1]])).toEqual(expected);
    expect(NPC_LINEUPS[difficulty].every((r) => r.dupeLevel === NPC_DUPES[difficulty])).toBe(true);
    const [lo, hi] = npcTotalRange(difficulty);
    const seen = expected.map(() => ({ min: Infinity, max: -Infinity }));
    // Plain checks in the loop (expect() per value is slow); one assertion on the list of problems.
    const problems: string[] = [];
    for (let seed = 1; seed <= 3000; seed++) {
      const team = npcTeam(difficulty, new Rng(seed));
      if (team.units.length !== 5) problems.push(`seed ${seed}: ${team.units.length} units`);
      let total = 0;
      team.units.forEach((u, i) => {
        const [rarity, minRank, maxRank] = expected[i]!;
        const rank = team.ranks[i]!;
        const [pLo, pHi] = npcPowerRange(NPC_LINEUPS[difficulty][i]!);
        if (u.rarity !== rarity || rarityForRank(rank) !== rarity) problems.push(`seed ${seed} slot ${i}: rarity ${u.rarity} at rank ${rank}`);
        if (rank < minRank || rank > maxRank) problems.push(`seed ${seed} slot ${i}: rank ${rank}`);
        const base = npcPower(rarity as 'R' | 'SR' | 'SSR', rank);
        if (u.power !== Math.floor(base * (1 + 0.05 * NPC_DUPES[difficulty])) || u.power < pLo || u.power > pHi)
          problems.push(`seed ${seed} slot ${i}: power ${u.power}`);
        if (u.skills.length !== 0 || u.unitId !== null || u.characterId !== -rank || u.dupeLevel !== NPC_DUPES[difficulty])
          problems.push(`seed ${seed} slot ${i}: not a plain NPC unit`);
        seen[i]!.min = Math.min(seen[i]!.min, rank);
        seen[i]!.max = Math.max(seen[i]!.max, rank);
        total += u.power;
      });
      if (total < lo || total > hi) problems.push(`seed ${seed}: total ${total} outside ${lo}–${hi}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // Uniform over the band: 3,000 draws reach close to both ends of every slot's range.
    seen.forEach((s, i) => {
      const [, minRank, maxRank] = expected[i]!;
      const width = maxRank - minRank + 1;
      expect(s.min - minRank).toBeLessThan(Math.max(2, width * 0.01));
      expect(maxRank - s.max).toBeLessThan(Math.max(2, width * 0.01));
    });
  });

  it('is deterministic for a seed and names its team', () => {
    const a = npcTeam(difficulty, new Rng(42));
    const b = npcTeam(difficulty, new Rng(42));
    expect(a).toEqual(b);
    expect(a.name.length).toBeGreaterThan(0);
    expect(new Set(a.units.map((u) => u.name)).size).toBeGreaterThan(1);
  });
});

describe('the Training Dummy', () => {
  it('is a normal-strength team named "Training Dummy"', () => {
    const t = npcTeam('normal', new Rng(7), { trainingDummy: true });
    const plain = npcTeam('normal', new Rng(7));
    expect(t.name).toBe('Training Dummy');
    expect(t.units.map((u) => u.name)).toEqual(['Training Dummy 1', 'Training Dummy 2', 'Training Dummy 3', 'Training Dummy 4', 'Training Dummy 5']);
    expect(t.units.map((u) => u.power)).toEqual(plain.units.map((u) => u.power));
    expect(plain.name).not.toBe('Training Dummy');
  });

  it('rank bands match the gacha bands of power.ts', () => {
    expect(RANK_BANDS.R).toEqual([1501, 10000]);
    expect(RANK_BANDS.SR).toEqual([251, 1500]);
    expect(RANK_BANDS.SSR).toEqual([1, 250]);
  });
});
