/**
 * Player-facing text whose commands are named by reference. Core never
 * writes a prefix: a message says `${cmd('stb', '<id> <id> …')}` and the
 * command layer renders it the way the player invoked the bot — `!stb …`,
 * `?stb …` on a server whose prefix is `?`, `/set_team_battle …` after a
 * slash command, `@Stardust stb …` after a mention (src/commands/voice.ts).
 */
export interface CommandRef {
  readonly kind: 'command';
  /** The command's name or one of its aliases, as a player would type it. */
  readonly name: string;
  /** What follows the name (`3`, `<id> <id> …`), or ''. */
  readonly args: string;
  /** Render as plain text, not as inline code (embed footers show no markdown). */
  readonly plain: boolean;
}

export type TextPart = string | CommandRef;

/** A sentence or paragraph: literal strings and command references, in order. */
export class Text {
  constructor(readonly parts: readonly TextPart[]) {}

  /** The text as it reads with the default `!` prefix: for logs and tests, never shown to a player. */
  toString(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : defaultRendering(p))).join('');
  }
}

function defaultRendering(ref: CommandRef): string {
  const s = `!${ref.name}${ref.args ? ` ${ref.args}` : ''}`;
  return ref.plain ? s : `\`${s}\``;
}

function ref(name: string, args: string | number, plain: boolean): CommandRef {
  // Outside a text`` template a reference would read "[object Object]"; this
  // makes the mistake read as a `!` command instead, which the prefix tests catch.
  return Object.freeze({
    kind: 'command',
    name,
    args: String(args),
    plain,
    toString: () => defaultRendering({ kind: 'command', name, args: String(args), plain }),
  });
}

/** A reference to a command, shown as inline code: `cmd('verify', 3)`. */
export function cmd(name: string, args: string | number = ''): CommandRef {
  return ref(name, args, false);
}

/** The same, shown without code formatting (embed footers, button labels). */
export function plainCmd(name: string, args: string | number = ''): CommandRef {
  return ref(name, args, true);
}

export type TextValue = TextPart | Text | number | bigint;

/** A tagged template: text`Try ${cmd('inventory')} for your ids.` */
export function text(strings: TemplateStringsArray, ...values: TextValue[]): Text {
  const parts: TextPart[] = [];
  const push = (p: TextPart) => {
    const last = parts[parts.length - 1];
    if (typeof p === 'string' && typeof last === 'string') parts[parts.length - 1] = last + p;
    else if (p !== '') parts.push(p);
  };
  strings.forEach((s, i) => {
    push(s);
    if (i < values.length) {
      const v = values[i]!;
      if (v instanceof Text) for (const p of v.parts) push(p);
      else if (typeof v === 'number' || typeof v === 'bigint') push(String(v));
      else push(v);
    }
  });
  return new Text(parts);
}

/** Joins texts (and strings) with a separator. */
export function joinText(items: readonly (Text | string)[], separator = ''): Text {
  const parts: TextPart[] = [];
  items.forEach((t, i) => {
    if (i > 0 && separator) parts.push(separator);
    if (typeof t === 'string') parts.push(t);
    else parts.push(...t.parts);
  });
  return new Text(parts);
}

export function isText(v: unknown): v is Text {
  return v instanceof Text;
}

/**
 * A name (a member's display name, a preset name) escaped for Discord
 * markdown, so `*star*` reads as typed instead of in italics.
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\*_~`|]/g, (c) => `\\${c}`);
}
