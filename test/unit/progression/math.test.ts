import { describe, expect, it } from 'vitest';
import { ACHIEVEMENTS, type AchievementStats, newlyMet } from '../../../src/core/achievements.js';
import { boardRng, generateSlots, TIER_DEFS } from '../../../src/core/bounty/board.js';
import { parseGifts } from '../../../src/core/bounty/gift.js';
import { bountyEnemies, bountyReward } from '../../../src/core/bounty/hunt.js';
import { keysAt } from '../../../src/core/bounty/keys.js';
import { UserError } from '../../../src/core/errors.js';
import { expeditionYield, pullsPerDay } from '../../../src/core/expedition.js';
import { Rng } from '../../../src/core/rng.js';

const H = 3_600_000;
const none: string[][] = [];

describe('expedition yield (SPEC §8)', () => {
  it('pulls per day in the three power bands, capped at 25', () => {
    expect(pullsPerDay(0)).toBe(0);
    expect(pullsPerDay(10_150)).toBeCloseTo(5.075, 12);
    expect(pullsPerDay(19_999)).toBeCloseTo(9.9995, 12);
    expect(pullsPerDay(20_000)).toBe(10);
    expect(pullsPerDay(40_600)).toBeCloseTo(15.15, 12);
    expect(pullsPerDay(60_000)).toBe(20);
    expect(pullsPerDay(65_975)).toBeCloseTo(21.49375, 12);
    expect(pullsPerDay(80_000)).toBe(25);
    expect(pullsPerDay(1_000_000)).toBe(25);
  });

  it.each([
    // power, hours, gems
    [10_150, 1, 211], // 5.075 × 1000 / 24 = 211.458…
    [10_150, 24, 5_075],
    [10_150, 72, 15_225],
    [40_600, 1, 631], // 15.15 → 631.25
    [40_600, 24, 15_150],
    [40_600, 72, 45_450],
    [65_975, 1, 895], // 21.49375 → 895.57…
    [65_975, 24, 21_493],
    [65_975, 72, 64_481],
    [86_275, 1, 1_041],
    [86_275, 24, 25_000],
    [86_275, 72, 75_000],
  ])('P = %i for %i h pays %i gems', (power, hours, gemsExpected) => {
    const y = expeditionYield({ power, elapsedMs: hours * H, teamSkills: [[]], ownedSkills: none });
    expect(y.gems).toBe(gemsExpected);
    expect(y.multiplier).toBe(1);
    expect(y.xp).toBe(hours * 60);
  });

  it('skills multiply the floored gems: Hardworker +15% per team unit, Master of Coin +10% per owned unit, The Long Road up to +24% at 24 h', () => {
    const y = (teamSkills: string[][], ownedSkills: string[][], hours: number) =>
      expeditionYield({ power: 10_150, elapsedMs: hours * H, teamSkills, ownedSkills }).gems;
    expect(y([['Hardworker']], [['Hardworker']], 24)).toBe(5_836); // 5075 × 1.15 = 5836.25
    expect(y([['Hardworker'], ['Hardworker']], [['Hardworker'], ['Hardworker']], 24)).toBe(6_597); // × 1.30 = 6597.5
    expect(y([[]], [['Master of Coin'], []], 24)).toBe(5_582); // × 1.10 = 5582.5
    expect(y([[]], [['Master of Coin'], ['Master of Coin']], 72)).toBe(18_270); // 15225 × 1.2
    expect(y([['The Long Road']], [['The Long Road']], 1)).toBe(213); // 211 × 1.01 = 213.11
    expect(y([['The Long Road']], [['The Long Road']], 24)).toBe(6_293); // 5075 × 1.24
    expect(y([['The Long Road'], ['The Long Road']], [], 72)).toBe(18_879); // once only, capped at 24 h: 15225 × 1.24
    expect(y([['Hardworker', 'The Long Road']], [['Hardworker', 'The Long Road'], ['Master of Coin']], 24)).toBe(7_561); // 5075 × (1 + 0.15 + 0.10 + 0.24) = 7561.75
  });

  it('XP is one per whole minute', () => {
    expect(expeditionYield({ power: 1, elapsedMs: 59_999, teamSkills: [], ownedSkills: [] }).xp).toBe(0);
    expect(expeditionYield({ power: 1, elapsedMs: 60_000, teamSkills: [], ownedSkills: [] }).xp).toBe(1);
    expect(expeditionYield({ power: 1, elapsedMs: 3 * H + 59_000, teamSkills: [], ownedSkills: [] }).xp).toBe(180);
  });
});

