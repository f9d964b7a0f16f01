import { describe, expect, it } from 'vitest';
import utility from '../../../src/cogs/utility.js';
import { generateOfflineCatalog, upsertCharacters } from '../../../src/core/catalog/index.js';
import { SKILLS } from '../../../src/core/skills/registry.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';

describe.each(backends())('utility commands on %s', (backend) => {
  const game = useTestBot(backend, { seed: (db) => upsertCharacters(db, generateOfflineCatalog()), cogs: [utility], env: { STARDUST_OFFLINE: '1' } });

  it('!lookup finds a character in the catalog with id, rarity, power, rank and skills', async () => {
    const t = textOf(await game.bot.say('u1', '!lookup frieren'));
    expect(t).toContain('Frieren');
    expect(t).toContain('176754');
    expect(t).toMatch(/SSR|SR|R/);
    expect(t).toContain('Eternity');
  });

  it.each([
    ['!lookup', /Missing `name`/],
    [`!lookup ${'a'.repeat(500)}`, /at most 100 characters/],
    ["!lookup ' OR 1=1; DROP TABLE characters; --", /No character matches/],
    ['!lookup 漢字テスト', /No character matches/],
    ['!lookup %_%', /No character matches/],
  ])('%s gets a clear message', async (cmd, pattern) => {
    expect(textOf(await game.bot.say('u1', cmd))).toMatch(pattern);
    const n = await game.db.query<{ n: number }>('SELECT count(*)::int AS n FROM characters');
    expect(n.rows[0]!.n).toBeGreaterThan(10_000 - 1);
  });

  it('!whohas lists characters with a skill and a count; unknown skills are refused', async () => {
    const t = textOf(await game.bot.say('u1', '!whohas eternity'));
    expect(t).toContain('Who has Eternity?');
    expect(t).toContain('Frieren');
    expect(textOf(await game.bot.say('u1', '!whohas Flying'))).toMatch(/no skill `Flying`/);
  });

  it('!skills pages through every skill 5 at a time with buttons', async () => {
    const [first] = await game.bot.say('u1', '!skills');
    expect(first!.embeds[0]!.footer).toMatch(/Page 1 of 5/);
    const next = first!.components.find((c) => c.customId === 'page:next')!;
    const { edits } = await game.bot.click('u1', first!.id, next.customId);
    expect(edits[0]!.embeds[0]!.footer).toMatch(/Page 2 of 5/);
    expect(edits[0]!.embeds[0]!.description).toContain(SKILLS[5]!.name);
    const other = await game.bot.click('u2', first!.id, next.customId);
    expect(textOf(other.replies)).toMatch(/belong to someone else/);
  });

  it('!skill_details shows type, stackability and values; with no name it offers a menu', async () => {
    const t = textOf(await game.bot.say('u1', '!sd surge'));
    expect(t).toContain('Surge');
    expect(t).toContain('+25%');
    expect(t).toContain('Battle');
    const [menu] = await game.bot.say('u1', '!skill_details');
    const sel = menu!.components.find((c) => c.type === 'select')!;
    const r = await game.bot.click('u1', menu!.id, sel.customId, ['Guard']);
    expect(textOf(r.replies)).toContain('Guard');
  });
});
