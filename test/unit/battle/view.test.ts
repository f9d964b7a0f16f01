/**
 * How a battle reads to the player (SPEC §6, §7): whose skill changed the
 * result, and every skill that fired — boss and NPC skills included — within
 * Discord's embed limits.
 */
import { describe, expect, it } from 'vitest';
import { notClearedLine } from '../../../src/cogs/rpg.js';
import { battleEmbed, headline, type Shown } from '../../../src/commands/battle-view.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { Voice } from '../../../src/commands/voice.js';
import type { SnapshotUnit } from '../../../src/core/battle/snapshot.js';
import type { BattleResult } from '../../../src/core/skills/engine.js';
import { findStage, type StageResult, stageEnemies } from '../../../src/core/story/story.js';
import { fight, unit } from '../skills/helpers.js';

function snap(name: string, power: number, skills: string[] = []): SnapshotUnit {
  const u = unit(name, power, skills);
  return { ...u, skills: [...u.skills], imageUrl: null, unitId: null, dupeLevel: 0 };
}

function shown(attacker: SnapshotUnit[], defender: SnapshotUnit[], result: BattleResult): Shown {
  return { attackerName: 'alice', defenderName: 'Minute Wardens', attacker, defender, result };
}

const ctx = { voice: new Voice({ kind: 'prefix', prefix: '!' }) } as unknown as CommandContext;

describe('the headline names whose skill changed the result', () => {
  it("the enemy's Revive holding on is not your Revive saving a loss", () => {
    const mine = [snap('Hero', 11000)];
    const theirs = [snap('Minute Warden', 10000, ['Revive'])];
    const enemySaved = fight(mine, theirs, [0.5, 0.5, 0]);
    expect(enemySaved.outcome).toBe('DRAW');
    expect(headline(shown(mine, theirs, enemySaved))).toBe("🤝 **Draw** — the enemy's Revive held on (Minute Warden): a win for **alice** became a draw.");

    const mineSaves = [snap('Rev', 9000, ['Revive'])];
    const plain = [snap('Minute Warden', 10000)];
    const iSaved = fight(mineSaves, plain, [0.5, 0.5, 0]);
    expect(headline(shown(mineSaves, plain, iSaved))).toBe('🤝 **Draw** — your Revive turned the loss into a draw (Rev).');
  });

  it('a Snake draw names the sign', () => {
    const mine = [snap('Queen', 9000, ['Queen of the Zodiacs'])];
    const r = fight(mine, [snap('D', 10000)], [(5 + 0.5) / 12]);
    expect(headline(shown(mine, [snap('D', 10000)], r))).toBe('🤝 **Draw** — your Queen of the Zodiacs (Snake) turned the loss into a draw (Queen).');
  });

  it('a re-fight says whose Second Wind asked for it', () => {
    const mine = [snap('Sw', 1000, ['Second Wind'])];
    const theirs = [snap('D', 100000)];
    const r = fight(mine, theirs, [], { fallback: 0 });
    expect(battleEmbed(shown(mine, theirs, r), [], '').description).toContain('🔁 Fought again once: your Second Wind (Sw).');
  });
});

describe('every firing is on the embed, within its limits', () => {
  it("story 2-5: the Queen of Lanterns' Onyx Moon shows even when it finds nothing to silence", () => {
    const enemies = stageEnemies(findStage(2, 5)!);
    const mine = [1, 2, 3, 4, 5].map((i) => snap(`Hero ${i}`, 12000));
    const r = fight(mine, enemies, []);
    const embed = battleEmbed({ ...shown(mine, enemies, r), defenderName: 'Queen of Lanterns' }, [], '');
    const field = embed.fields!.find((f) => f.name === "📜 Queen of Lanterns's skills")!;
    expect(field.value.split('\n')).toEqual([
      "💨 Queen of Lanterns's The Onyx Moon: Umbra — but nothing happened (no enemy skill left to silence)",
      '⚡ Lantern Knight activated Surge (+25%) ×4',
    ]);
  });

  it('a side full of skills with long names keeps whole lines, at most 10, within 1,024 characters, the draw line among them', () => {
    const long = 'Princess of the Endless Crystal Sky Who Never Learned to Fly';
    const mine = [1, 2, 3, 4, 5].map((i) => snap(`${long} ${i}`, 1000, ['Surge', 'Berserk', 'Revive']));
    const theirs = [snap('D', 10000)];
    const r = fight(mine, theirs, [], { fallback: 0 });
    expect(r.outcome).toBe('DRAW');
    const value = battleEmbed(shown(mine, theirs, r), [], '').fields!.find((f) => f.name === "📜 alice's skills")!.value;
    expect(value.length).toBeLessThanOrEqual(1024);
    const lines = value.split('\n');
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines).toContain(`🛟 ${long} 1's Revive turned the loss into a draw (50% chance)`);
    expect(lines.at(-1)).toMatch(/^… and \d+ more$/);
  });
});

describe("story's advice says what happened", () => {
  const stage = findStage(3, 4)!;
  const result = (r: BattleResult): StageResult => ({
    stage,
    attacker: [],
    defender: [],
    result: r,
    stars: 0,
    bestStars: 0,
    firstClear: false,
    paid: null,
    repeatsToday: 0,
  });

  it('a plain loss points at growing the team', () => {
    const r = fight([snap('A', 1000)], [snap('D', 10000)]);
    expect(notClearedLine(ctx, result(r))).toMatch(
      /^Not cleared\. Recommended power: [\d,]+\. Raise dupes, bonds and team level, or rethink your team \(`!teambuilder`\)\.$/,
    );
  });

  it('a draw your own Revive saved does not tell you to get stronger', () => {
    const r = fight([snap('Rev', 9000, ['Revive'])], [snap('D', 10000)], [0.5, 0.5, 0]);
    const line = notClearedLine(ctx, result(r));
    expect(line).toBe(
      "Not cleared: you lost narrowly (9,000 to 10,000) and your Revive held it to a draw — a draw doesn't clear a stage. You were close; fight it again.",
    );
    expect(line).not.toMatch(/Raise dupes|Recommended/);
  });

  it("a win the enemy's Revive took away says so, and how their skill works", () => {
    const r = fight([snap('A', 11000)], [snap('Warden', 10000, ['Revive'])], [0.5, 0.5, 0]);
    const line = notClearedLine(ctx, result(r));
    expect(line).toBe(
      "Not cleared: you won 11,000 to 10,000, but the enemy's Revive turned it into a draw — a draw doesn't clear a stage. " +
        'Their skill only saves a close fight (their total at least 75% of yours); fight it again.',
    );
  });
});