describe('bounty keys (SPEC §11)', () => {
  const at = (iso: string) => new Date(iso);
  it('a new player has 3', () => {
    expect(keysAt(null, at('2030-01-01T10:30:00Z'))).toEqual({ keys: 3, nextKeyAt: null });
  });
  it('one key back per full hour since the regeneration point, never above 3', () => {
    const stored = { keys: 0, regenAt: at('2030-01-01T10:00:00Z') };
    expect(keysAt(stored, at('2030-01-01T10:59:59Z'))).toEqual({ keys: 0, nextKeyAt: at('2030-01-01T11:00:00Z') });
    expect(keysAt(stored, at('2030-01-01T11:00:00Z'))).toEqual({ keys: 1, nextKeyAt: at('2030-01-01T12:00:00Z') });
    expect(keysAt(stored, at('2030-01-01T12:30:00Z'))).toEqual({ keys: 2, nextKeyAt: at('2030-01-01T13:00:00Z') });
    expect(keysAt(stored, at('2030-01-03T00:00:00Z'))).toEqual({ keys: 3, nextKeyAt: null });
  });
});

describe('bounty board content', () => {
  it('three slots, each within its tier range in steps of 5; the same hour gives the same board', () => {
    for (let h = 0; h < 500; h++) {
      const hour = new Date(Date.UTC(2030, 0, 1, h));
      const slots = generateSlots(boardRng(hour));
      expect(slots).toHaveLength(3);
      for (const s of slots) {
        const def = TIER_DEFS[s.tier];
        expect(s.power).toBeGreaterThanOrEqual(def.minPower);
        expect(s.power).toBeLessThanOrEqual(def.maxPower);
        expect(s.power % 5).toBe(0);
      }
      expect(generateSlots(boardRng(hour))).toEqual(slots);
    }
  });

  it('tiers R, SR, SSR about a third each, UR about 1%', () => {
    const rng = new Rng(7);
    const count: Record<string, number> = { R: 0, SR: 0, SSR: 0, UR: 0 };
    const boards = 20_000;
    for (let i = 0; i < boards; i++) for (const s of generateSlots(rng)) count[s.tier]!++;
    const total = boards * 3;
    expect(count.UR! / total).toBeGreaterThan(0.007);
    expect(count.UR! / total).toBeLessThan(0.013);
    for (const t of ['R', 'SR', 'SSR']) expect(Math.abs(count[t]! / total - 0.33)).toBeLessThan(0.02);
  });

  it('five enemies of equal power and no skills; UR is 90,000', () => {
    const e = bountyEnemies({ tier: 'UR', power: 90_000 });
    expect(e).toHaveLength(5);
    expect(e.every((u) => u.power === 18_000 && u.skills.length === 0)).toBe(true);
  });

  it('rewards: bond items by tier; UR adds 5,000 gems and 50 coins, ×1.5 with Royalty', () => {
    expect(bountyReward('R', false)).toMatchObject({ item: { id: 'bond_small' }, gems: 0, coins: 0 });
    expect(bountyReward('SR', true)).toMatchObject({ item: { id: 'bond_med' }, gems: 0, coins: 0 });
    expect(bountyReward('SSR', false)).toMatchObject({ item: { id: 'bond_large' } });
    expect(bountyReward('UR', false)).toMatchObject({ item: { id: 'bond_ur' }, gems: 5_000, coins: 50 });
    expect(bountyReward('UR', true)).toMatchObject({ gems: 7_500, coins: 75 });
  });
});

