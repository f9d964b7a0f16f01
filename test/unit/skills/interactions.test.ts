/** Skills meeting each other, and the pipeline's ordering rules (SPEC §6). */
import { describe, expect, it } from 'vitest';
import { BattleEngine, runBattle } from '../../../src/core/skills/engine.js';
import { fight, NO_VARIANCE, ScriptedRolls, unit, zodiacRoll } from './helpers.js';

const SNAKE = zodiacRoll(5),
  SHEEP = zodiacRoll(7),
  MONKEY = zodiacRoll(8),
  DOG = zodiacRoll(10),
  PIG = zodiacRoll(11);

describe('suppression', () => {
  it('The Onyx Moon silences Surge for every enemy holding it, not for its own side', () => {
    const r = fight([unit('Onyx', 1000, ['The Onyx Moon']), unit('Mine', 10000, ['Surge'])], [unit('D1', 10000, ['Surge']), unit('D2', 10000, ['Surge'])], [0]);
    expect(r.finalPowers.defender).toEqual([10000, 10000]);
    expect(r.finalPowers.attacker).toEqual([1000, 12500]);
  });

  it("a defender's Onyx Moon silences the attacker's Guard before Guard acts (priority 10 before 0)", () => {
    const r = fight([unit('G', 10000, ['Guard'])], [unit('Onyx', 10000, ['The Onyx Moon'])], [0]);
    expect(r.finalPowers.defender).toEqual([10000]);
    expect(r.log.map((e) => e.skill)).toEqual(['The Onyx Moon']);
  });

  it('The Onyx Moon cannot be silenced: a Pig finds nothing to take from it', () => {
    const r = fight([unit('Queen', 10000, ['Queen of the Zodiacs'])], [unit('Onyx', 10000, ['The Onyx Moon']), unit('D', 1, [], 129840)], [PIG, 0]);
    // Pig had nothing to silence; the Onyx Moon still acted, but the Queen can't be silenced either.
    expect(r.log.filter((e) => e.kind === 'suppress')).toEqual([]);
  });

  it('a silenced Royalty pays nothing', () => {
    const r = fight([unit('King', 10000, ['Royalty'])], [unit('Onyx', 1, ['The Onyx Moon'])], [0]);
    expect(r.royalty.attacker).toBe(false);
  });

  it('a second Onyx Moon picks a skill not yet silenced', () => {
    const r = fight([unit('O1', 1, ['The Onyx Moon']), unit('O2', 1, ['The Onyx Moon'])], [unit('D', 10000, ['Surge', 'Berserk'])], [0, 0, 0.9]);
    expect(r.log.map((e) => e.detail).sort()).toEqual(['Berserk', 'Surge']);
    expect(r.finalPowers.defender).toEqual([10000]);
  });
});

describe('Guard', () => {
  it('two Guards on one side apply once: ×0.90, not ×0.81; the second says it was already up', () => {
    const r = fight([unit('G1', 1, ['Guard']), unit('G2', 1, ['Guard'])], [unit('D', 10000)]);
    expect(r.finalPowers.defender).toEqual([9000]);
    expect(r.log.map((e) => `${e.slot}:${e.kind}`)).toEqual(['0:teamMultiplier', '1:alreadyActive']);
  });

  it("Guard's once-per-side state starts fresh every battle on a reused engine", () => {
    const engine = new BattleEngine();
    for (let i = 0; i < 3; i++) {
      const r = engine.run([unit('G1', 1, ['Guard'])], [unit('D', 10000, ['Guard'])], { seed: i, variance: NO_VARIANCE });
      expect(r.log.map((e) => `${e.side}:${e.kind}`)).toEqual(['attacker:teamMultiplier', 'defender:teamMultiplier']);
    }
  });

  it('Guards on both sides each weaken the other team', () => {
    const r = fight([unit('A', 10000, ['Guard'])], [unit('D', 10000, ['Guard'])]);
    expect(r.finalPowers).toEqual({ attacker: [9000], defender: [9000] });
  });
});

