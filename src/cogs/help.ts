import { arg } from '../commands/args.js';
import { usageLine } from '../commands/dispatcher.js';
import { UserError } from '../commands/errors.js';
import { Colors, type Reply } from '../commands/reply.js';
import { type CommandContext, defineCog, defineCommand } from '../commands/types.js';
import { cmd as command, joinText, text } from '../core/text.js';

/** Commands this player may run: owner commands are listed only to owners (SPEC §17). */
function visibleTo(ctx: CommandContext) {
  return (c: { hidden?: boolean; ownerOnly?: boolean }) => !c.hidden && (!c.ownerOnly || ctx.isOwner);
}

function helpForCommand(ctx: CommandContext, name: string): Reply {
  const registry = ctx.registry;
  const bare = name.replace(/^[!/.?$]+/, '').replace(ctx.voice.surface.kind === 'prefix' ? ctx.voice.surface.prefix : '\u0000', '');
  const cmd = registry.get(bare);
  if (!cmd || (cmd.ownerOnly && !ctx.isOwner)) {
    const close = registry.closest(bare, visibleTo(ctx));
    throw new UserError(close ? text`There is no command \`${name}\`. Did you mean ${command(close)}?` : `There is no command \`${name}\`.`);
  }
  const fields = [{ name: 'Usage', value: `\`${usageLine(cmd, ctx.voice)}\`` }];
  if (cmd.aliases?.length && ctx.voice.surface.kind !== 'slash') fields.push({ name: 'Aliases', value: cmd.aliases.map((a) => `\`${a}\``).join(', ') });
  const cog = registry.cogFor(cmd);
  if (cog) fields.push({ name: 'Group', value: cog.name });
  return {
    embeds: [
      {
        title: `${ctx.voice.plain(cmd.name)}${cmd.ownerOnly ? ' (owner only)' : ''}`,
        description: ctx.voice.render(joinText([cmd.description, ...(cmd.details ? [cmd.details] : [])], '\n\n')),
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
      const cmds = cog.commands.filter(visibleTo(ctx));
      return {
        name: `${cog.name[0]!.toUpperCase()}${cog.name.slice(1)}`,
        value: cmds.map((c) => `${ctx.voice.cmd(c.name)}${c.ownerOnly ? ' 🔒' : ''}`).join(' '),
      };
    })
    .filter((f) => f.value.length > 0);
  const owners = ctx.isOwner ? ' 🔒 = bot owners only.' : '';
  return {
    embeds: [
      {
        title: '✨ Project Stardust — commands',
        description: `Type ${ctx.voice.cmd('help', '<command>')} for details. New here? Start with ${ctx.voice.cmd('starter')}.${owners}`,
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
      args: { command: arg.word('command', 40, 'command').optional() },
      async run(ctx, { command }) {
        return command ? helpForCommand(ctx, command) : overview(ctx);
      },
    }),
  ],
});
