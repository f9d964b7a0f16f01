import { describe, expect, it } from 'vitest';
import battleCog from '../../../src/cogs/battle.js';
import gachaCog, { strongestUnitIds } from '../../../src/cogs/gacha.js';
import inventoryCog from '../../../src/cogs/inventory.js';
import teambuilderCog from '../../../src/cogs/teambuilder.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import type { PulledCard } from '../../../src/core/gacha/index.js';
import { teamIds } from '../../../src/core/teams.js';
import { listUnits } from '../../../src/core/units.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';

describe('the starter’s ready team', () => {
  const card = (unitId: number, power: number, outcome: PulledCard['outcome'] = 'new') => ({ unitId, power, outcome }) as PulledCard;

  it('is the five strongest distinct units, strongest first (a character pulled twice counts once)', () => {
    const cards = [card(1, 11_000), card(2, 4_000), card(3, 7_500), card(2, 4_200, 'dupe'), card(4, 4_100), card(5, 4_300), card(6, 4_150), card(7, 4_050)];
    expect(strongestUnitIds(cards)).toEqual([1, 3, 5, 2, 6]);
    expect(strongestUnitIds(cards.slice(0, 2))).toEqual([1, 2]);
    // Equal powers: the lower id first, as the inventory sorts.
    expect(strongestUnitIds([card(9, 5_000), card(8, 5_000)])).toEqual([8, 9]);
  });
});

describe.each(backends())('!starter gives a ready battle team (%s)', (backend) => {
  const game = useTestBot(backend, {
    seed: (db) => upsertCharacters(db, generateOfflineCatalog()),
    cogs: [gachaCog, inventoryCog, teambuilderCog, battleCog],
    timeout: 120_000,
  });

  it('lists the pull in order, names the 5 strongest as a ready !stb line, and its button sets them as the battle team', async () => {
    const [m] = await game.bot.say('first', '!starter');
    const units = await listUnits(game.db, 'first');
    const strongest = units.slice(0, 5).map((u) => u.id);
    // The units are listed in pull order (the SSR first), each with its id.
    const lines = m!.embeds[0]!.description!.split('\n').filter((l) => /#\d+/.test(l));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^🌟 /);
    expect(m!.content).toContain(`Your 5 strongest as a battle team: \`!stb ${strongest.join(' ')}\` — or press **Set as battle team**.`);
    expect(m!.content).toContain('`!battle easy`');
    const button = m!.components.find((c) => c.customId === 'starter:stb');
    expect(button).toMatchObject({ type: 'button', label: 'Set as battle team', disabled: false });

    // Someone else can't press it.
    expect(textOf((await game.bot.click('other', m!.id, 'starter:stb')).replies)).toMatch(/belong to someone else/);
    expect(await teamIds(game.db, 'first', 'battle')).toEqual([]);

    const pressed = await game.bot.click('first', m!.id, 'starter:stb');
    expect(textOf(pressed.replies)).toMatch(/⚔️ Battle team set[\s\S]*Total power/);
    expect(await teamIds(game.db, 'first', 'battle')).toEqual(strongest);
    // The button is done (disabled), and the picture stays on the message.
    const edited = pressed.edits.find((e) => e.id === m!.id)!;
    expect(edited.components.every((c) => c.disabled)).toBe(true);
    expect(edited.attachments.map((a) => a.name)).toEqual(m!.attachments.map((a) => a.name));

    // The README's first session goes on: a battle with that team.
    const fight = textOf(await game.bot.say('first', '!battle easy'));
    expect(fight).not.toMatch(/no battle team/);
    expect(fight).toMatch(/wins|draw/i);
  });

  it('the ready line is the same as typing it: !stb with those ids sets the same team', async () => {
    const [m] = await game.bot.say('typist', '!starter');
    const line = /`!stb ([\d ]+)`/.exec(m!.content)![1]!;
    expect(textOf(await game.bot.say('typist', `!stb ${line}`))).toMatch(/Battle team set/);
    expect((await teamIds(game.db, 'typist', 'battle')).join(' ')).toBe(line);
  });

  it('as a slash command the ready line names the slash command', async () => {
    const [m] = await game.bot.say('slasher', '/starter');
    const strongest = (await listUnits(game.db, 'slasher')).slice(0, 5).map((u) => u.id);
    expect(m!.content).toContain(`\`/set_team_battle ${strongest.join(' ')}\``);
    expect(m!.content).not.toMatch(/`!/);
  });
});
