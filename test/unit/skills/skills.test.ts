/**
 * Each battle skill on its own (SPEC §6), with forced rolls and variance pinned
 * to 1 so the final powers are exactly the SPEC's numbers.
 */
import { describe, expect, it } from 'vitest';
import { fight, ScriptedRolls, unit, zodiacRoll } from './helpers.js';

const TOHRU = 207,
  KYO = 209,
  COCO = 129840,
  AGOTT = 129842,
  FRIEREN = 176754,
  HIMMEL = 184311;

describe('power skills', () => {
  it('Surge multiplies its holder by 1.25: 10,000 → 12,500', () => {
    const r = fight([unit('Alice', 10000, ['Surge'])], [unit('Bob', 1000)]);
    expect(r.finalPowers.attacker).toEqual([12500]);
    expect(r.log).toContainEqual(expect.objectContaining({ skill: 'Surge', kind: 'multiplier', value: 1.25, side: 'attacker', slot: 0 }));
  });

  it('Berserk gives ×1.5 on a roll under 25%, nothing otherwise', () => {
    expect(fight([unit('A', 10000, ['Berserk'])], [], [0.2499]).finalPowers.attacker).toEqual([15000]);
    const miss = fight([unit('A', 10000, ['Berserk'])], [], [0.25]);
    expect(miss.finalPowers.attacker).toEqual([10000]);
    expect(miss.log).toEqual([]);
  });

  it('Golden Egg gives ×3 on a roll under 1%', () => {
    expect(fight([unit('A', 10000, ['Golden Egg'])], [], [0.0099]).finalPowers.attacker).toEqual([30000]);
    expect(fight([unit('A', 10000, ['Golden Egg'])], [], [0.01]).finalPowers.attacker).toEqual([10000]);
  });

  it('Lucky 7: 7% for ×8.77, else a 77% second roll for +7,777 flat', () => {
    expect(fight([unit('A', 10000, ['Lucky 7'])], [], [0.0699]).finalPowers.attacker).toEqual([87700]);
    const flat = fight([unit('A', 10000, ['Lucky 7'])], [], [0.07, 0.7699]);
    expect(flat.finalPowers.attacker).toEqual([17777]);
    expect(flat.log).toEqual([expect.objectContaining({ skill: 'Lucky 7', kind: 'flat', value: 7777 })]);
    expect(fight([unit('A', 10000, ['Lucky 7'])], [], [0.5, 0.77]).finalPowers.attacker).toEqual([10000]);
  });

  it('The Joker: ×1.75 on a roll under 50%, otherwise ×0.25', () => {
    expect(fight([unit('A', 10000, ['The Joker'])], [], [0.4999]).finalPowers.attacker).toEqual([17500]);
    expect(fight([unit('A', 10000, ['The Joker'])], [], [0.5]).finalPowers.attacker).toEqual([2500]);
  });

  it('the flat bonus is added after multipliers and before variance', () => {
    // Lucky 7 flat with variance pinned at 0.5: (10,000 + 7,777) × 0.5.
    const r = fight([unit('A', 10000, ['Lucky 7'])], [], [0.5, 0.1], { variance: { attacker: [0.5, 0.5] } });
    expect(r.finalPowers.attacker).toEqual([8888]);
  });
});

