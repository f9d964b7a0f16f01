import { describe, expect, it, vi } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { setTeam } from '../../src/core/teams.js';
import { textOf, useTestBot } from '../helpers/app.js';
import { backends } from '../helpers/db.js';
import { giveUnit } from './progression/fixtures.js';

// Drawing a card hangs until the test lets it go: pictures pile up as they would on an overloaded machine.
const drawing = vi.hoisted(() => {
  const held: Array<() => void> = [];
  return {
    held,
    releaseAll() {
      for (const go of held.splice(0)) go();
    },
  };
});
vi.mock('../../src/core/images/render.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/images/render.js')>();
  return {
    ...real,
    renderCard: async (...args: Parameters<typeof real.renderCard>) => {
      await new Promise<void>((go) => drawing.held.push(go));
      return real.renderCard(...args);
    },
    renderBattle: async (...args: Parameters<typeof real.renderBattle>) => {
      await new Promise<void>((go) => drawing.held.push(go));
      return real.renderBattle(...args);
    },
  };
});

const GUILD = 'shedding';

/**
 * When pictures fall behind, commands that draw are turned away with "busy"
 * (nothing changes): a regular (answered in the last minute) once pictures
 * are later than COMMAND_QUEUE_SHED_MS, a newcomer once they are later than
 * COMMAND_QUEUE_WAIT_MS. Commands that draw nothing are still answered, and
 * the pictures already promised still come.
 */
describe.each(backends())('shedding when pictures fall behind (%s)', (backend) => {
  const game = useTestBot(backend, {
    env: { COMMAND_QUEUE_SHED_MS: '100', COMMAND_QUEUE_WAIT_MS: '2000' },
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
  });

  it('turns away regulars first, then everyone; answers text; delivers the late pictures', async () => {
    const bot = game.bot;
    const db = game.db;
    const say = (user: string, content: string) => bot.say(user, content, { guildId: GUILD, channelId: 'c' });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const gems = async (user: string) => Number((await db.query<{ gems: string }>('SELECT gems FROM players WHERE id = $1', [user])).rows[0]!.gems);
    // Players with gems who haven't sent a command yet (newcomers to the queue).
    for (const p of ['s1', 's2', 's3', 'regular', 'newbie', 'late']) {
      await db.query('INSERT INTO players (id, username, gems) VALUES ($1, $1, 10000)', [p]);
    }
    // The regular pulled a moment ago.
    const first = say('regular', '!pull');
    await vi.waitFor(() => expect(drawing.held.length).toBe(1));
    drawing.releaseAll();
    await first;
    const regularGems = await gems('regular');

    // Three pulls: two pictures in the drawing gate, one waiting behind them.
    const pulls = ['s1', 's2', 's3'].map((p) => say(p, '!pull'));
    await vi.waitFor(() => expect(drawing.held.length).toBe(2));
    await sleep(300); // the third picture is now more than 100 ms late

    const refused = await say('regular', '!pull');
    expect(textOf(refused)).toMatch(/The bot is busy right now — try again in a moment/);
    expect(textOf(refused)).not.toMatch(/error id/);
    expect(await gems('regular')).toBe(regularGems);
    const newbie = say('newbie', '!pull'); // a newcomer: taken, its picture comes later

    await sleep(1900); // now later than COMMAND_QUEUE_WAIT_MS: nobody's drawing command is taken
    expect(textOf(await say('late', '!pull'))).toMatch(/The bot is busy right now/);
    expect(await gems('late')).toBe(10000);
    expect(textOf(await say('late', '!gems'))).toMatch(/10,000/);

    // The pictures come once drawing catches up; each pull paid once.
    const done = Promise.all([...pulls, newbie]);
    let settled = false;
    void done.then(() => (settled = true));
    while (!settled) {
      drawing.releaseAll();
      await sleep(10);
    }
    for (const replies of await done) {
      expect(textOf(replies)).not.toMatch(/busy|error id/);
      expect(replies.some((m) => m.attachments.length === 1)).toBe(true);
    }
    for (const p of ['s1', 's2', 's3', 'newbie']) expect(await gems(p)).toBeLessThan(10000);

    // Caught up: the late player's pull goes through.
    const again = say('late', '!pull');
    await vi.waitFor(() => expect(drawing.held.length).toBe(1));
    drawing.releaseAll();
    expect(textOf(await again)).not.toMatch(/busy/);
    expect(await gems('late')).toBeLessThan(10000);
  }, 30_000);

  it('a press that draws (a bounty FIGHT) is busy while pictures are late; a page turn is answered', async () => {
    const bot = game.bot;
    const db = game.db;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const opts = { guildId: GUILD, channelId: 'p' };
    const keys = async () =>
      Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bounty_attempts WHERE player_id = $1', ['hunter'])).rows[0]!.n);
    for (const p of ['hunter', 'q1', 'q2', 'q3']) await db.query('INSERT INTO players (id, username, gems) VALUES ($1, $1, 10000)', [p]);
    const chars = (await db.query<{ id: number }>('SELECT id FROM characters ORDER BY id LIMIT 5')).rows.map((r) => r.id);
    const units = [];
    for (const c of chars) units.push(await giveUnit(db, 'hunter', c));
    await setTeam(db, 'hunter', 'battle', units);
    const [achievements] = await bot.say('hunter', '!achievements', opts);

    // A first fight: its press draws the battle, which is how the bot learns that FIGHT draws.
    const [board] = await bot.say('hunter', '!hunt', opts);
    await bot.click('hunter', board!.id, 'bounty:pick', ['0']);
    const first = bot.click('hunter', board!.id, 'bounty:fight');
    await vi.waitFor(() => expect(drawing.held.length).toBe(1));
    drawing.releaseAll();
    expect((await first).edits[0]!.attachments[0]).toMatchObject({ name: 'battle.jpg' });
    expect(await keys()).toBe(1);

    const [again] = await bot.say('hunter', '!hunt', opts);
    await bot.click('hunter', again!.id, 'bounty:pick', ['1']);
    // Pictures fall behind: two drawing, one waiting past the shed time.
    const pulls = ['q1', 'q2', 'q3'].map((p) => bot.say(p, '!pull', opts));
    await vi.waitFor(() => expect(drawing.held.length).toBe(2));
    await sleep(300);

    const refused = await bot.click('hunter', again!.id, 'bounty:fight');
    expect(textOf(refused.replies)).toMatch(/The bot is busy right now — try again in a moment/);
    expect(refused.edits).toEqual([]);
    expect(await keys()).toBe(1);
    // Turning a page draws nothing: it is not held up by the pictures.
    const turned = await bot.click('hunter', achievements!.id, 'ach:next');
    expect(textOf(turned.replies)).not.toMatch(/busy/);
    expect(turned.edits).toHaveLength(1);

    const done = Promise.all(pulls);
    let settled = false;
    void done.then(() => (settled = true));
    while (!settled) {
      drawing.releaseAll();
      await sleep(10);
    }
    // Caught up: the same FIGHT goes through.
    const fought = bot.click('hunter', again!.id, 'bounty:fight');
    await vi.waitFor(() => expect(drawing.held.length).toBe(1));
    drawing.releaseAll();
    expect(textOf((await fought).edits)).not.toMatch(/busy/);
    expect(await keys()).toBe(2);
  }, 30_000);
});