describe('Kamikaze vs Kamikaze', () => {
  it('both go off; the attacker acts first on the tie, and a taken-out holder still blows', () => {
    // Attacker's Kamikaze (roll 0) takes the defender's Kamikaze; the defender's
    // Kamikaze then takes the only attacker still standing.
    const r = fight([unit('K1', 10000, ['Kamikaze']), unit('A2', 9000)], [unit('K2', 8000, ['Kamikaze']), unit('D2', 7000)], [0, 0]);
    expect(r.finalPowers).toEqual({ attacker: [0, 0], defender: [0, 7000] });
    expect(r.outcome).toBe('LOSS');
  });

  it('when each takes a bystander, all four units are out and the tie is a loss for the attacker', () => {
    const r = fight([unit('K1', 10000, ['Kamikaze']), unit('A2', 9000)], [unit('K2', 8000, ['Kamikaze']), unit('D2', 7000)], [0.9, 0]);
    expect(r.finalPowers).toEqual({ attacker: [0, 0], defender: [0, 0] });
    expect(r.totals).toEqual({ attacker: 0, defender: 0 });
    expect(r.outcome).toBe('LOSS');
  });
});

describe('outcome skills protect only their own side', () => {
  it("a defender's Snake does not save the attacker", () => {
    const r = fight([unit('A', 1000)], [unit('Queen', 10000, ['Queen of the Zodiacs'])], [SNAKE]);
    expect(r.outcome).toBe('LOSS');
  });

  it("a defender's Snake turns the defender's close loss into a draw", () => {
    const r = fight([unit('A', 11000)], [unit('Queen', 10000, ['Queen of the Zodiacs'])], [SNAKE]);
    expect(r.outcome).toBe('DRAW');
    expect(r.drawnBy).toMatchObject({ side: 'defender', skill: 'Queen of the Zodiacs', effect: 'Snake' });
  });

  it("the attacker's Revive is not consulted when the attacker wins", () => {
    const r = fight([unit('A', 20000, ['Revive'])], [unit('D', 10000)], [0.5, 0.5, 0]);
    expect(r.outcome).toBe('WIN');
    expect(r.log).toEqual([]);
  });

  it("a defender's Revive can turn the defender's close loss into a draw", () => {
    const r = fight([unit('A', 11000)], [unit('D', 10000, ['Revive'])], [0.5, 0.5, 0.1]);
    expect(r.outcome).toBe('DRAW');
    expect(r.drawnBy).toMatchObject({ side: 'defender', slot: 0, skill: 'Revive', kind: 'draw' });
  });

  it("a defender's Revive does nothing when the attacker loses", () => {
    expect(fight([unit('A', 1000)], [unit('D', 10000, ['Revive'])], [0.5, 0.5, 0]).outcome).toBe('LOSS');
  });

  it("a tie is the attacker's loss, so only the attacker's Revive is asked", () => {
    const r = fight([unit('A', 10000, ['Revive'])], [unit('D', 10000, ['Revive'])], [0.5, 0.5, 0]);
    expect(r.outcome).toBe('DRAW');
    expect(r.log).toEqual([expect.objectContaining({ side: 'attacker', kind: 'draw' })]);
  });
});