describe('start skills', () => {
  it('Guard makes the enemy team ×0.90', () => {
    const r = fight([unit('A', 10000, ['Guard'])], [unit('D1', 10000), unit('D2', 5000)]);
    expect(r.finalPowers.defender).toEqual([9000, 4500]);
    expect(r.finalPowers.attacker).toEqual([10000]);
  });

  it('Kamikaze takes out one random standing enemy and its holder', () => {
    // Two standing enemies; a roll of 0.6 picks the second.
    const r = fight([unit('K', 10000, ['Kamikaze']), unit('X', 5000)], [unit('D1', 8000), unit('D2', 6000)], [0.6]);
    expect(r.finalPowers.attacker).toEqual([0, 5000]);
    expect(r.finalPowers.defender).toEqual([8000, 0]);
    expect(r.log).toEqual([expect.objectContaining({ skill: 'Kamikaze', kind: 'knockout', side: 'attacker', slot: 0, targetSide: 'defender', targetSlot: 1 })]);
  });

  it('Kamikaze with no enemy to take does nothing, not even sacrifice its holder, and says so', () => {
    const r = fight([unit('K', 10000, ['Kamikaze'])], []);
    expect(r.finalPowers.attacker).toEqual([10000]);
    expect(r.log).toEqual([expect.objectContaining({ skill: 'Kamikaze', kind: 'noTarget', targetSide: 'defender', targetSlot: -1 })]);
  });

  it('a Kamikaze-d unit does not roll its power skills', () => {
    const r = fight([unit('K', 10000, ['Kamikaze'])], [unit('D', 8000, ['Berserk'])], [0, 0]);
    expect(r.finalPowers.defender).toEqual([0]);
    expect(r.log.filter((e) => e.skill === 'Berserk')).toEqual([]);
  });

  it('The Amber Sun: holder and Agott ×1.15 when Agott is on the team (7,000 → 8,050 exactly)', () => {
    const r = fight([unit('A', 7000, ['The Amber Sun']), unit('Agott', 10000, [], AGOTT)], []);
    expect(r.finalPowers.attacker).toEqual([8050, 11500]);
    const alone = fight([unit('A', 7000, ['The Amber Sun'])], []);
    expect(alone.finalPowers.attacker).toEqual([7000]);
    expect(alone.log).toEqual([expect.objectContaining({ skill: 'The Amber Sun', kind: 'noPartner', detail: 'Agott' })]);
  });

  it('The Amber Sun on Agott herself boosts her once', () => {
    expect(fight([unit('Agott', 10000, ['The Amber Sun'], AGOTT)], []).finalPowers.attacker).toEqual([11500]);
  });

  it('Eternity: holder ×1.18 with Himmel on the team', () => {
    expect(fight([unit('A', 10000, ['Eternity']), unit('Himmel', 5000, [], HIMMEL)], []).finalPowers.attacker).toEqual([11800, 5000]);
    expect(fight([unit('A', 10000, ['Eternity'])], []).finalPowers.attacker).toEqual([10000]);
  });

  it('Ephemerality: whole team ×1.035 with Frieren on the team', () => {
    const r = fight([unit('A', 10000, ['Ephemerality']), unit('Frieren', 20000, [], FRIEREN)], [unit('D', 10000)]);
    expect(r.finalPowers.attacker).toEqual([10350, 20700]);
    expect(r.finalPowers.defender).toEqual([10000]);
  });

  it('Feline Fealty: holder and Tohru ×1.10, enemy team ×0.975', () => {
    const r = fight([unit('A', 10000, ['Feline Fealty']), unit('Tohru', 10000, [], TOHRU)], [unit('D', 10000)]);
    expect(r.finalPowers.attacker).toEqual([11000, 11000]);
    expect(r.finalPowers.defender).toEqual([9750]);
    expect(fight([unit('A', 10000, ['Feline Fealty'])], [unit('D', 10000)]).finalPowers.defender).toEqual([10000]);
  });

  it('The Onyx Moon (Umbra) silences an enemy skill name for every enemy unit', () => {
    const r = fight([unit('Onyx', 1000, ['The Onyx Moon'])], [unit('D1', 10000, ['Surge']), unit('D2', 10000, ['Surge'])], [0]);
    expect(r.finalPowers.defender).toEqual([10000, 10000]);
    expect(r.log).toEqual([expect.objectContaining({ skill: 'The Onyx Moon', kind: 'suppress', effect: 'Umbra', detail: 'Surge', value: 1 })]);
  });

  it('The Onyx Moon (Eclipse) with Coco also makes the carrier ×0.80', () => {
    const r = fight([unit('Onyx', 1000, ['The Onyx Moon']), unit('Coco', 1000, [], COCO)], [unit('D1', 10000, ['Surge'])], [0]);
    expect(r.finalPowers.defender).toEqual([8000]);
    expect(r.log[0]).toMatchObject({ kind: 'suppress', effect: 'Eclipse', detail: 'Surge', value: 0.8, targetSlot: 0 });
  });

  it('The Onyx Moon never picks Queen of the Zodiacs, The Onyx Moon or Entwined Souls: with nothing else, it says nothing happened', () => {
    const r = fight(
      [unit('Onyx', 1000, ['The Onyx Moon'])],
      [unit('D', 10000, ['Queen of the Zodiacs', 'The Onyx Moon', 'Entwined Souls', 'Anchor'])],
      [0, 0, 0, 0],
    );
    expect(r.log.filter((e) => e.side === 'attacker')).toEqual([
      expect.objectContaining({ skill: 'The Onyx Moon', kind: 'nothingToSilence', effect: 'Umbra', targetSide: 'defender' }),
    ]);
  });

  it('Royalty has no power effect and marks its side for the ×1.5 payout', () => {
    const r = fight([unit('King', 10000, ['Royalty'])], [unit('D', 5000)]);
    expect(r.finalPowers.attacker).toEqual([10000]);
    expect(r.royalty).toEqual({ attacker: true, defender: false });
  });

  it('Anchor and the expedition skills do nothing in battle (and leave no line: they never fire there)', () => {
    const r = fight([unit('A', 10000, ['Anchor', 'Master of Coin', 'Hardworker', 'The Long Road'])], []);
    expect(r.finalPowers.attacker).toEqual([10000]);
    expect(r.log).toEqual([]);
  });
});

