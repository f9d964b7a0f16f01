import { describe, expect, it, vi } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import type { PlaygroundMessage } from '../../../src/platform/playground/store.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';

// Every picture fails to draw: the canvas library is "broken" for this file.
vi.mock('../../../src/core/images/render.js', async (importOriginal) => {
  const real = await importOriginal<Record<string, unknown>>();
  const broken = async () => {
    throw new Error('renderer down (test)');
  };
  // Every render function, whatever its name after render: new pictures are covered too.
  return Object.fromEntries(Object.entries(real).map(([k, v]) => [k, /^render[A-Z]/.test(k) && typeof v === 'function' ? broken : v]));
});

const OWNER = '71000000';
const ALICE = '71000001';
const GUILD = 'images-down';

/**
 * With every render failing, each command that shows a picture still
 * commits its change and says so: the reply tells the truth (the picture is
 * missing, with an error id) and never claims that nothing was changed.
 */
describe.each(backends())('a failing renderer (%s)', (backend) => {
  const game = useTestBot(backend, { env: { OWNER_IDS: OWNER }, seed: (db) => upsertCharacters(db, generateOfflineCatalog()) });

  const expectTruth = (replies: PlaygroundMessage[], what: string) => {
    const t = textOf(replies);
    expect(t, what).toMatch(/couldn't be drawn this time \(error id `[0-9A-F]{8}`\) — everything above still happened/);
    expect(t, what).not.toMatch(/nothing was changed|Something went wrong/i);
    for (const r of replies) expect(r.attachments, what).toEqual([]);
  };

  it('every picture-drawing command commits and tells the truth', async () => {
    const bot = game.bot;
    const db = bot.app.services.db;
    const say = (user: string, content: string) => bot.say(user, content, { guildId: GUILD, channelId: 'c' });
    const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);

    expectTruth(await say(ALICE, '!starter'), 'starter');
    expect(await count('SELECT count(*) AS n FROM units WHERE player_id = $1', [ALICE])).toBe(10);
    await db.query('UPDATE players SET gems = 50000 WHERE id = $1', [ALICE]);
    expectTruth(await say(ALICE, '!pull'), 'pull');
    expectTruth(await say(ALICE, '!pull 10'), 'pull 10');
    expect(await count("SELECT count(*) AS n FROM ledger WHERE player_id = $1 AND reason = '10-pull'", [ALICE])).toBe(1);
    const ids = (await bot.get(`/api/players/${ALICE}`)).json.units.map((u: { id: number }) => u.id) as number[];
    expectTruth(await say(ALICE, `!view ${ids[0]}`), 'view');
    await say(ALICE, `!stb ${ids.slice(0, 5).join(' ')}`);
    expectTruth(await say(ALICE, '!team'), 'team');
    expectTruth(await say(ALICE, '!battle easy'), 'battle');
    expect(await count('SELECT count(*) AS n FROM battles')).toBe(1);
    expectTruth(await say(ALICE, '!replay 1'), 'replay');
    expectTruth(await say(ALICE, '!story 1-1'), 'story');
    expect(await count('SELECT count(*) AS n FROM battles')).toBeGreaterThanOrEqual(1);
    expectTruth(await say(ALICE, '!bounty'), 'bounty');
    const hunt = await say(ALICE, '!hunt');
    const pick = hunt[0]!.components.find((c) => c.type === 'select')!;
    const picked = await bot.click(ALICE, hunt[0]!.id, pick.customId, [pick.type === 'select' ? pick.options[0]!.value : '']);
    const fight = picked.edits[0]!.components.find((c) => c.type === 'button' && /fight/i.test(c.label))!;
    const fought = await bot.click(ALICE, hunt[0]!.id, fight.customId);
    expectTruth(
      [...fought.edits, ...fought.replies].filter((m) => /bounty/i.test(textOf(m))),
      'hunt fight',
    );
    expect(await count('SELECT count(*) AS n FROM bounty_attempts WHERE player_id = $1', [ALICE])).toBe(1);
    expectTruth(await say(OWNER, '!raid start gloomfang 1'), 'raid start');
    expectTruth(await say(ALICE, '!raid'), 'raid status');
    expectTruth(await say(ALICE, '!raid attack'), 'raid attack');
    expect(await count('SELECT count(*) AS n FROM raid_attacks')).toBe(1);
    const ssr = (await db.query<{ id: number }>("SELECT id FROM characters WHERE rarity = 'SSR' AND rank > 0 ORDER BY rank LIMIT 1")).rows[0]!.id;
    expectTruth(await say(OWNER, `!set_banner [7] [Test Stars] [${ssr}:SSR]`), 'set_banner');
    expectTruth(await say(ALICE, '!banner'), 'banner');
  }, 120_000);
});
