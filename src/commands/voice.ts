import { type CommandRef, cmd, plainCmd, Text, type TextValue, text } from '../core/text.js';
import type { CommandRegistry } from './registry.js';

/**
 * How the player reached the bot, which decides how replies name commands:
 * `!verify 3` after `!pull`, `?verify 3` where the server's prefix is `?`,
 * `/verify 3` after a slash command, `@Stardust verify 3` after a mention.
 */
export type Surface = { kind: 'prefix'; prefix: string } | { kind: 'slash' } | { kind: 'mention'; botName: string };

/**
 * The one place that turns core's command references into text a player
 * reads. Everything that names a command — errors from core, cog replies,
 * help, usage lines — goes through a Voice made for the invoking surface.
 */
export class Voice {
  constructor(
    readonly surface: Surface,
    private readonly registry?: CommandRegistry,
  ) {}

  /** `!name args`, without formatting. */
  private bare(ref: CommandRef): string {
    const args = ref.args ? ` ${ref.args}` : '';
    switch (this.surface.kind) {
      case 'prefix':
        return `${this.surface.prefix}${ref.name}${args}`;
      case 'slash':
        // Slash commands exist under their canonical names only (no aliases).
        return `/${this.registry?.get(ref.name)?.name ?? ref.name}${args}`;
      case 'mention':
        return `@${this.surface.botName} ${ref.name}${args}`;
    }
  }

  /** One command reference as the player would type it (inline code unless the reference is plain). */
  command(ref: CommandRef): string {
    const s = this.bare(ref);
    return ref.plain ? s : `\`${s}\``;
  }

  /** Renders a text (or a plain string, unchanged). */
  render(t: Text | string): string {
    if (typeof t === 'string') return t;
    return t.parts.map((p) => (typeof p === 'string' ? p : this.command(p))).join('');
  }

  /** Shorthand: a tagged template rendered at once — voice.say`Try ${cmd('help')}.` */
  say(strings: TemplateStringsArray, ...values: TextValue[]): string {
    return this.render(text(strings, ...values));
  }

  /** `\`!verify 3\`` for this surface. */
  cmd(name: string, args: string | number = ''): string {
    return this.command(cmd(name, args));
  }

  /** `!verify 3` for this surface, without code formatting (embed footers). */
  plain(name: string, args: string | number = ''): string {
    return this.command(plainCmd(name, args));
  }
}

export const defaultVoice = (prefix: string, registry?: CommandRegistry) => new Voice({ kind: 'prefix', prefix }, registry);

export { Text };
