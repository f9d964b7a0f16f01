import { describe, expect, it } from 'vitest';
import battle from '../../../src/cogs/battle.js';
import inventory from '../../../src/cogs/inventory.js';
import teambuilder from '../../../src/cogs/teambuilder.js';
import type { Reply } from '../../../src/commands/reply.js';
import type { MemberInfo } from '../../../src/commands/types.js';
import { textOf, useTestBot } from '../../helpers/app.js';
import { backends } from '../../helpers/db.js';
import { playerWithTeam, seedCatalog } from '../raid/helpers.js';

function replyText(replies: Reply[]): string {
  return replies
    .flatMap((r) => [r.content, ...(r.embeds ?? []).flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])])
    .filter(Boolean)
    .join('\n');
}

/**
 * Replies that echo a member name them in text, by display name: a `<@id>`
 * in a reply would ping them a second time.
 */
describe.each(backends())('replies name members without pinging them (%s)', (backend) => {
  const game = useTestBot(backend, { cogs: [inventory, teambuilder, battle], seed: seedCatalog });

  /** A message as Discord delivers it: the platform knows members' display names. */
  const onDiscord = (content: string, members: Record<string, string>) =>
    game.bot.app.dispatcher.handleMessage({
      author: { id: 'asker', username: 'Asker' },
      channelId: 'c',
      guildId: 'g',
      content,
      platform: 'discord',
      resolveMember: async (id): Promise<MemberInfo | null> => (members[id] ? { id, displayName: members[id]!, bot: false } : null),
    });

  it('someone who never played is named by display name (markdown escaped), never mentioned', async () => {
    await playerWithTeam(game.db, 'asker', [5000]);
    for (const c of ['!profile <@555>', '!team <@555>', '!battle <@555>']) {
      const t = replyText(await onDiscord(c, { '555': 'Kiri *star*' }));
      expect(t, c).toContain("**Kiri \\*star\\*** hasn't started playing yet.");
      expect(t, c).not.toContain('<@');
    }
    // A member the platform can't name is still not mentioned.
    const unknown = replyText(await onDiscord('!profile <@556>', {}));
    expect(unknown).toBe("⚠️ That member hasn't started playing yet.");
  });

  it("a player's profile and team are titled with their display name here, not the name they last played under", async () => {
    await game.bot.say('777', '!gems', { username: 'old_name' });
    const t = replyText(await onDiscord('!profile <@777>', { '777': 'Nova' }));
    expect(t).toContain("Nova's profile");
    expect(t).not.toMatch(/<@|old_name/);
    expect(replyText(await onDiscord('!team <@777>', { '777': 'Nova' }))).toContain('Nova has no battle team yet.');
  });

  it('in the playground, an unknown member is "that member" and a known one goes by their name', async () => {
    const t = textOf(await game.bot.say('alice', '!profile <@123456789>'));
    expect(t).toBe("⚠️ That member hasn't started playing yet.");
    await game.bot.say('carol', '!gems');
    expect(textOf(await game.bot.say('alice', '!profile @carol'))).toContain("carol's profile");
  });
});
