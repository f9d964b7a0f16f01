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
    expect(formatLogLines(onyx, 'attacker')).toEqual(["🔇 Nyx's The Onyx Moon: Eclipse silenced Surge on the enemy team; Bob −20%"]);
    const umbra = fight([unit('Nyx', 1, ['The Onyx Moon'])], [unit('Bob', 5000, ['Surge'])], [0]);
    expect(formatLogLines(umbra, 'attacker')).toEqual(["🔇 Nyx's The Onyx Moon: Umbra silenced Surge on the enemy team"]);

    const guard = fight([unit('Gus', 1, ['Guard'])], [unit('Bob', 5000)]);
    expect(formatLogLines(guard, 'attacker')).toEqual(["🛡️ Gus's Guard: enemy team −10%"]);

    const lucky = fight([unit('Lu', 1, ['Lucky 7'])], [], [0.5, 0]);
    expect(formatLogLines(lucky, 'attacker')).toEqual(['⚡ Lu activated Lucky 7 (+7,777 power)']);

    const revive = fight([unit('Rev', 4000, ['Revive'])], [unit('Bob', 5000)], [0.5, 0.5, 0]);
    expect(formatLogLines(revive, 'attacker')).toEqual(["🛟 Rev's Revive turned the loss into a draw (25% chance)"]);
    const rout = fight([unit('Rev', 1, ['Revive'])], [unit('Bob', 5000)], [0.5, 0.5, 0]);
    expect(formatLogLines(rout, 'attacker')).toEqual([
      "💨 Rev's Revive — but nothing happened (the loss was too wide to save: 0% of the winner's total, a close loss needs 75%)",
    ]);

    const horse = fight([unit('Q', 10000, ['Queen of the Zodiacs']), unit('Mate', 1)], [], [zodiacRoll(6), 0]);
    expect(formatLogLines(horse, 'attacker')).toEqual([
      "✨ Q's Queen of the Zodiacs drew the Horse",
      '⚡ Q activated Queen of the Zodiacs: Horse (−10%)',
      "⚡ Q's Queen of the Zodiacs: Horse: Mate +30%",
    ]);

    const snake = fight([unit('Q', 9000, ['Queen of the Zodiacs'])], [unit('Bob', 10000)], [zodiacRoll(5)]);
    expect(formatLogLines(snake, 'attacker')).toEqual([
      "✨ Q's Queen of the Zodiacs drew the Snake",
      "🛟 Q's Queen of the Zodiacs: Snake turned the loss into a draw",
    ]);

    const monkey = fight([unit('Q', 100, ['Queen of the Zodiacs'])], [unit('Bob', 5000)], [zodiacRoll(8), 0.5, 0.5, 0]);
    expect(formatLogLines(monkey, 'attacker')).toContain("🔀 Q's Queen of the Zodiacs: Monkey swapped power with Bob (now 5,000)");

    const retry = fight([unit('Sw', 1, ['Second Wind'])], [unit('Bob', 5000)], [], { fallback: 0 });
    expect(formatLogLines(retry, 'attacker')).toEqual(["🔁 Sw's Second Wind: the battle is fought again (retry 1)"]);
  });

  it('every firing that found nothing to act on says so, "… but nothing happened"', () => {
    const pig = fight([unit('Queen', 10000, ['Queen of the Zodiacs'])], [unit('Bob', 5000)], [zodiacRoll(11)]);
    expect(formatLogLines(pig, 'attacker')).toEqual([
      "✨ Queen's Queen of the Zodiacs drew the Pig",
      "💨 Queen's Queen of the Zodiacs: Pig — but nothing happened (no enemy skill left to silence)",
    ]);
    const guards = fight([unit('G1', 1, ['Guard']), unit('G2', 1, ['Guard'])], [unit('Bob', 5000)]);
    expect(formatLogLines(guards, 'attacker')[1]).toBe("💨 G2's Guard — but nothing happened (one per team, and it is already up)");
    const eternity = fight([unit('Fern', 1, ['Eternity'])], []);
    expect(formatLogLines(eternity, 'attacker')).toEqual(["💨 Fern's Eternity — but nothing happened (Himmel isn't on the team)"]);
  });

  it("a boss's and an NPC's skills are lines of their own side, Onyx Moon with nothing to silence included", () => {
    // Story 2-5: the Queen of Lanterns' Onyx Moon against a team without skills.
    const r = fight([unit('Hero', 60000)], [unit('Queen of Lanterns', 12000, ['The Onyx Moon']), unit('Lantern Knight', 10000, ['Surge'])]);
    expect(formatLogLines(r, 'defender')).toEqual([
      "💨 Queen of Lanterns's The Onyx Moon: Umbra — but nothing happened (no enemy skill left to silence)",
      '⚡ Lantern Knight activated Surge (+25%)',
    ]);
  });

  it('merges identical lines in a row', () => {
    const r = fight(
      [1, 2, 3].map(() => unit('Knight', 1000, ['Surge'])),
      [],
    );
    expect(formatLogLines(r, 'attacker')).toEqual(['⚡ Knight activated Surge (+25%) ×3']);
  });

  it('caps the lines and says how many were left out', () => {
    const team = [1, 2, 3, 4, 5].map((i) => unit(`U${i}`, 1000, ['Surge', 'The Joker', 'Berserk']));
    const r = fight(team, [], [], { fallback: 0 });
    const lines = formatLogLines(r, 'attacker', 4);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('… and 12 more');
    expect(formatLogLines(r, 'attacker')).toHaveLength(10);
  });

  it('past the cap, the line that decided the outcome is kept, in battle order', () => {
    const team = [1, 2, 3, 4, 5].map((i) => unit(`U${i}`, 1000, ['Surge', 'Berserk', 'Revive']));
    // Berserk hits (0), Surge always; the team loses a close fight and the pooled Revive roll (0) saves it.
    const r = fight(team, [unit('D', 10000)], [], { fallback: 0 });
    expect(r.outcome).toBe('DRAW');
    const lines = formatLogLines(r, 'attacker', 4);
    expect(lines).toEqual([
      '⚡ U1 activated Surge (+25%)',
      '⚡ U1 activated Berserk (+50%)',
      "🛟 U1's Revive turned the loss into a draw (50% chance)",
      '… and 8 more',
    ]);
  });

  it('fits a character budget (an embed field holds 1,024) without cutting a line', () => {
    const long = 'A Name So Long It Fills Most Of A Line In A Discord Embed, Twice Over: A Name So Long It Fills A Line';
    const team = [1, 2, 3, 4, 5].map((i) => unit(`${long} ${i}`, 1000, ['Surge', 'Berserk']));
    const r = fight(team, [], [], { fallback: 0 });
    const lines = formatLogLines(r, 'attacker', 10, 1024);
    expect(lines.join('\n').length).toBeLessThanOrEqual(1024);
    expect(lines.at(-1)).toMatch(/^… and \d+ more$/);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^⚡ A Name So Long .* activated (Surge|Berserk) \(\+\d+%\)$/);
  });
});
