import { describe, expect, it } from 'vitest';
import { npcTeam } from '../../../src/core/battle/npc.js';
import type { BattleRecord } from '../../../src/core/battle/record.js';
import { replayRecord } from '../../../src/core/battle/service.js';
import { parseSnapshot, type SnapshotUnit } from '../../../src/core/battle/snapshot.js';
import { Rng } from '../../../src/core/rng.js';
import { RULES_VERSION, runBattle } from '../../../src/core/skills/engine.js';

const SKILLY: SnapshotUnit[] = [
  { name: 'Tohru Honda', characterId: 207, power: 12000, skills: ['Queen of the Zodiacs'], rarity: 'SSR', imageUrl: null, unitId: 1, dupeLevel: 3 },
  { name: 'Kyo Sohma', characterId: 209, power: 11000, skills: ['Entwined Souls', 'Feline Fealty'], rarity: 'SSR', imageUrl: null, unitId: 2, dupeLevel: 0 },
  {
    name: 'Lucky',
    characterId: 9000001,
    power: 9500,
    skills: ['Lucky 7', 'Second Wind'],
    rarity: 'SR',
    imageUrl: 'https://example.invalid/a.png',
    unitId: 3,
    dupeLevel: 10,
  },
  { name: 'Reviver', characterId: 9000002, power: 6000, skills: ['Revive', 'Kamikaze'], rarity: 'R', imageUrl: null, unitId: 4, dupeLevel: 1 },
  { name: 'Moon', characterId: 9000003, power: 10500, skills: ['The Onyx Moon', 'The Joker'], rarity: 'SSR', imageUrl: null, unitId: 5, dupeLevel: 0 },
];

/** A record as the database gives it back: snapshots through JSON (JSONB). */
function recordOf(attacker: SnapshotUnit[], defender: SnapshotUnit[], seed: number): BattleRecord {
  const result = runBattle(attacker, defender, { seed });
  const json = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));
  return {
    id: 1,
    kind: 'npc',
    attackerId: 'alice',
    attackerName: 'alice',
    defenderId: null,
    difficulty: 'hell',
    defenderName: 'Lords of the Abyss',
    seed,
    attacker: parseSnapshot(json(attacker)),
    defender: parseSnapshot(json(defender)),
    outcome: result.outcome,
    totals: json(result.totals) as BattleRecord['totals'],
    finalPowers: json(result.finalPowers) as BattleRecord['finalPowers'],
    retries: result.retries,
    rulesVersion: result.rulesVersion,
    createdAt: new Date('2026-01-01T00:00:00Z'),
  };
}

describe('snapshot → replay determinism', () => {
  it('a stored battle (skills, retries, draws) replays to the same outcome, totals and final powers', () => {
    const outcomes = new Set<string>();
    let retried = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const defender = npcTeam(seed % 2 ? 'hell' : 'nightmare', new Rng(seed)).units;
      const rec = recordOf(SKILLY, defender, seed * 7919);
      const replay = replayRecord(rec);
      expect(replay.differences).toEqual([]);
      expect(replay.matches).toBe(true);
      // The log replays too, not just the numbers.
      expect(replay.result.log).toEqual(runBattle(SKILLY, defender, { seed: seed * 7919 }).log);
      outcomes.add(replay.result.outcome);
      if (replay.result.retries > 0) retried++;
    }
    // The sample exercised the interesting paths.
    expect(outcomes.size).toBeGreaterThanOrEqual(2);
    expect(retried).toBeGreaterThan(0);
  });

  it('PvP snapshots with skills on both sides replay the same', () => {
    const mirrored = SKILLY.map((u) => ({ ...u, unitId: (u.unitId ?? 0) + 100 }));
    for (let seed = 0; seed < 200; seed++) {
      const replay = replayRecord(recordOf(SKILLY, mirrored, seed));
      expect(replay.matches).toBe(true);
    }
  });

  it('a record that does not match its replay says what differs', () => {
    const rec = recordOf(SKILLY, npcTeam('easy', new Rng(3)).units, 99);
    const tampered: BattleRecord = {
      ...rec,
      totals: { ...rec.totals, attacker: rec.totals.attacker + 1 },
      finalPowers: { ...rec.finalPowers, defender: rec.finalPowers.defender.map((p) => p + 1) },
    };
    const replay = replayRecord(tampered);
    expect(replay.matches).toBe(false);
    expect(replay.differences.join('\n')).toMatch(/attacker total/);
    expect(replay.differences.join('\n')).toMatch(/defender final powers/);
  });

  it("a battle fought under today's rules records RULES_VERSION and is compared", () => {
    const rec = recordOf(SKILLY, npcTeam('hell', new Rng(5)).units, 5);
    expect(rec.rulesVersion).toBe(RULES_VERSION);
    expect(replayRecord(rec)).toMatchObject({ sameRules: true, matches: true });
  });

  it('a battle from an older rule set is not claimed to mismatch: it says it cannot be re-run exactly', () => {
    // Rule set 1: five Revives on defence drew routs. The same battle under today's rules is a plain win.
    const wardens: SnapshotUnit[] = [1, 2, 3, 4, 5].map((i) => ({
      name: `Warden ${i}`,
      characterId: 9100000 + i,
      power: 9000,
      skills: ['Revive'],
      rarity: 'SR',
      imageUrl: null,
      unitId: null,
      dupeLevel: 0,
    }));
    const heroes = wardens.map((u, i) => ({ ...u, name: `Hero ${i}`, power: 18000, skills: [] }));
    const today = recordOf(heroes, wardens, 77);
    expect(today.outcome).toBe('WIN');
    const old: BattleRecord = { ...today, outcome: 'DRAW', rulesVersion: 1 };
    const replay = replayRecord(old);
    expect(replay).toMatchObject({ sameRules: false, matches: false, differences: [] });
    expect(replay.result.outcome).toBe('WIN');
    expect(replay.result.rulesVersion).toBe(RULES_VERSION);
  });

  it('rejects a damaged snapshot instead of replaying something else', () => {
    expect(() => parseSnapshot([{ name: 'x', characterId: 1, power: -5, skills: [], rarity: 'R', imageUrl: null, unitId: 1, dupeLevel: 0 }])).toThrow();
    expect(() => parseSnapshot(Array.from({ length: 6 }, () => SKILLY[0]))).toThrow();
  });
});
