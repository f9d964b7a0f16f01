/**
 * The whole bot, every cog loaded as in `npm start`: a new player's first days
 * through the playground API — starter, check-in, expedition, NPC battles and
 * tasks, a bounty hunt, a gift, and achievements unlocking on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import { ledgerSums } from '../../../src/core/economy.js';
import { itemQuantities } from '../../../src/core/items.js';
import { listUnits } from '../../../src/core/units.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { balance } from './fixtures.js';

const T0 = Date.parse('2030-09-01T08:20:00Z');

describe.each(backends())("a new player's progression through the playground on %s", (backend) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot(backend, { clock: new AdjustableClock(() => T0) });
    await upsertCharacters(bot.tdb.db, generateOfflineCatalog());
  });
  afterAll(async () => bot?.close());

  it('starter → check-in → expedition → battles and tasks → bounty → gift → achievements', async () => {
    const u = 'newbie';
    const db = bot.tdb.db;
    const starter = textOf(await bot.say(u, '!starter'));
    expect(starter).toMatch(/First Contact/); // achievement announced after the command
    const units = await listUnits(db, u);
    expect(units.length).toBeGreaterThanOrEqual(1);
    const best = units.slice(0, 5).map((x) => x.id);

    expect(textOf(await bot.say(u, '!checkin'))).toMatch(/\+1,500 💎/);

    await bot.say(u, `!se ${best.join(' ')}`);
    expect(textOf(await bot.say(u, '!ex start'))).toMatch(/Expedition started/);
    await bot.post('/api/clock', { advanceSeconds: 2 * 3600 });
    const claim = textOf(await bot.say(u, '!ex claim'));
    expect(claim).toMatch(/Expedition complete/);
    expect(claim).toMatch(/First Voyage/);
    expect(claim).toMatch(/Team level \*\*1 → 2\*\*/); // 120 XP: 100 for level 2, 20 of the 400 level 3 needs
    expect(claim).toMatch(/20 \/ 400 XP/);

    // NPC battles: a win completes the day's task; a loss doesn't.
    await bot.say(u, `!stb ${best.join(' ')}`);
    let won = false;
    for (let i = 0; i < 20 && !won; i++) won = /newbie\*\* wins!/.test(textOf(await bot.say(u, '!battle easy')));
    expect(won).toBe(true);
    expect(textOf(await bot.say(u, '!tasks'))).toMatch(/`easy\s*` 500 💎 — ✅ 1\/1 — claimable/);
    const before = (await balance(db, u)).gems;
    expect(textOf(await bot.say(u, '!claimall'))).toMatch(/`easy` \+500 💎/);
    expect((await balance(db, u)).gems).toBe(before + 500);

    // Weeks of pulls later (inserted here): five maxed SSR units make a team that beats any bounty.
    const ssr = await db.query<{ id: number }>(
      `SELECT id FROM characters WHERE rarity = 'SSR' AND rank > 0 AND id NOT IN (SELECT character_id FROM units WHERE player_id = $1) ORDER BY rank LIMIT 5`,
      [u],
    );
    const maxed: number[] = [];
    for (const c of ssr.rows) {
      const r = await db.query<{ id: number }>(`INSERT INTO units (player_id, character_id, dupe_level, bond_level) VALUES ($1, $2, 10, 50) RETURNING id`, [
        u,
        c.id,
      ]);
      maxed.push(Number(r.rows[0]!.id));
    }
    const stb = textOf(await bot.say(u, `!stb ${maxed.join(' ')}`));
    expect(stb).toMatch(/Golden Vanguard/);
    expect(stb).toMatch(/Titan Squad/);

    const board = textOf(await bot.say(u, '!bounty'));
    expect(board).toMatch(/3\/3/);
    const [picker] = await bot.say(u, '!hunt');
    const select = picker!.components.find((c) => c.type === 'select');
    if (select?.type !== 'select') throw new Error('no slot picker');
    const option = select.options[0]!;
    const tier = /— (\w+) ·/.exec(option.label)![1]!;
    await bot.click(u, picker!.id, 'bounty:pick', [option.value]);
    const fight = await bot.click(u, picker!.id, 'bounty:fight');
    expect(textOf(fight.edits)).toMatch(/Bounty completed/);
    expect(textOf(fight.replies)).toMatch(new RegExp(`${tier}-Tier Takedown`));
    const item = ({ R: ['bond_small', 'small'], SR: ['bond_med', 'med'], SSR: ['bond_large', 'large'], UR: ['bond_ur', 'ur'] } as const)[tier as 'R']!;
    expect((await itemQuantities(db, u))[item[0]]).toBe(1);

    // Gift the prize to a starter unit.
    const target = units[units.length - 1]!;
    const gift = textOf(await bot.say(u, `!gift ${target.id} ${item[1]}`));
    expect(gift).toMatch(/Gifts given/);
    expect((await itemQuantities(db, u))[item[0]]).toBe(0);
    expect((await listUnits(db, u)).find((x) => x.id === target.id)!.bondLevel).toBeGreaterThan(1);

    // Help for every command of this part.
    for (const [cmd, usage] of [
      ['checkin', '!checkin'],
      ['tasks', '!tasks'],
      ['claim', '!claim <task>'],
      ['claimall', '!claimall'],
      ['expedition', '!expedition [action]'],
      ['bounty', '!bounty'],
      ['hunt', '!hunt'],
      ['gift', '!gift <id> <item> [amount] ! <id> <item> [amount] …'],
      ['achievements', '!achievements [member]'],
    ] as const) {
      expect(textOf(await bot.say(u, `!help ${cmd}`))).toContain(`\`${usage}\``);
    }

    const ach = textOf(await bot.say(u, '!ach'));
    expect(ach).toMatch(/\d+ \/ 32\*\* earned/);
    expect(await ledgerSums(db, u)).toEqual(await balance(db, u));
  });
});