describe('end skills', () => {
  it("Revive turns its side's close loss into a draw on a roll under 25%", () => {
    // Two variance draws come first (one per unit), then Revive's roll; 9,000 is 90% of 10,000: close.
    const saved = fight([unit('A', 9000, ['Revive'])], [unit('D', 10000)], [0.5, 0.5, 0.2499]);
    expect(saved.outcome).toBe('DRAW');
    expect(saved.log).toEqual([expect.objectContaining({ skill: 'Revive', kind: 'draw', value: 0.25, side: 'attacker', slot: 0 })]);
    expect(fight([unit('A', 9000, ['Revive'])], [unit('D', 10000)], [0.5, 0.5, 0.25]).outcome).toBe('LOSS');
  });

  it('Revive does not save a rout (under 75% of the winner): no roll, and a line saying why', () => {
    const rolls = new ScriptedRolls([0.5, 0.5], 0);
    const r = fight([unit('A', 5000, ['Revive'])], [unit('D', 10000)], [], { random: rolls });
    expect(r.outcome).toBe('LOSS');
    expect(rolls.drawn).toBe(2); // the two variance rolls, no Revive roll
    expect(r.log).toEqual([expect.objectContaining({ skill: 'Revive', kind: 'notClose', value: 0.5 })]);
  });

  it("Second Wind re-fights its side's loss with fresh variance on a roll under 30%", () => {
    // Attempt 1: A ×0.9 = 9,000 vs D ×1.098 = 10,980 → loss; Second Wind 0.1 → retry;
    // attempt 2: A ×1.098 = 10,980 vs D ×0.9 = 9,000 → win.
    const r = fight([unit('A', 10000, ['Second Wind'])], [unit('D', 10000)], [0, 0.99, 0.1, 0.99, 0], {
      variance: {},
    });
    expect(r.outcome).toBe('WIN');
    expect(r.retries).toBe(1);
    expect(r.finalPowers).toEqual({ attacker: [10980], defender: [9000] });
    expect(r.log).toEqual([expect.objectContaining({ skill: 'Second Wind', kind: 'retry', value: 1 })]);
  });

  it('Second Wind misses on a roll of 30% or more', () => {
    const r = fight([unit('A', 5000, ['Second Wind'])], [unit('D', 10000)], [0.5, 0.5, 0.3]);
    expect(r.retries).toBe(0);
    expect(r.outcome).toBe('LOSS');
  });
});

