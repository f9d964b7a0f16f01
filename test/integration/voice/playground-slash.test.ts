import { describe, expect, it } from 'vitest';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';

const ALICE = '73000001';
const BOB = '73000002';

/** The playground shows the slash surface too: `/pull 10` typed in the page runs the slash path. */
describe.each(backends())('slash commands in the playground (%s)', (backend) => {
  const game = useTestBot(backend, { seed: (db) => upsertCharacters(db, generateOfflineCatalog()) });

  it('runs slash commands with options read as Discord would send them, and names commands with /', async () => {
    const bot = game.bot;
    const starter = await bot.say(ALICE, '/starter');
    expect(textOf(starter)).toMatch(/\/verify \d+/);
    await bot.app.services.db.query('UPDATE players SET gems = 20000 WHERE id = $1', [ALICE]);
    const pull = await bot.say(ALICE, '/pull 10');
    expect(pull[0]!.attachments).toHaveLength(1);
    expect(textOf(pull)).toMatch(/\/verify \d+/);
    expect(textOf(pull)).not.toMatch(/[!?]verify/);
    const story = await bot.say(ALICE, '/story');
    expect(textOf(story)).toContain('`/story 1-1`');
    // Errors are the player's alone (ephemeral), as on Discord; typed-command errors stay public.
    const bad = await bot.say(ALICE, '/story 9-9');
    expect(bad[0]!.ephemeral).toBe(true);
    expect(textOf(bad)).toContain('`/story`');
    const typed = await bot.say(ALICE, '!story 9-9');
    expect(typed[0]!.ephemeral).toBe(false);
    // Options Discord's box would refuse are refused here too, naming the options.
    const wrong = await bot.say(ALICE, '/pull 7');
    expect(textOf(wrong)).toMatch(/`7` doesn't fit any option of `\/pull`: count/);
    expect(wrong[0]!.ephemeral).toBe(true);
    // Slash commands have canonical names only; an alias gets pointed at the real one.
    const alias = await bot.say(ALICE, '/stb 1');
    expect(textOf(alias)).toContain('`/set_team_battle`');
    // A member option from a mention, and a choice word, as the box would fill them.
    await bot.say(BOB, '/starter');
    const ids = (await bot.get(`/api/players/${BOB}`)).json.units.map((u: { id: number }) => u.id) as number[];
    await bot.say(BOB, `/set_team_battle ${ids.slice(0, 3).join(' ')}`);
    const aIds = (await bot.get(`/api/players/${ALICE}`)).json.units.map((u: { id: number }) => u.id) as number[];
    await bot.say(ALICE, `/set_team_battle ${aIds.slice(0, 5).join(' ')}`);
    const pvp = await bot.say(ALICE, `/battle <@${BOB}>`);
    expect(textOf(pvp)).toMatch(new RegExp(`${ALICE} vs ${BOB}`));
    const npc = await bot.say(ALICE, '/battle HARD');
    expect(textOf(npc)).toMatch(/wins|Draw/);
    const raid = await bot.say(ALICE, '/raid attack');
    expect(textOf(raid)).toContain('`/raid start <boss>`');
  });
});
