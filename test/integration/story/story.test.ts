import { beforeEach, describe, expect, it } from 'vitest';
import inventory from '../../../src/cogs/inventory.js';
import rpg from '../../../src/cogs/rpg.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { ledgerSums } from '../../../src/core/economy.js';
import { findStage } from '../../../src/core/story/story.js';
import { setTeam } from '../../../src/core/teams.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends, type TestDb } from '../../helpers/db.js';

/** Gives a player `count` units of strong (low-rank) characters at dupe 10 and sets them as the battle team. */
async function strongTeam(tdb: TestDb, playerId: string, dupe = 10): Promise<number[]> {
  await tdb.db.query(`INSERT INTO players (id, username) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [playerId]);
  const r = await tdb.db.query<{ id: number }>(
    `INSERT INTO units (player_id, character_id, dupe_level)
     SELECT $1, id, $2 FROM characters WHERE rank BETWEEN 1 AND 5 ORDER BY rank RETURNING id`,
    [playerId, dupe],
  );
  const ids = r.rows.map((x) => Number(x.id));
  await setTeam(tdb.db, playerId, 'battle', ids);
  return ids;
}

async function weakTeam(tdb: TestDb, playerId: string): Promise<void> {
  await tdb.db.query(`INSERT INTO players (id, username) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [playerId]);
  const r = await tdb.db.query<{ id: number }>(`INSERT INTO units (player_id, character_id) SELECT $1, id FROM characters WHERE rank = 9999 RETURNING id`, [
    playerId,
  ]);
  await setTeam(tdb.db, playerId, 'battle', [Number(r.rows[0]!.id)]);
}

async function wallet(tdb: TestDb, id: string) {
  return (await tdb.db.query<{ gems: number; coins: number }>('SELECT gems, coins FROM players WHERE id = $1', [id])).rows[0]!;
}

describe.each(backends())('story mode on %s', (backend) => {
  const game = useTestBot(backend, { seed: (db) => upsertCharacters(db, generateOfflineCatalog()), cogs: [rpg, inventory] });
  beforeEach(async () => game.tdb.reset());

  it('!story lists the chapters with stars, open and locked stages and the next stage', async () => {
    const t = textOf(await game.bot.say('p1', '!story'));
    expect(t).toContain('Chapter 1: The Fallen Star');
    expect(t).toContain('Next: `!story 1-1`');
    expect(t).toMatch(/`1-1` Ash on the Shore — ▶️ open/);
    expect(t).toMatch(/`1-2` .* — 🔒/);
  });

  it('a stage opens when the one before it is cleared; a locked stage changes nothing', async () => {
    await strongTeam(game.tdb, 'p1');
    expect(textOf(await game.bot.say('p1', '!story 1-2'))).toMatch(/Stage 1-2 is locked — clear 1-1 first/);
    expect(textOf(await game.bot.say('p1', '!story 2-1'))).toMatch(/locked — clear 1-5 first/);
    expect(await wallet(game.tdb, 'p1')).toEqual({ gems: 0, coins: 0 });
    const won = textOf(await game.bot.say('p1', '!story 1-1'));
    expect(won).toContain('First clear!');
    expect(won).toContain('Ash on the Shore');
    expect(won).toContain('A streak of light tore the night open');
    const next = textOf(await game.bot.say('p1', '!story 1-2'));
    expect(next).toContain('The Lighthouse Keeper');
    expect(textOf(await game.bot.say('p1', '!story'))).toMatch(/`1-1` Ash on the Shore — ★★★/);
  });

  it('the first clear pays the content reward once and shows the battle image', async () => {
    await strongTeam(game.tdb, 'p1');
    const [reply] = await game.bot.say('p1', '!story 1-1');
    expect(reply!.attachments[0]).toMatchObject({ name: 'battle.jpg', contentType: 'image/jpeg' });
    const gemsFirst = findStage(1, 1)!.firstClear.gems!;
    const w = await wallet(game.tdb, 'p1');
    // Royalty on the team pays ×1.5; the strongest generated characters may carry it.
    expect([gemsFirst, Math.floor(gemsFirst * 1.5)]).toContain(w.gems);
    expect(await ledgerSums(game.db, 'p1')).toEqual(w);
  });

  it('first clear is paid once under 20 concurrent commands; the rest are repeats capped at 5 a day', async () => {
    await strongTeam(game.tdb, 'p2');
    const replies = await Promise.all(Array.from({ length: 20 }, () => game.bot.say('p2', '!story 1-1')));
    const texts = replies.map(textOf);
    expect(texts.filter((t) => t.includes('First clear!'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Repeat clear'))).toHaveLength(5);
    expect(texts.filter((t) => t.includes('used up for today'))).toHaveLength(14);
    const s = findStage(1, 1)!;
    const rows = (await game.db.query<{ reason: string; delta: number }>(`SELECT reason, delta FROM ledger WHERE player_id = 'p2' AND currency = 'gems'`)).rows;
    expect(rows.filter((r) => r.reason === 'story first clear')).toHaveLength(1);
    expect(rows.filter((r) => r.reason === 'story repeat clear')).toHaveLength(5);
    const first = rows.find((r) => r.reason === 'story first clear')!.delta;
    expect([s.firstClear.gems, Math.floor(s.firstClear.gems! * 1.5)]).toContain(first);
    const w = await wallet(game.tdb, 'p2');
    expect(await ledgerSums(game.db, 'p2')).toEqual(w);
    const prog = (await game.db.query<{ clears: number }>(`SELECT clears FROM story_progress WHERE player_id = 'p2'`)).rows[0]!;
    expect(prog.clears).toBe(20);
  });

  it('the daily repeat cap resets at 00:00 UTC (game clock)', async () => {
    await strongTeam(game.tdb, 'p3');
    for (let i = 0; i < 7; i++) await game.bot.say('p3', '!story 1-1');
    expect(textOf(await game.bot.say('p3', '!story 1-1'))).toMatch(/used up for today/);
    await game.bot.post('/api/clock', { advanceSeconds: 86_400 });
    expect(textOf(await game.bot.say('p3', '!story 1-1'))).toMatch(/Repeat clear: .* \(1\/5 today\)/);
  });

  it('a loss clears nothing and pays nothing', async () => {
    await weakTeam(game.tdb, 'p4');
    const t = textOf(await game.bot.say('p4', '!story 1-1'));
    expect(t).toMatch(/Not cleared\. Recommended power/);
    expect(await wallet(game.tdb, 'p4')).toEqual({ gems: 0, coins: 0 });
    expect((await game.db.query('SELECT 1 FROM story_progress WHERE player_id = $1', ['p4'])).rowCount).toBe(0);
  });

  it.each([
    ['!story 0-1', /There is no stage 0-1/],
    ['!story 9-9', /There is no stage 9-9/],
    ['!story 1-6', /There is no stage 1-6/],
    ['!story abc', /chapter-stage, like `1-3`/],
    ['!story 1-1 extra', /Unexpected/],
  ])('%s gets a clear message and changes nothing', async (cmd, pattern) => {
    await strongTeam(game.tdb, 'p5');
    expect(textOf(await game.bot.say('p5', cmd))).toMatch(pattern);
    expect(await wallet(game.tdb, 'p5')).toEqual({ gems: 0, coins: 0 });
  });

  it('no battle team points at !stb', async () => {
    expect(textOf(await game.bot.say('p6', '!story 1-1'))).toMatch(/no battle team yet.*!stb/);
  });
});