describe('Queen of the Zodiacs', () => {
  const queen = (power = 10000) => unit('Queen', power, ['Queen of the Zodiacs']);

  it('Rat: holder ×1.20', () => {
    expect(fight([queen()], [], [zodiacRoll(0)]).finalPowers.attacker).toEqual([12000]);
  });

  it('Ox: one random enemy ×0.80', () => {
    const r = fight([queen()], [unit('D1', 10000), unit('D2', 10000)], [zodiacRoll(1), 0.9]);
    expect(r.finalPowers.defender).toEqual([10000, 8000]);
  });

  it('Tiger: own team ×1.05', () => {
    expect(fight([queen(), unit('M', 20000)], [], [zodiacRoll(2)]).finalPowers.attacker).toEqual([10500, 21000]);
  });

  it('Rabbit: enemy team ×0.93', () => {
    expect(fight([queen()], [unit('D1', 10000), unit('D2', 20000)], [zodiacRoll(3)]).finalPowers.defender).toEqual([9300, 18600]);
  });

  it('Dragon: holder variance fixed at 1.1 whatever the roll', () => {
    const r = fight([queen()], [], [zodiacRoll(4), 0], { variance: {} });
    expect(r.finalPowers.attacker).toEqual([11000]);
  });

  it("Snake: the holder's side's close loss is a draw, without a roll", () => {
    const r = fight([queen(9000)], [unit('D', 10000)], [zodiacRoll(5)]);
    expect(r.outcome).toBe('DRAW');
    expect(r.log.at(-1)).toMatchObject({ kind: 'draw', effect: 'Snake', value: 1 });
  });

  it('Snake does not save a rout, and says so', () => {
    const r = fight([queen(1000)], [unit('D', 10000)], [zodiacRoll(5)]);
    expect(r.outcome).toBe('LOSS');
    expect(r.log.at(-1)).toMatchObject({ kind: 'notClose', effect: 'Snake', value: 0.1 });
  });

  it('Horse: holder ×0.90 and a random teammate ×1.30', () => {
    const r = fight([queen(), unit('M1', 10000), unit('M2', 10000)], [], [zodiacRoll(6), 0.9]);
    expect(r.finalPowers.attacker).toEqual([9000, 10000, 13000]);
  });

  it('Horse with no teammate still costs the holder ×0.90, and says there was nobody to carry', () => {
    const r = fight([queen()], [], [zodiacRoll(6)]);
    expect(r.finalPowers.attacker).toEqual([9000]);
    expect(r.log.map((e) => e.kind)).toEqual(['pick', 'multiplier', 'noTeammate']);
  });

  it('Sheep: holder takes the highest enemy final power', () => {
    const r = fight([queen(1000)], [unit('D1', 7000), unit('D2', 15000)], [zodiacRoll(7)]);
    expect(r.finalPowers.attacker).toEqual([15000]);
  });

  it('Monkey: holder swaps final power with a random enemy that has some', () => {
    const r = fight([queen(5000)], [unit('D1', 0), unit('D2', 20000)], [zodiacRoll(8), 0.5, 0.5, 0.5, 0]);
    expect(r.finalPowers).toEqual({ attacker: [20000], defender: [0, 5000] });
  });

  it('Rooster: own team ×1.03 and holder a further ×1.06', () => {
    // 10,000 × 1.03 × 1.06 = 10,918.
    expect(fight([queen(), unit('M', 10000)], [], [zodiacRoll(9)]).finalPowers.attacker).toEqual([10918, 10300]);
  });

  it('Dog: holder rises to the highest final power on its own side', () => {
    expect(fight([queen(1000), unit('M', 20000)], [], [zodiacRoll(10)]).finalPowers.attacker).toEqual([20000, 20000]);
  });

  it('Pig: silences one enemy skill like The Onyx Moon, without the Eclipse', () => {
    const r = fight([queen(), unit('Coco', 1, [], COCO)], [unit('D', 10000, ['Surge'])], [zodiacRoll(11), 0]);
    expect(r.finalPowers.defender).toEqual([10000]);
    expect(r.log).toContainEqual(expect.objectContaining({ kind: 'suppress', effect: 'Pig', detail: 'Surge', value: 1 }));
  });

  it('Pig with nothing to silence says nothing happened', () => {
    const r = fight([queen()], [unit('D', 10000)], [zodiacRoll(11)]);
    expect(r.log.map((e) => [e.kind, e.effect])).toEqual([
      ['pick', 'Pig'],
      ['nothingToSilence', 'Pig'],
    ]);
  });

  it('Ox, Sheep and Monkey with no enemy to act on, and a Dog already the strongest, each say nothing happened', () => {
    expect(fight([queen()], [], [zodiacRoll(1)]).log.at(-1)).toMatchObject({ kind: 'noTarget', effect: 'Ox' });
    expect(fight([queen()], [], [zodiacRoll(7)]).log.at(-1)).toMatchObject({ kind: 'noTarget', effect: 'Sheep' });
    expect(fight([queen()], [unit('D', 0)], [zodiacRoll(8)]).log.at(-1)).toMatchObject({ kind: 'noTarget', effect: 'Monkey' });
    expect(fight([queen(20000), unit('M', 1000)], [], [zodiacRoll(10)]).log.at(-1)).toMatchObject({ kind: 'alreadyStrongest', effect: 'Dog' });
  });

  it('the drawn sign is logged', () => {
    expect(fight([queen()], [], [zodiacRoll(0)]).log[0]).toMatchObject({ kind: 'pick', effect: 'Rat' });
  });
});

