/** The skill registry: data, generated descriptions, lookups and the expedition bonus. */
import { describe, expect, it } from 'vitest';
import {
  ANCHOR_SQUASH_RESISTANCE,
  describeSkill,
  expeditionBonus,
  findSkill,
  ROYALTY_REWARD_MULTIPLIER,
  SKILL_NAMES,
  SKILLS,
  scaleZodiacEffect,
} from '../../../src/core/skills/registry.js';

describe('skill registry', () => {
  it('holds every skill of SPEC §6 with its applies-in and priority', () => {
    expect(SKILL_NAMES).toEqual([
      'Surge',
      'Berserk',
      'Golden Egg',
      'Lucky 7',
      'The Joker',
      'Guard',
      'Kamikaze',
      'Revive',
      'Second Wind',
      'Royalty',
      'Anchor',
      'The Amber Sun',
      'Eternity',
      'Ephemerality',
      'Feline Fealty',
      'The Onyx Moon',
      'Queen of the Zodiacs',
      'Entwined Souls',
      'Master of Coin',
      'Hardworker',
      'The Long Road',
      'Time Bomb',
    ]);
    const at = (n: string) => findSkill(n)!;
    expect(at('The Onyx Moon').priority).toBe(10);
    expect(at('Queen of the Zodiacs').priority).toBe(10);
    expect(at('Entwined Souls').priority).toBe(10);
    expect(at('Surge').priority).toBe(0);
    expect(at('Master of Coin')).toMatchObject({ appliesIn: 'g', priority: null, stackable: true, impl: null });
    expect(at('Hardworker')).toMatchObject({ appliesIn: 'e', stackable: true });
    expect(at('The Long Road')).toMatchObject({ appliesIn: 'e', stackable: false });
  });

  it('only skills that act in battle can be silenced', () => {
    const silenceable = SKILLS.filter((s) => s.suppressible && (s.impl !== null || s.name === 'Royalty')).map((s) => s.name);
    expect(silenceable).not.toContain('The Onyx Moon');
    expect(silenceable).not.toContain('Queen of the Zodiacs');
    expect(silenceable).not.toContain('Entwined Souls');
    expect(silenceable).not.toContain('Anchor');
    expect(silenceable).toContain('Surge');
    expect(silenceable).toContain('Royalty');
  });

  it('finds skills case-insensitively', () => {
    expect(findSkill('surge')?.name).toBe('Surge');
    expect(findSkill('  LUCKY 7 ')?.name).toBe('Lucky 7');
    expect(findSkill('the onyx moon')?.name).toBe('The Onyx Moon');
    expect(findSkill('Nope')).toBeUndefined();
  });

  it('writes descriptions from the numbers', () => {
    expect(describeSkill('Surge')).toBe("This unit's power +25% (×1.25).");
    expect(describeSkill('Lucky 7')).toBe("7% chance: this unit's power +777% (×8.77); otherwise a 77% chance of +7,777 flat power.");
    expect(describeSkill('The Joker')).toContain('×0.25');
    expect(describeSkill('Guard')).toContain('−10%');
    expect(describeSkill('Revive')).toContain('25%');
    expect(describeSkill('Second Wind')).toContain('30%');
    expect(describeSkill('Feline Fealty')).toBe('With Tohru on the team: this unit and Tohru +10%, enemy team −2.5%.');
    expect(describeSkill('Entwined Souls')).toContain('Ox: one random enemy −24%');
    expect(describeSkill('The Long Road')).toContain('+24%');
    for (const s of SKILLS) expect(s.description.length).toBeGreaterThan(10);
  });

  it('changing a number changes its description (descriptions are generated, not written)', () => {
    const surge = findSkill('Surge')!;
    expect(surge.description).toContain(String((surge.values as { multiplier: number }).multiplier));
  });

  it('exports the Royalty payout and Anchor resistance', () => {
    expect(ROYALTY_REWARD_MULTIPLIER).toBe(1.5);
    expect(ANCHOR_SQUASH_RESISTANCE).toBe(0.4);
  });

  it('scales every number of a zodiac sign 1.2× as far from ×1, costs included (Horse: ×0.88 and ×1.36)', () => {
    expect(scaleZodiacEffect({ enemy: 0.8 }, 1.2)).toEqual({ enemy: 0.76 });
    expect(scaleZodiacEffect({ team: 1.05 }, 1.2)).toEqual({ team: 1.06 });
    expect(scaleZodiacEffect({ holder: 0.9, teammate: 1.3 }, 1.2)).toEqual({ holder: 0.88, teammate: 1.36 });
    expect(scaleZodiacEffect({ variance: 1.1 }, 1.2)).toEqual({ variance: 1.1 });
  });

  it('describes the outcome rules from their numbers: close losses (75%) and the pooled 50% cap', () => {
    expect(describeSkill('Revive')).toBe(
      "If your team loses a close fight (at least 75% of the winner's total), 25% chance the battle ends in a draw instead. " +
        "A team's Revives roll once together: two give 43.8%, and never more than 50%.",
    );
    expect(describeSkill('Queen of the Zodiacs')).toContain("Snake: if your team loses a close fight (at least 75% of the winner's total), it is a draw");
    expect(describeSkill('Entwined Souls')).toContain('Horse: this unit −12% (even alone) and a random teammate +36%');
  });
});

describe('expedition bonus', () => {
  it('Master of Coin: +10% per owned unit carrying it, anywhere in the inventory', () => {
    expect(expeditionBonus({ teamSkills: [], ownedSkills: [['Master of Coin'], ['Master of Coin'], []], hours: 5 })).toBe(0.2);
  });

  it('Hardworker: +15% per unit in the expedition team; a duplicate tag counts once', () => {
    expect(expeditionBonus({ teamSkills: [['Hardworker'], ['hardworker', 'Hardworker']], ownedSkills: [], hours: 1 })).toBe(0.3);
  });

  it('The Long Road: +0.24 × min(hours, 24) / 24, once', () => {
    expect(expeditionBonus({ teamSkills: [['The Long Road']], ownedSkills: [], hours: 12 })).toBe(0.12);
    expect(expeditionBonus({ teamSkills: [['The Long Road'], ['The Long Road']], ownedSkills: [], hours: 48 })).toBe(0.24);
    expect(expeditionBonus({ teamSkills: [['The Long Road']], ownedSkills: [], hours: -3 })).toBe(0);
  });

  it('adds them up: 1 Master of Coin + 1 Hardworker = 0.25', () => {
    expect(expeditionBonus({ teamSkills: [['Hardworker']], ownedSkills: [['Master of Coin'], ['Hardworker']], hours: 2 })).toBe(0.25);
    expect(
      expeditionBonus({ teamSkills: [['Hardworker', 'The Long Road']], ownedSkills: [['Master of Coin'], ['Master of Coin'], ['Master of Coin']], hours: 6 }),
    ).toBe(0.51);
  });

  it('battle skills give no expedition bonus', () => {
    expect(expeditionBonus({ teamSkills: [['Surge']], ownedSkills: [['Royalty']], hours: 24 })).toBe(0);
  });
});
