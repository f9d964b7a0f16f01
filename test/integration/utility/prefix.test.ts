import { describe, expect, it } from 'vitest';
import help from '../../../src/cogs/help.js';
import settings from '../../../src/cogs/settings.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';

describe.each(backends())('!prefix (%s)', (backend) => {
  const game = useTestBot(backend, { cogs: [help, settings] });

  it('an invisible prefix is refused with a clear message and changes nothing', async () => {
    const room = { guildId: 'g-invisible', channelId: 'c' };
    const t = textOf(await game.bot.say('admin', '!prefix ?\u200B', room));
    expect(t).toMatch(/cannot contain invisible characters .* U\+200B/);
    expect(await game.bot.say('admin', '?\u200Bhelp', room)).toEqual([]);
    expect(textOf(await game.bot.say('admin', '!prefix', room))).toContain('Commands here start with `!` (the default)');
    const stored = await game.db.query('SELECT prefix FROM guild_settings WHERE guild_id = $1', [room.guildId]);
    expect(stored.rows).toEqual([]);
    // A visible one still works.
    expect(textOf(await game.bot.say('admin', '!prefix ?', room))).toContain('now start with `?`');
  });
});