describe('!gift syntax', () => {
  it('parses several gifts joined by !, with words, ids and default amounts', () => {
    const g = parseGifts(['12', 'small', '3', '!', '#14', 'med', '!', '15', 'bond_large', '2', '!', '16', 'UR']);
    expect(g.map((x) => [x.unitId, x.item.id, x.amount])).toEqual([
      [12, 'bond_small', 3],
      [14, 'bond_med', 1],
      [15, 'bond_large', 2],
      [16, 'bond_ur', 1],
    ]);
    expect(parseGifts(['1', 's!', '2', 'l']).map((x) => x.item.id)).toEqual(['bond_small', 'bond_large']);
  });

  it.each([
    [[], /what to gift/],
    [['12'], /unit id and an item/],
    [['12', 'small', '!'], /unit id and an item/],
    [['12', 'potion'], /Unknown item `potion`/],
    [['12', 'token'], /isn't a bond item/],
    [['12', 'small', '0'], /from 1 to 1,000,000/],
    [['12', 'small', '99999999999'], /from 1 to 1,000,000/],
    [['12', 'small', '-3'], /whole number/],
    [['x', 'small'], /unit id must be a whole number/],
    [['1', 'small', '2', '3'], /Too many words/],
  ])('%j is refused with a clear message', (tokens, message) => {
    expect(() => parseGifts(tokens as string[])).toThrow(UserError);
    expect(() => parseGifts(tokens as string[])).toThrow(message);
  });
});

describe('achievement table (SPEC §14)', () => {
  const zero: AchievementStats = {
    units: 0,
    ssrUnits: 0,
    copies: 0,
    maxDupe: 0,
    maxSsrDupe: 0,
    maxBond: 0,
    lockedUnits: 0,
    totalPulls: 0,
    totalScrapped: 0,
    totalBounties: 0,
    expeditionGemsTotal: 0,
    expeditionsClaimed: 0,
    teamLevel: 1,
    coins: 0,
    checkinStreak: 0,
    bossKills: 0,
    sparkMax: 0,
    bountyR: 0,
    bountySR: 0,
    bountySSR: 0,
    bountyUR: 0,
    battlePower: 0,
    battleSsr: 0,
  };
  it('has the 32 achievements with their rewards', () => {
    expect(ACHIEVEMENTS).toHaveLength(32);
    expect(new Set(ACHIEVEMENTS.map((a) => a.id)).size).toBe(32);
    const by = Object.fromEntries(ACHIEVEMENTS.map((a) => [a.id, [a.gems, a.coins]]));
    expect(by).toMatchObject({
      FIRST_PULL: [500, 0],
      COLLECTOR_100: [10_000, 100],
      PRISMATIC_TRANSCENDENCE: [50_000, 1_000],
      ULTIMATE_BATTLER: [50_000, 1_000],
      TREASURE_HUNTER: [15_000, 0],
      MONTHLY_DEVOTION: [50_000, 0],
      UR_TAKEDOWN: [25_000, 0],
      COIN_COLLECTOR: [2_000, 0],
    });
  });
  it('each triggers at its threshold and not one below', () => {
    for (const a of ACHIEVEMENTS) {
      const below = { ...zero, [a.stat]: a.threshold - 1 };
      const at = { ...zero, [a.stat]: a.threshold };
      expect(newlyMet(below, new Set()).map((x) => x.id)).not.toContain(a.id);
      expect(newlyMet(at, new Set()).map((x) => x.id)).toContain(a.id);
      expect(newlyMet(at, new Set([a.id])).map((x) => x.id)).not.toContain(a.id);
    }
  });
});
