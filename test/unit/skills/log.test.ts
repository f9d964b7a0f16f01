/** Turning structured battle log entries into the lines a player reads. */
import { describe, expect, it } from 'vitest';
import { formatLogLines, formatPercent } from '../../../src/core/skills/log.js';
import { fight, unit, zodiacRoll } from './helpers.js';

describe('battle log lines', () => {
  it('names the unit and the effect', () => {
    const r = fight([unit('Alice', 10000, ['Surge'])], []);
    expect(formatLogLines(r, 'attacker')).toEqual(['⚡ Alice activated Surge (+25%)']);
    expect(formatLogLines(r, 'defender')).toEqual([]);
  });

  it('writes percentages from multipliers', () => {
    expect(formatPercent(8.77)).toBe('+777%');
    expect(formatPercent(0.25)).toBe('−75%');
    expect(formatPercent(1.035)).toBe('+3.5%');
    expect(formatPercent(0.975)).toBe('−2.5%');
  });

  it('says what each kind of skill did', () => {
    const kamikaze = fight([unit('Kaz', 10000, ['Kamikaze'])], [unit('Bob', 5000)], [0]);
    expect(formatLogLines(kamikaze, 'attacker')).toEqual(["💥 Kaz's Kamikaze took out Bob — and Kaz with it"]);

    const onyx = fight([unit('Nyx', 1, ['The Onyx Moon']), unit('Coco', 1, [], 129840)], [unit('Bob', 5000, ['Surge'])], [0]);
    expect(formatLogLines(onyx, 'attacker')).toEqual(["🌑 Nyx's The Onyx Moon (Eclipse) silenced Surge on the enemy team; Bob −20%"]);

    const guard = fight([unit('Gus', 1, ['Guard'])], [unit('Bob', 5000)]);
    expect(formatLogLines(guard, 'attacker')).toEqual(["🛡️ Gus's Guard: enemy team −10%"]);

    const lucky = fight([unit('Lu', 1, ['Lucky 7'])], [], [0.5, 0]);
    expect(formatLogLines(lucky, 'attacker')).toEqual(['⚡ Lu activated Lucky 7 (+7,777 power)']);

    const revive = fight([unit('Rev', 1, ['Revive'])], [unit('Bob', 5000)], [0.5, 0.5, 0]);
    expect(formatLogLines(revive, 'attacker')).toEqual(["🛟 Rev's Revive turned the loss into a draw"]);

    const horse = fight([unit('Q', 10000, ['Queen of the Zodiacs']), unit('Mate', 1)], [], [zodiacRoll(6), 0]);
    expect(formatLogLines(horse, 'attacker')).toEqual([
      "✨ Q's Queen of the Zodiacs drew the Horse",
      '⚡ Q activated Queen of the Zodiacs: Horse (−10%)',
      "⚡ Q's Queen of the Zodiacs: Horse: Mate +30%",
    ]);

    const monkey = fight([unit('Q', 100, ['Queen of the Zodiacs'])], [unit('Bob', 5000)], [zodiacRoll(8), 0.5, 0.5, 0]);
    expect(formatLogLines(monkey, 'attacker')).toContain("🐒 Q's Queen of the Zodiacs: Monkey swapped power with Bob (now 5,000)");

    const retry = fight([unit('Sw', 1, ['Second Wind'])], [unit('Bob', 5000)], [], { fallback: 0 });
    expect(formatLogLines(retry, 'attacker')).toEqual(["🔁 Sw's Second Wind: the battle is fought again (retry 1)"]);
  });

  it('caps the lines and says how many were left out', () => {
    const team = [1, 2, 3, 4, 5].map((i) => unit(`U${i}`, 1000, ['Surge', 'The Joker', 'Berserk']));
    const r = fight(team, [], [], { fallback: 0 });
    const lines = formatLogLines(r, 'attacker', 4);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('… and 12 more');
    expect(formatLogLines(r, 'attacker')).toHaveLength(10);
  });
});
