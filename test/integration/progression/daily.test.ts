import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import battle from '../../../src/cogs/battle.js';
import daily from '../../../src/cogs/daily.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { AdjustableClock } from '../../../src/core/clock.js';
import { ledgerSums } from '../../../src/core/economy.js';
import { recordTaskWin } from '../../../src/core/tasks.js';
import { setTeam } from '../../../src/core/teams.js';
import { startTestBot, type TestBot, textOf } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { addCharacters, balance, giveUnit } from './fixtures.js';

// 22:00 UTC, so "the next day" is two hours away.
const T0 = Date.parse('2030-05-10T22:00:00Z');
const DAY = 86_400;

describe.each(backends())('daily check-in and tasks (SPEC §9) on %s', (backend) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot(backend, { cogs: [daily, battle], clock: new AdjustableClock(() => T0) });
    await upsertCharacters(bot.tdb.db, generateOfflineCatalog());
    await addCharacters(bot.tdb.db, [
      { id: 2_000_001, rarity: 'R', basePower: 100 },
      ...[1, 2, 3, 4, 5].map((i) => ({ id: 2_000_100 + i, rarity: 'SSR' as const, basePower: 40_000 })),
    ]);
  });
  afterAll(async () => bot?.close());

  const db = () => bot.tdb.db;
  const player = async (id: string) =>
    (await db().query<{ last_checkin: string | null; checkin_streak: number }>('SELECT last_checkin, checkin_streak FROM players WHERE id = $1', [id]))
      .rows[0]!;

  it('check-in: +1,500 once a day; twice in a day says when it resets; consecutive days grow the streak; a gap resets it', async () => {
    const u = 'ci-1';
    const first = textOf(await bot.say(u, '!checkin'));
    expect(first).toMatch(/\+1,500 💎/);
    expect(first).toMatch(/1 day/);
    expect(await player(u)).toEqual({ last_checkin: '2030-05-10', checkin_streak: 1 });

    const again = textOf(await bot.say(u, '!checkin'));
    expect(again).toMatch(/already checked in today/);
    expect(again).toMatch(/00:00 UTC, in \*\*2h 0m\*\*/);
    expect((await balance(db(), u)).gems).toBe(1_500);

    await bot.post('/api/clock', { advanceSeconds: 2 * 3600 }); // 00:00 the next day
    expect(textOf(await bot.say(u, '!checkin'))).toMatch(/2 days/);
    await bot.post('/api/clock', { advanceSeconds: 2 * DAY - 1 }); // 23:59:59 of the day after
    expect(textOf(await bot.say(u, '!checkin'))).toMatch(/3 days/);
    expect(await player(u)).toEqual({ last_checkin: '2030-05-12', checkin_streak: 3 });

    await bot.post('/api/clock', { advanceSeconds: 2 * DAY }); // skips 2030-05-13
    expect(textOf(await bot.say(u, '!checkin'))).toMatch(/1 day\b/);
    expect(await player(u)).toEqual({ last_checkin: '2030-05-14', checkin_streak: 1 });
    expect((await balance(db(), u)).gems).toBe(4 * 1_500);
    expect(await ledgerSums(db(), u)).toEqual(await balance(db(), u));
  });

  it('!daily is !checkin (the Mudae/Karuta habit): one check-in between them', async () => {
    const u = 'ci-daily';
    expect(textOf(await bot.say(u, '!daily'))).toMatch(/Checked in[\s\S]*\+1,500 💎/);
    expect(textOf(await bot.say(u, '!checkin'))).toMatch(/already checked in today/);
    expect(textOf(await bot.say(u, '!daily'))).toMatch(/already checked in today/);
    expect((await balance(db(), u)).gems).toBe(1_500);
    expect(bot.app.registry.get('daily')?.name).toBe('checkin');
  });

  it('twenty check-ins at once pay once', async () => {
    const u = 'ci-race';
    const replies = await Promise.all(Array.from({ length: 20 }, () => bot.say(u, '!checkin')));
    expect(replies.filter((r) => textOf(r).includes('Checked in'))).toHaveLength(1);
    expect((await balance(db(), u)).gems).toBe(1_500);
    expect(await ledgerSums(db(), u)).toEqual(await balance(db(), u));
  });

  it('tasks: a loss completes nothing, a win completes once, claimed once, reset the next day', async () => {
    const u = 'task-1';
    // A weak team loses to hell: no task row.
    const weak = await giveUnit(db(), u, 2_000_001);
    await setTeam(db(), u, 'battle', [weak]);
    const lost = textOf(await bot.say(u, '!battle hell'));
    expect(lost).toMatch(/wins\./);
    expect((await db().query('SELECT 1 FROM daily_tasks WHERE player_id = $1', [u])).rowCount).toBe(0);
    expect(textOf(await bot.say(u, '!tasks'))).toMatch(/`hell\s*` 5,000 💎 — ⬜ 0\/1/);
    expect(textOf(await bot.say(u, '!claim hell'))).toMatch(/isn't done yet/);

    // A strong team wins easy twice: one row.
    const strong = [];
    for (let i = 1; i <= 5; i++) strong.push(await giveUnit(db(), u, 2_000_100 + i));
    await setTeam(db(), u, 'battle', strong);
    expect(textOf(await bot.say(u, '!battle easy'))).toMatch(/task-1\*\* wins!/);
    await bot.say(u, '!battle easy');
    expect((await db().query('SELECT 1 FROM daily_tasks WHERE player_id = $1', [u])).rowCount).toBe(1);
    const list = textOf(await bot.say(u, '!tasks'));
    expect(list).toMatch(/`easy\s*` 500 💎 — ✅ 1\/1 — claimable/);
    expect(list).toMatch(/`pvp\s*` 500 💎 — ⬜ 0\/1/);
    expect(list).toMatch(/`normal\s*` 1,000 💎/);
    expect(list).toMatch(/`hard\s*` 1,500 💎/);
    expect(list).toMatch(/`expert\s*` 2,500 💎/);
    expect(list).toMatch(/`nightmare` 3,500 💎/);

    expect(textOf(await bot.say(u, '!claim easy'))).toMatch(/\+500 💎/);
    expect(textOf(await bot.say(u, '!claim easy'))).toMatch(/already claimed/);
    expect(textOf(await bot.say(u, '!tasks'))).toMatch(/`easy\s*` 500 💎 — 🎁 claimed/);
    expect((await balance(db(), u)).gems).toBe(500);

    // The next UTC day: everything is 0/1 again.
    const now = new Date((await bot.get('/api/clock')).json.now);
    const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
    await bot.post('/api/clock', { advanceSeconds: toMidnight });
    expect(textOf(await bot.say(u, '!tasks'))).toMatch(/`easy\s*` 500 💎 — ⬜ 0\/1/);
    expect(textOf(await bot.say(u, '!claim easy'))).toMatch(/isn't done yet/);
    expect(await ledgerSums(db(), u)).toEqual(await balance(db(), u));
  });

  it('!claimall pays every completed task once; twenty claims at once pay once', async () => {
    const u = 'task-all';
    await giveUnit(db(), u, 2_000_001);
    const now = new Date((await bot.get('/api/clock')).json.now);
    for (const t of ['pvp', 'easy', 'hard', 'hell'] as const) await recordTaskWin(db(), u, t, now);
    const replies = await Promise.all([
      ...Array.from({ length: 10 }, () => bot.say(u, '!claimall')),
      ...Array.from({ length: 10 }, () => bot.say(u, '!claim_all')),
      bot.say(u, '!claim hell'),
    ]);
    const texts = replies.map(textOf);
    // pvp 500 + easy 500 + hard 1,500 + hell 5,000 = 7,500, paid once whichever claim got each task.
    expect((await balance(db(), u)).gems).toBe(7_500);
    expect(texts.filter((t) => /Tasks claimed|Claimed `hell`/.test(t)).length).toBeGreaterThanOrEqual(1);
    expect(texts.filter((t) => /Nothing to claim yet/.test(t)).length).toBeGreaterThanOrEqual(18);
    expect(await ledgerSums(db(), u)).toEqual(await balance(db(), u));
    expect(textOf(await bot.say(u, '!claimall'))).toMatch(/Nothing to claim yet/);
  });

  it('bad input: !claim nothing and !claim with no task', async () => {
    const u = 'task-bad';
    const t = textOf(await bot.say(u, '!claim nothing'));
    expect(t).toMatch(/`task` must be one of `pvp`, `easy`, `normal`, `hard`, `expert`, `nightmare`, `hell` \(got `nothing`\)/);
    expect(t).toContain('Usage: `!claim <task>`');
    expect(textOf(await bot.say(u, '!claim'))).toMatch(/Missing `task`/);
    expect(await balance(db(), u)).toEqual({ gems: 0, coins: 0 });
  });
});
