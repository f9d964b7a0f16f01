/**
 * Time Bomb (README, "New skill: Time Bomb"): b, priority 0; at the start it
 * plants a bomb on one random enemy still standing, and after every power roll
 * the bomb goes off — that enemy's final power ×0.75, floored. Its state (the
 * bombed slot) lives in the skill's own state slot, not in the battle context.
 */
import { describe, expect, it } from 'vitest';
import { BattleEngine } from '../../../src/core/skills/engine.js';
import { formatLogLines } from '../../../src/core/skills/log.js';
import { describeSkill, findSkill } from '../../../src/core/skills/registry.js';
import { fight, NO_VARIANCE, ScriptedRolls, unit } from './helpers.js';

const SECOND_OF_TWO = 0.6;

describe('Time Bomb', () => {
  it('is a battle skill of priority 0 whose description comes from its value', () => {
    expect(findSkill('time bomb')).toMatchObject({ name: 'Time Bomb', appliesIn: 'b', priority: 0, stackable: false, suppressible: true });
    expect(describeSkill('Time Bomb')).toBe(
      'At the start, plants a bomb on one random enemy still standing. After the power roll it goes off: ' +
        "that enemy's power −25% (×0.75). A re-fight finds it still planted.",
    );
  });

  it('goes off on the enemy it was planted on: 10,001 → 7,500 after the roll (floored)', () => {
    const r = fight([unit('Bomber', 5000, ['Time Bomb'])], [unit('D1', 8000), unit('D2', 10001)], [SECOND_OF_TWO]);
    expect(r.finalPowers.defender).toEqual([8000, 7500]);
    expect(r.totals.defender).toBe(15500);
    expect(r.log).toEqual([expect.objectContaining({ skill: 'Time Bomb', kind: 'finalMultiplier', value: 0.75, targetSide: 'defender', targetSlot: 1 })]);
    expect(formatLogLines(r, 'attacker')).toEqual(["💣 Bomber's Time Bomb: D2 −25% after the roll"]);
  });

  it('acts after the variance roll, on the varied power', () => {
    // The defender's variance roll 0.75 → ×1.05: 10,000 → 10,500, then the bomb: 7,875.
    const r = fight([unit('Bomber', 5000, ['Time Bomb'])], [unit('D', 10000)], [0, 0.5, 0.75], { variance: {} });
    expect(r.finalPowers.defender).toEqual([7875]);
  });

  it('stays on the same enemy through a re-fight, and goes off again', () => {
    // Attempt 1: the bomb hits D2 but the attacker loses; Second Wind (0) re-fights; attempt 2 as well.
    const rolls = new ScriptedRolls([SECOND_OF_TWO], 0);
    const r = fight([unit('Bomber', 1000, ['Time Bomb', 'Second Wind'])], [unit('D1', 50000), unit('D2', 10000)], [], { random: rolls });
    expect(r.retries).toBe(1);
    expect(r.finalPowers.defender).toEqual([50000, 7500]);
    expect(r.log.map((e) => `${e.kind}:${e.targetSlot}`)).toEqual(['retry:0', 'finalMultiplier:1']);
  });

  it('with no enemy standing at the start, says nothing happened; a bombed enemy taken out before the blast too', () => {
    const alone = fight([unit('Bomber', 5000, ['Time Bomb'])], []);
    expect(alone.log).toEqual([expect.objectContaining({ kind: 'noTarget', targetSlot: -1 })]);
    // The bomb is planted on D1 first (attacker before defender); D1's Kamikaze then takes A2 and D1 itself out.
    const out = fight([unit('Bomber', 5000, ['Time Bomb']), unit('A2', 100)], [unit('D1', 8000, ['Kamikaze'])], [0, 0.99]);
    expect(out.finalPowers.defender).toEqual([0]);
    expect(out.log.filter((e) => e.skill === 'Time Bomb')).toEqual([expect.objectContaining({ kind: 'noTarget', targetSlot: 0 })]);
  });

  it('can be silenced by The Onyx Moon before it is planted', () => {
    const r = fight([unit('Bomber', 5000, ['Time Bomb'])], [unit('Onyx', 10000, ['The Onyx Moon'])], [0]);
    expect(r.finalPowers.defender).toEqual([10000]);
    expect(r.log.map((e) => e.kind)).toEqual(['suppress']);
  });

  it('two bombers each keep their own target (per-object state), and a new battle plants afresh', () => {
    const engine = new BattleEngine();
    const attackers = [unit('B1', 1000, ['Time Bomb']), unit('B2', 1000, ['Time Bomb'])];
    const defenders = [unit('D1', 10000), unit('D2', 10000)];
    const both = engine.run(attackers, defenders, { seed: 1, variance: NO_VARIANCE, random: new ScriptedRolls([0, SECOND_OF_TWO]) });
    expect(both.finalPowers.defender).toEqual([7500, 7500]);
    const same = engine.run(attackers, defenders, { seed: 1, variance: NO_VARIANCE, random: new ScriptedRolls([SECOND_OF_TWO, SECOND_OF_TWO]) });
    expect(same.finalPowers.defender).toEqual([10000, 5625]);
    // A battle where B1 finds no one standing: its state from the last battle (slot 1) must not carry over.
    const none = engine.run(attackers, [], { seed: 1, variance: NO_VARIANCE });
    expect(none.log.map((e) => e.kind)).toEqual(['noTarget', 'noTarget']);
  });
});
