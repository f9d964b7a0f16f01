import { describe, expect, it, vi } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../src/core/catalog/index.js';
import { textOf, useTestBot } from '../helpers/app.js';
import { backends } from '../helpers/db.js';

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
  };
});

const GUILD = 'shedding';

/**
 * When pictures fall behind, commands that draw are turned away with "busy"
 * (nothing changes) once the oldest waiting picture is later than the
 * longest wait for a turn, while commands that draw nothing are still
 * answered; the pictures already promised still come.
 */
describe.each(backends())('shedding when pictures fall behind (%s)', (backend) => {
  const game = useTestBot(backend, {
    env: { COMMAND_QUEUE_SHED_MS: '100', COMMAND_QUEUE_WAIT_MS: '300' },
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
  });

  it('turns away a drawing command with busy and changes nothing, answers a text one, and delivers the late pictures', async () => {
    const bot = game.bot;
    const db = game.db;
    const say = (user: string, content: string) => bot.say(user, content, { guildId: GUILD, channelId: 'c' });
    const gems = async (user: string) => Number((await db.query<{ gems: string }>('SELECT gems FROM players WHERE id = $1', [user])).rows[0]!.gems);
    const players = ['s1', 's2', 's3', 'late'];
    for (const p of players) {
      await say(p, '!gems'); // registered
      await db.query('UPDATE players SET gems = 10000 WHERE id = $1', [p]);
    }
    // Three pulls: two pictures in the drawing gate, one waiting behind them.
    const pulls = ['s1', 's2', 's3'].map((p) => say(p, '!pull'));
    await vi.waitFor(() => expect(drawing.held.length).toBe(2));
    await new Promise((r) => setTimeout(r, 400)); // the third picture has waited longer than COMMAND_QUEUE_WAIT_MS

    const before = await gems('late');
    const refused = await say('late', '!pull');
    expect(textOf(refused)).toMatch(/The bot is busy right now — try again in a moment/);
    expect(textOf(refused)).not.toMatch(/error id/);
    expect(await gems('late')).toBe(before);
    expect(textOf(await say('late', '!gems'))).toMatch(/10,000/);

    // The pictures come once drawing catches up; each pull paid once.
    const done = Promise.all(pulls);
    while (drawing.held.length || (await Promise.race([done.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))])) === false) {
      drawing.releaseAll();
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const replies of await done) {
      expect(textOf(replies)).not.toMatch(/busy|error id/);
      expect(replies.some((m) => m.attachments.length === 1)).toBe(true);
    }
    for (const p of ['s1', 's2', 's3']) expect(await gems(p)).toBeLessThan(10000);

    // Caught up: the late player's pull goes through.
    const again = say('late', '!pull');
    await vi.waitFor(() => expect(drawing.held.length).toBe(1));
    drawing.releaseAll();
    expect(textOf(await again)).not.toMatch(/busy/);
    expect(await gems('late')).toBeLessThan(before);
  }, 30_000);
});