describe('close losses and the pooled draw roll (SPEC §6)', () => {
  const reviver = (name: string, power = 2000) => unit(name, power, ['Revive']);

  it('a loss exactly 75% of the winner is close; one point less is a rout', () => {
    expect(fight([reviver('A', 7500)], [unit('D', 10000)], [0.5, 0.5, 0]).outcome).toBe('DRAW');
    const rout = fight([reviver('A', 7499)], [unit('D', 10000)], [0.5, 0.5, 0]);
    expect(rout.outcome).toBe('LOSS');
    expect(rout.log).toEqual([expect.objectContaining({ kind: 'notClose', value: 0.7499 })]);
  });

  it('two Revives roll once together at 1 − 0.75² = 43.75%', () => {
    const team = [reviver('R1'), reviver('R2'), unit('X', 5000)];
    const hit = new ScriptedRolls([0.5, 0.5, 0.5, 0.5, 0.4374]);
    const r = fight(team, [unit('D', 10000)], [], { random: hit });
    expect(r.outcome).toBe('DRAW');
    expect(hit.drawn).toBe(5); // four variance rolls, one draw roll
    expect(r.log).toEqual([expect.objectContaining({ kind: 'draw', slot: 0, value: 0.4375 })]);
    expect(fight(team, [unit('D', 10000)], [0.5, 0.5, 0.5, 0.5, 0.4375], { fallback: 0 }).outcome).toBe('LOSS');
  });

  it('five Revives are capped at 50%, not 76%', () => {
    const team = [1, 2, 3, 4, 5].map((i) => reviver(`R${i}`, 1800));
    expect(fight(team, [unit('D', 10000)], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4999]).outcome).toBe('DRAW');
    const miss = fight(team, [unit('D', 10000)], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], { fallback: 0 });
    expect(miss.outcome).toBe('LOSS');
    expect(miss.log).toEqual([]); // a missed roll is not a firing
  });

  it('the draw is credited to the first Revive in priority order, and silenced Revives add nothing', () => {
    // The Onyx Moon silences Revive for the whole attacking side: no roll at all.
    const silenced = fight([unit('X', 5000), reviver('R1', 4000)], [unit('Onyx', 10000, ['The Onyx Moon'])], [0], { fallback: 0 });
    expect(silenced.outcome).toBe('LOSS');
    expect(silenced.log.map((e) => e.kind)).toEqual(['suppress']);
    const credited = fight([unit('X', 5000), reviver('R1', 2000), reviver('R2', 2000)], [unit('D', 10000)], [], { fallback: 0 });
    expect(credited.drawnBy).toMatchObject({ side: 'attacker', slot: 1, skill: 'Revive' });
  });

  it("Snake (priority 10) decides before the side's Revives are rolled", () => {
    const rolls = new ScriptedRolls([SNAKE, 0.5, 0.5, 0.5], 0);
    const r = fight([unit('Queen', 5000, ['Queen of the Zodiacs']), reviver('R', 4000)], [unit('D', 10000)], [], { random: rolls });
    expect(r.outcome).toBe('DRAW');
    expect(r.drawnBy).toMatchObject({ skill: 'Queen of the Zodiacs', effect: 'Snake' });
    expect(rolls.drawn).toBe(4); // sign + three variance rolls; Revive never rolled
  });

  it("Second Wind's RETRY still answers a rout (unchanged), and the re-fight is named in the result", () => {
    const r = fight([unit('A', 1000, ['Second Wind'])], [unit('D', 100000)], [], { fallback: 0 });
    expect(r.retries).toBe(1);
    expect(r.retriedBy).toEqual([expect.objectContaining({ side: 'attacker', skill: 'Second Wind', kind: 'retry', value: 1 })]);
    expect(r.drawnBy).toBeNull();
  });

  it('five Revives on defence no longer hold off a team twice as strong', () => {
    const defence = [1, 2, 3, 4, 5].map((i) => unit(`Warden ${i}`, 9600, ['Revive']));
    const attack = [1, 2, 3, 4, 5].map((i) => unit(`Hero ${i}`, 18000));
    let draws = 0;
    for (let seed = 0; seed < 2000; seed++) if (runBattle(attack, defence, { seed }).outcome === 'DRAW') draws++;
    expect(draws).toBe(0);
  });

  it('against a close match, five Revives save about half the losses, never more', () => {
    const defence = [1, 2, 3, 4, 5].map((i) => unit(`Warden ${i}`, 9600, ['Revive']));
    const attack = [1, 2, 3, 4, 5].map((i) => unit(`Hero ${i}`, 10200));
    let saved = 0;
    let lost = 0;
    for (let seed = 0; seed < 4000; seed++) {
      const r = runBattle(attack, defence, { seed });
      if (r.outcome === 'DRAW') saved++;
      if (r.outcome !== 'LOSS' && r.totals.attacker > r.totals.defender) lost++;
    }
    // Every defender loss here is close (the teams are 6% apart); the pooled chance is capped at 50%.
    expect(saved / lost).toBeGreaterThan(0.46);
    expect(saved / lost).toBeLessThan(0.54);
  });
});

