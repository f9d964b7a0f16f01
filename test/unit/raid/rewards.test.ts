import { describe, expect, it } from 'vitest';
import { describeMechanics, findBoss, phaseForHp, phaseThresholds, RAID_BOSSES, requireBossByKey } from '../../../src/core/raid/bosses.js';
import { suppressOneSkillEach } from '../../../src/core/raid/raids.js';
import { computeRaidRewards, splitByWeight } from '../../../src/core/raid/rewards.js';
import { Rng } from '../../../src/core/rng.js';

const gloom = requireBossByKey('gloomfang');

describe('raid boss registry', () => {
  it('has at least three bosses, each with three phases at 60% and 25%', () => {
    expect(RAID_BOSSES.length).toBeGreaterThanOrEqual(3);
    for (const b of RAID_BOSSES) {
      expect(b.phases.map((p) => p.number)).toEqual([1, 2, 3]);
      expect(phaseThresholds(b)).toEqual([60, 25]);
      expect(b.phases[1]!.mechanics).toMatchObject({ suppressOneSkill: true, damageTaken: 0.8 });
      expect(b.phases[2]!.mechanics.attackerVariance).toEqual([0.7, 1.3]);
      expect(b.rewards.timeoutFactor).toBe(0.5);
      expect(b.rewards.leechPercent).toBe(2);
    }
  });

  it('switches phase exactly at the thresholds: > 60% is phase 1, 60% is phase 2, 25% is phase 3', () => {
    const max = 600_000;
    expect(phaseForHp(gloom, max, max)).toBe(1);
    expect(phaseForHp(gloom, 360_001, max)).toBe(1);
    expect(phaseForHp(gloom, 360_000, max)).toBe(2);
    expect(phaseForHp(gloom, 150_001, max)).toBe(2);
    expect(phaseForHp(gloom, 150_000, max)).toBe(3);
    expect(phaseForHp(gloom, 0, max)).toBe(3);
  });

  it('finds bosses by key or a word of the name, case-insensitively', () => {
    expect(findBoss('GLOOMFANG')?.key).toBe('gloomfang');
    expect(findBoss('Seraphine')?.key).toBe('seraphine');
    expect(findBoss('nobody')).toBeUndefined();
  });

  it('describes mechanics from the values', () => {
    expect(describeMechanics(gloom.phases[1]!.mechanics)).toBe('The boss silences one random skill of each of your units; takes 20% less damage.');
    expect(describeMechanics(gloom.phases[2]!.mechanics)).toContain('×0.7–×1.3');
  });
});

describe('raid rewards', () => {
  it('splitByWeight pays the whole amount, by largest remainder', () => {
    expect(splitByWeight(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeight(100, [50, 30, 20])).toEqual([50, 30, 20]);
    expect(splitByWeight(7, [0, 0])).toEqual([0, 0]);
    const s = splitByWeight(60_000, [123_457, 98_765, 4_321, 1]);
    expect(s.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it('a defeated raid pays the pools by share, MVP and last hit bonuses, and only consolation to a leech (< 2%)', () => {
    const lines = computeRaidRewards(
      gloom.rewards,
      [
        { playerId: 'a', damage: 300_000 },
        { playerId: 'b', damage: 290_000 },
        { playerId: 'leech', damage: 10_000 }, // 1.67%
      ],
      { reason: 'defeated', lastHitPlayerId: 'leech' },
    );
    const by = Object.fromEntries(lines.map((l) => [l.playerId, l]));
    // 60,000 split 300:290 → 30,508.47 / 29,491.52 → largest remainder gives the odd gem to b.
    expect(by.a!.gems).toBe(30_508 + 10_000);
    expect(by.b!.gems).toBe(29_492);
    expect(by.a!.roles).toEqual(['share', 'mvp']);
    expect(by.leech!.roles).toEqual(['consolation', 'last_hit']);
    expect(by.leech!.gems).toBe(500 + 5_000);
    expect(by.leech!.items).toEqual({ bond_large: 1 });
    const pooled = (by.a!.items.bond_med ?? 0) + (by.b!.items.bond_med ?? 0);
    expect(pooled).toBe(20);
    expect(by.a!.items.bond_large).toBe(2 + 2); // 2 of the 4 pooled + 2 MVP
  });

  it('a timed-out raid pays half the pools and MVP bonus and no last-hit bonus', () => {
    const lines = computeRaidRewards(gloom.rewards, [{ playerId: 'a', damage: 1000 }], { reason: 'timeout', lastHitPlayerId: null });
    expect(lines).toEqual([{ playerId: 'a', damage: 1000, gems: 30_000 + 5_000, items: { bond_med: 10, bond_large: 2 + 1 }, roles: ['share', 'mvp'] }]);
  });

  it('nobody attacked: nothing paid', () => {
    expect(computeRaidRewards(gloom.rewards, [], { reason: 'timeout', lastHitPlayerId: null })).toEqual([]);
  });
});

describe('phase 2 suppression', () => {
  it('removes one battle skill from each unit that has one', () => {
    const units = [
      { name: 'A', characterId: 1, power: 100, skills: ['Surge', 'Berserk'], rarity: 'SR' as const },
      { name: 'B', characterId: 2, power: 100, skills: [], rarity: 'SR' as const },
      { name: 'C', characterId: 3, power: 100, skills: ['Hardworker'], rarity: 'SR' as const },
    ];
    const { units: out, suppressed } = suppressOneSkillEach(units, new Rng(1));
    expect(suppressed).toHaveLength(1);
    expect(out[0]!.skills).toHaveLength(1);
    expect(['Surge', 'Berserk']).toContain(suppressed[0]!.skill);
    expect(out[1]!.skills).toEqual([]);
    expect(out[2]!.skills).toEqual(['Hardworker']);
    expect(units[0]!.skills).toEqual(['Surge', 'Berserk']); // input untouched
  });
});