describe('Entwined Souls (1.2× the Zodiac values, with Kyo)', () => {
  const souls = (power = 10000) => unit('Souls', power, ['Entwined Souls']);
  const kyo = () => unit('Kyo', 10000, [], KYO);
  const roll = (i: number) => zodiacRoll(i, 6); // Ox, Tiger, Rabbit, Rooster, Pig, Horse

  it('does nothing without Kyo, and says Kyo is missing', () => {
    const r = fight([souls()], [unit('D', 10000)], [roll(0), 0]);
    expect(r.finalPowers.defender).toEqual([10000]);
    expect(r.log).toEqual([expect.objectContaining({ skill: 'Entwined Souls', kind: 'noPartner', detail: 'Kyo' })]);
  });

  it('Ox: one enemy ×0.76', () => {
    expect(fight([souls(), kyo()], [unit('D', 10000)], [roll(0), 0]).finalPowers.defender).toEqual([7600]);
  });

  it('Tiger: own team ×1.06', () => {
    expect(fight([souls(), kyo()], [], [roll(1)]).finalPowers.attacker).toEqual([10600, 10600]);
  });

  it('Rabbit: enemy team ×0.916', () => {
    expect(fight([souls(), kyo()], [unit('D', 10000)], [roll(2)]).finalPowers.defender).toEqual([9160]);
  });

  it('Rooster: own team ×1.036 and holder a further ×1.072', () => {
    // 10,000 × 1.036 × 1.072 = 11,105.92 → 11,105.
    expect(fight([souls(), kyo()], [], [roll(3)]).finalPowers.attacker).toEqual([11105, 10360]);
  });

  it('Pig: silences one enemy skill', () => {
    expect(fight([souls(), kyo()], [unit('D', 10000, ['Surge'])], [roll(4), 0]).finalPowers.defender).toEqual([10000]);
  });

  it('Horse: both numbers scaled — holder ×0.88, teammate ×1.36', () => {
    expect(fight([souls(), kyo()], [], [roll(5), 0]).finalPowers.attacker).toEqual([8800, 13600]);
  });

  it('Horse: Kyo holding it himself, with no teammate, still pays ×0.88', () => {
    expect(fight([unit('Kyo', 10000, ['Entwined Souls'], KYO)], [], [roll(5)]).finalPowers.attacker).toEqual([8800]);
  });
});
