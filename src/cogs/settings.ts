import { arg } from '../commands/args.js';
import { UserError } from '../commands/errors.js';
import { Colors, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import { validatePrefix } from '../core/guilds.js';

function prefixInfo(ctx: CommandContext): Reply {
  const def = ctx.services.config.prefix;
  const here = (ctx.guildId && ctx.services.prefixes.peek(ctx.guildId)) || def;
  const lines = ctx.guildId
    ? [
        `Commands here start with \`${here}\`${here === def ? ' (the default)' : ''}. A mention of me works as a prefix too, and every command is a slash command.`,
        `Server managers can change it with ${ctx.voice.cmd('prefix', '<new>')}, or go back to \`${def}\` with ${ctx.voice.cmd('prefix', 'reset')}.`,
      ]
    : [`In DMs commands start with \`${def}\`. Each server can choose its own prefix.`];
  return { embeds: [{ title: 'Command prefix', description: lines.join('\n'), color: Colors.info }] };
}

export default defineCog({
  name: 'settings',
  description: 'Server settings.',
  commands: [
    defineCommand({
      name: 'prefix',
      description: "Shows this server's command prefix, or changes it (Manage Server).",
      details:
        'The prefix is 1–5 visible characters without spaces, e.g. `?` or `s!`. `reset` goes back to the default. Mentioning the bot always works as a prefix.',
      args: { prefix: arg.word('new prefix', 40).optional() },
      usage: '[new prefix | reset]',
      async run(ctx, { prefix }) {
        if (prefix === undefined) return prefixInfo(ctx);
        if (!ctx.guildId) throw new UserError('Prefixes are set per server — use this in a server channel.');
        if (!(await ctx.hasManageGuild())) throw new UserError('Changing the prefix needs the **Manage Server** permission.');
        const reset = prefix.toLowerCase() === 'reset';
        const next = reset ? null : validatePrefix(prefix);
        const def = ctx.services.config.prefix;
        // Setting the default explicitly is the same as clearing it (follows COMMAND_PREFIX changes).
        const stored = next === def ? null : next;
        await ctx.services.prefixes.set(ctx.guildId, stored, ctx.author.id, ctx.services.clock.now());
        const shown = stored ?? def;
        return {
          embeds: [
            {
              title: '✅ Prefix changed',
              description: `Commands in this server now start with \`${shown}\` — try \`${shown}help\`. A mention of me still works as a prefix.`,
              color: Colors.success,
            },
          ],
        };
      },
    }),
  ],
});
