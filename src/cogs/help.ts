import { arg } from '../commands/args.js';
import { usageLine, withPrefix } from '../commands/dispatcher.js';
import { UserError } from '../commands/errors.js';
import { Colors, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';

function helpForCommand(ctx: CommandContext, name: string): Reply {
  const registry = ctx.registry;
  const bare = name.startsWith(ctx.prefix) ? name.slice(ctx.prefix.length) : name.replace(/^[!/.?]/, '');
  const cmd = registry.get(bare);
  if (!cmd) {
    const close = registry.closest(name);
    throw new UserError(`There is no command \`${name}\`.${close ? ` Did you mean \`${ctx.prefix}${close}\`?` : ''}`);
  }
  const fields = [{ name: 'Usage', value: `\`${usageLine(cmd, ctx.prefix)}\`` }];
  if (cmd.aliases?.length) fields.push({ name: 'Aliases', value: cmd.aliases.map((a) => `\`${a}\``).join(', ') });
  const cog = registry.cogFor(cmd);
  if (cog) fields.push({ name: 'Group', value: cog.name });
  return {
    embeds: [
      {
        title: `${ctx.prefix}${cmd.name}${cmd.ownerOnly ? ' (owner only)' : ''}`,
        description: withPrefix([cmd.description, cmd.details].filter(Boolean).join('\n\n'), ctx.prefix),
        fields,
        color: Colors.info,
      },
    ],
  };
}

function overview(ctx: CommandContext): Reply {
  const registry = ctx.registry;
  const fields = registry.cogs
    .map((cog) => {
      const cmds = cog.commands.filter((c) => !c.hidden);
      return {
        name: `${cog.name[0]!.toUpperCase()}${cog.name.slice(1)}`,
        value: cmds.map((c) => `\`${ctx.prefix}${c.name}\`${c.ownerOnly ? ' 🔒' : ''}`).join(' '),
      };
    })
    .filter((f) => f.value.length > 0);
  return {
    embeds: [
      {
        title: '✨ Project Stardust — commands',
        description: `Type \`${ctx.prefix}help <command>\` for details. New here? Start with \`${ctx.prefix}starter\`. 🔒 = bot owners only.`,
        fields,
        color: Colors.info,
      },
    ],
  };
}

export default defineCog({
  name: 'help',
  description: 'Command documentation.',
  commands: [
    defineCommand({
      name: 'help',
      aliases: ['h', 'commands'],
      description: 'Lists the commands, or explains one.',
      args: { command: arg.word('command', 40).optional() },
      async run(ctx, { command }) {
        return command ? helpForCommand(ctx, command) : overview(ctx);
      },
    }),
  ],
});
