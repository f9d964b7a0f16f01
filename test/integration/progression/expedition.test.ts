import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import expedition from '../../../src/cogs/expedition.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import { ledgerSums } from '../../../src/core/economy.js';
import { claimExpedition, startExpedition } from '../../../src/core/expedition.js';
import { setTeam } from '../../../src/core/teams.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { addCharacters, balance, giveUnit } from './fixtures.js';

const T0 = Date.parse('2030-03-01T10:30:00Z');
const HOUR = 3600;

// Effective power at team level 1, bond 1, dupe 0: floor(base × 1.01 × 1.005).
const C = { p10k: 1_000_001, p13k: 1_000_002, p17k: 1_000_003, hard: 1_000_010, coin: 1_000_011, road: 1_000_012 };

describe.each(backends())('expeditions (SPEC §8) on %s', (backend) => {
  let bot: TestBot;
  let clock: AdjustableClock;
  beforeAll(async () => {
    clock = new AdjustableClock(() => T0);
    bot = await startTestBot(backend, { cogs: [expedition], clock });
    const db = bot.tdb.db;
    await addCharacters(db, [
      { id: C.p10k, rarity: 'SSR', basePower: 10_000 }, // → 10,150
      { id: C.p13k, rarity: 'SSR', basePower: 13_000 }, // → 13,195
      { id: C.p17k, rarity: 'SSR', basePower: 17_000 }, // → 17,255
      { id: C.hard, rarity: 'SSR', basePower: 10_000, skills: ['Hardworker'] },
      { id: C.coin, rarity: 'SSR', basePower: 10_000, skills: ['Master of Coin'] },
      { id: C.road, rarity: 'SSR', basePower: 10_000, skills: ['The Long Road'] },
    ]);
  });
  afterAll(async () => bot?.close());

  /** A player whose expedition team is `count` units of character `char` (plus `owned` extra units off the team). */
  async function team(playerId: string, chars: number[], owned: number[] = []): Promise<void> {
    const db = bot.tdb.db;
    const ids: number[] = [];
    // One unit per character per player: duplicates of the same base power use sibling characters.
    for (const [i, c] of chars.entries()) {
      const id = c + 100 * (i + 1);
      await addCharacters(db, [
        {
          id,
          rarity: 'SSR',
          basePower: (await db.query<{ base_power: number }>('SELECT base_power FROM characters WHERE id = $1', [c])).rows[0]!.base_power,
          skills: (await db.query<{ skills: string[] }>('SELECT skills FROM characters WHERE id = $1', [c])).rows[0]!.skills,
        },
      ]);
      ids.push(await giveUnit(db, playerId, id));
    }
    for (const c of owned) await giveUnit(db, playerId, c);
    await setTeam(db, playerId, 'expedition', ids);
  }

  async function run(playerId: string, seconds: number) {
    const db = bot.tdb.db;
    const start = new Date(T0);
    await startExpedition(db, playerId, start);
    return claimExpedition(db, playerId, new Date(T0 + seconds * 1000));
  }

  const P10 = [C.p10k];
  const P40 = [C.p10k, C.p10k, C.p10k, C.p10k];
  const P66 = [C.p13k, C.p13k, C.p13k, C.p13k, C.p13k];
  const P86 = [C.p17k, C.p17k, C.p17k, C.p17k, C.p17k];
  it.each([
    { band: 'band 1, P 10,150', chars: P10, hours: 1, gems: 211 }, // 5.075 ppd × 1000 / 24 = 211.46
    { band: 'band 1, P 10,150', chars: P10, hours: 24, gems: 5_075 },
    { band: 'band 1, P 10,150', chars: P10, hours: 72, gems: 15_225 },
    { band: 'band 2, P 40,600', chars: P40, hours: 1, gems: 631 }, // 15.15 ppd → 631.25
    { band: 'band 2, P 40,600', chars: P40, hours: 24, gems: 15_150 },
    { band: 'band 2, P 40,600', chars: P40, hours: 72, gems: 45_450 },
    { band: 'band 3, P 65,975', chars: P66, hours: 1, gems: 895 }, // 21.49375 ppd → 895.57
    { band: 'band 3, P 65,975', chars: P66, hours: 24, gems: 21_493 },
    { band: 'band 3, P 65,975', chars: P66, hours: 72, gems: 64_481 },
    { band: 'band 3 capped, P 86,275', chars: P86, hours: 1, gems: 1_041 }, // 25 ppd → 1,041.67
    { band: 'band 3 capped, P 86,275', chars: P86, hours: 24, gems: 25_000 },
    { band: 'band 3 capped, P 86,275', chars: P86, hours: 72, gems: 75_000 },
  ])('$band for $hours h pays $gems gems', async ({ chars, hours, gems }) => {
    const id = `ex-${chars.length}-${chars[0]}-${hours}`;
    await team(id, [...chars]);
    const c = await run(id, hours * HOUR);
    expect(c.yield.gems).toBe(gems);
    expect(await balance(bot.tdb.db, id)).toEqual({ gems, coins: 0 });
    const p = (
      await bot.tdb.db.query<{ expedition_gems_total: number; expeditions_claimed: number }>(
        'SELECT expedition_gems_total, expeditions_claimed FROM players WHERE id = $1',
        [id],
      )
    ).rows[0]!;
    expect(p).toEqual({ expedition_gems_total: gems, expeditions_claimed: 1 });
  });

  it.each([
    { what: 'no skills', chars: [C.p10k], owned: [], hours: 24, gems: 5_075 },
    { what: 'Hardworker in the team (+15%)', chars: [C.hard], owned: [], hours: 24, gems: 5_836 }, // 5,075 × 1.15 = 5,836.25
    { what: 'two Hardworkers (+30%)', chars: [C.hard, C.hard], owned: [], hours: 24, gems: 13_097 }, // P 20,300: 10,075 × 1.3 = 13,097.5
    { what: 'Master of Coin owned off the team (+10%)', chars: [C.p10k], owned: [C.coin], hours: 24, gems: 5_582 }, // 5,582.5
    { what: 'Master of Coin in the team (+10%, counted once)', chars: [C.coin], owned: [], hours: 72, gems: 16_747 }, // 15,225 × 1.1
    { what: 'The Long Road after 1 h (+1%)', chars: [C.road], owned: [], hours: 1, gems: 213 }, // 211 × 1.01 = 213.11
    { what: 'The Long Road after 24 h (+24%)', chars: [C.road], owned: [], hours: 24, gems: 6_293 }, // 5,075 × 1.24
    { what: 'The Long Road after 72 h (still +24%)', chars: [C.road], owned: [], hours: 72, gems: 18_879 }, // 15,225 × 1.24
  ])('$what: $hours h pays $gems gems', async ({ what, chars, owned, hours, gems }) => {
    const id = `exs-${what.replace(/[^a-z0-9]/gi, '').slice(0, 40)}`;
    await team(id, [...chars], [...owned]);
    const c = await run(id, hours * HOUR);
    expect(c.yield.gems).toBe(gems);
  });

  it('team XP: +1 a whole minute, several level-ups at once (72 h = 4,320 XP: level 1 → 5 with 1,320 XP)', async () => {
    const id = 'ex-xp';
    await team(id, [C.p10k]);
    const c = await run(id, 72 * HOUR + 59);
    expect(c.yield.xp).toBe(4_320);
    expect(c).toMatchObject({ levelBefore: 1, level: 5, levelsGained: 4, teamXp: 1_320, teamXpToNext: 2_500 });
    const p = await bot.get(`/api/players/${id}`);
    expect(p.json).toMatchObject({ teamLevel: 5, teamXp: 1_320 });
    // The next expedition is stronger: team level 5 → floor(10,000 × 1.05 × 1.005) = 10,552.
    const again = await claimExpedition(bot.tdb.db, id, new Date(T0 + 100 * HOUR * 1000)).catch((e: Error) => e);
    expect(again).toBeInstanceOf(Error);
    await startExpedition(bot.tdb.db, id, new Date(T0));
    const c2 = await claimExpedition(bot.tdb.db, id, new Date(T0 + 24 * HOUR * 1000));
    expect(c2.power).toBe(10_552);
    expect(c2.yield.gems).toBe(5_276); // 5.276 ppd × 1000
  });

  it('through the commands: idle status, start, refused at 59 s, status, claim, and bad input', async () => {
    const u = 'ex-cmd';
    expect(textOf(await bot.say(u, '!ex'))).toMatch(/at home/);
    expect(textOf(await bot.say(u, '!ex start'))).toMatch(/expedition team is empty.*!se/);
    await team(u, [C.p10k]);
    expect(textOf(await bot.say(u, '!expedition start'))).toMatch(/Expedition started/);
    expect(textOf(await bot.say(u, '!ex start'))).toMatch(/already on an expedition/);
    const bad = textOf(await bot.say(u, '!ex foo'));
    expect(bad).toMatch(/must be one of `status`, `start`, `claim`/);
    expect(bad).toContain('Usage: `!expedition [action]`');

    await bot.post('/api/clock', { advanceSeconds: 59 });
    expect(textOf(await bot.say(u, '!ex claim'))).toMatch(/at least 60 seconds.*1 s/);
    expect(await balance(bot.tdb.db, u)).toEqual({ gems: 0, coins: 0 });
    expect(textOf(await bot.say(u, '!ex status'))).toMatch(/Away for \*\*59s\*\*/);

    await bot.post('/api/clock', { advanceSeconds: HOUR - 59 });
    expect(textOf(await bot.say(u, '!ex status'))).toMatch(/Claim now for \*\*211 💎\*\*/);
    const t = textOf(await bot.say(u, '!ex claim'));
    expect(t).toMatch(/Expedition complete/);
    expect(t).toContain('+211 💎');
    expect(t).toContain('+60'); // team XP
    expect(t).toMatch(/60 \/ 100 XP/);
    expect(await balance(bot.tdb.db, u)).toEqual({ gems: 211, coins: 0 });
    expect(textOf(await bot.say(u, '!ex claim'))).toMatch(/no expedition running/);
  });

  it('twenty claims at once pay once', async () => {
    const u = 'ex-race';
    await team(u, [C.p10k]);
    await bot.say(u, '!ex start');
    await bot.post('/api/clock', { advanceSeconds: 24 * HOUR });
    const replies = await Promise.all(Array.from({ length: 20 }, () => bot.say(u, '!ex claim')));
    const paid = replies.filter((r) => textOf(r).includes('Expedition complete'));
    expect(paid).toHaveLength(1);
    expect(replies.filter((r) => /no expedition running/.test(textOf(r)))).toHaveLength(19);
    expect((await balance(bot.tdb.db, u)).gems).toBe(5_075);
    expect(await ledgerSums(bot.tdb.db, u)).toEqual(await balance(bot.tdb.db, u));
    const p = (
      await bot.tdb.db.query<{ expeditions_claimed: number; team_level: number; team_xp: number }>(
        'SELECT expeditions_claimed, team_level, team_xp FROM players WHERE id = $1',
        [u],
      )
    ).rows[0]!;
    expect(p).toEqual({ expeditions_claimed: 1, team_level: 4, team_xp: 40 });
  });
});