describe('RETRY', () => {
  it('a Second Wind retries at most once however lucky its rolls', () => {
    const r = fight([unit('A', 1000, ['Second Wind'])], [unit('D', 100000)], [], { fallback: 0 });
    expect(r.retries).toBe(1);
    expect(r.outcome).toBe('LOSS');
  });

  it("Second Wind's once-per-object state starts fresh every battle on a reused engine", () => {
    const engine = new BattleEngine();
    for (let i = 0; i < 3; i++) {
      const r = engine.run([unit('A', 1000, ['Second Wind'])], [unit('D', 100000)], { seed: 0, random: new ScriptedRolls([], 0) });
      expect(r.retries).toBe(1);
    }
  });

  it('a battle retries at most 3 times however many Second Winds', () => {
    const team = [1, 2, 3, 4, 5].map((i) => unit(`SW${i}`, 100, ['Second Wind']));
    const r = fight(team, [unit('D', 100000)], [], { fallback: 0 });
    expect(r.retries).toBe(3);
    expect(r.log.filter((e) => e.kind === 'retry').map((e) => e.value)).toEqual([1, 2, 3]);
  });

  it("a retry keeps the start phase's lines and the retry line, and drops the failed attempt's rolls", () => {
    // Attempt 1: Berserk hits (0) but A still loses; Second Wind (0) retries; attempt 2: Berserk misses (0.9).
    const r = fight([unit('Q', 1000, ['Guard']), unit('A', 1000, ['Berserk', 'Second Wind'])], [unit('D', 100000)], [0, 0.5, 0.5, 0.5, 0, 0.9]);
    expect(r.log.map((e) => `${e.skill}:${e.kind}`)).toEqual(['Guard:teamMultiplier', 'Second Wind:retry']);
  });

  it("a re-fight drops the failed attempt's end lines too: only the retry line stays from it", () => {
    // Attempt 1: a rout, so the Snake can't save it (a notClose line) and Second Wind re-fights; attempt 2 the same.
    const r = fight([unit('Queen', 1000, ['Queen of the Zodiacs', 'Second Wind'])], [unit('D', 100000)], [SNAKE, 0.5, 0.5, 0], { fallback: 0.5 });
    expect(r.retries).toBe(1);
    expect(r.log.map((e) => e.kind)).toEqual(['pick', 'retry', 'notClose']);
  });

  it('the start phase is not re-run: a Queen keeps her sign through a retry', () => {
    const r = fight([unit('Queen', 1000, ['Queen of the Zodiacs', 'Second Wind'])], [unit('D', 100000)], [zodiacRoll(0), 0.5, 0.5, 0.1], { fallback: 0.99 });
    expect(r.retries).toBe(1);
    expect(r.finalPowers.attacker).toEqual([1200]);
    expect(r.log.filter((e) => e.kind === 'pick')).toHaveLength(1);
  });
});

describe('post-calculation sees variance', () => {
  it("Sheep copies the enemy's power after its variance", () => {
    // Defender's variance roll 0.75 → ×1.05 → 10,500.
    const r = fight([unit('Queen', 1000, ['Queen of the Zodiacs'])], [unit('D', 10000)], [SHEEP, 0.5, 0.75], { variance: {} });
    expect(r.finalPowers).toEqual({ attacker: [10500], defender: [10500] });
  });

  it("Dog copies the strongest teammate's power after its variance", () => {
    const r = fight([unit('Queen', 1000, ['Queen of the Zodiacs']), unit('M', 10000)], [], [DOG, 0.5, 0.25], { variance: {} });
    expect(r.finalPowers.attacker).toEqual([9500, 9500]);
  });

  it('Monkey swaps the varied powers', () => {
    const r = fight([unit('Queen', 5000, ['Queen of the Zodiacs'])], [unit('D', 10000)], [MONKEY, 0, 0.75, 0], { variance: {} });
    expect(r.finalPowers).toEqual({ attacker: [10500], defender: [4500] });
  });

  it('a taken-out Sheep does not come back by copying', () => {
    const r = fight([unit('Queen', 1000, ['Queen of the Zodiacs'])], [unit('K', 10000, ['Kamikaze']), unit('D', 20000)], [SHEEP, 0]);
    expect(r.finalPowers.attacker).toEqual([0]);
  });
});
