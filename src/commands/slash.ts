import { createHash } from 'node:crypto';
import { type SlashOption, type SlashValues, tokenize } from './args.js';
import type { CommandRegistry } from './registry.js';
import type { Command, SlashSubcommand } from './types.js';
import { Voice } from './voice.js';

/**
 * The slash surface, generated from the command registry: one definition per
 * command, in Discord's application-command JSON (API v10). Options come from
 * each argument's `slash` form (args.ts); a slash command's option values go
 * back through the same argument parser as typed text, so both surfaces share
 * their rules and their messages. Nothing here is written per command.
 */

/** Discord's option types (API v10). */
const OptionType = { SubCommand: 1, String: 3, Integer: 4, User: 6 } as const;
/** Interaction contexts: a server, the bot's DMs. */
const Context = { Guild: 0, BotDm: 1 } as const;

export interface OptionJSON {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
  choices?: Array<{ name: string; value: string }>;
  autocomplete?: boolean;
  options?: OptionJSON[];
}

export interface SlashCommandJSON {
  type: 1;
  name: string;
  description: string;
  options: OptionJSON[];
  /** "0": only members who can manage the server — and owners' guilds only (owner commands). */
  default_member_permissions: string | null;
  contexts: number[];
}

export interface SlashDefinitions {
  /** Every player command, registered globally. */
  player: SlashCommandJSON[];
  /** Owner commands, registered only in the owners' guilds and hidden from members there too. */
  owner: SlashCommandJSON[];
}

const slashVoice = (registry: CommandRegistry) => new Voice({ kind: 'slash' }, registry);

/** Discord shows descriptions as plain text: no backticks or bold, at most 100 characters. */
export function plainDescription(s: string): string {
  const t = s.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
  return (t.length <= 100 ? t : `${t.slice(0, 99)}…`) || '—';
}

function optionJSON(o: SlashOption): OptionJSON {
  const type = o.type === 'integer' ? OptionType.Integer : o.type === 'user' ? OptionType.User : OptionType.String;
  const out: OptionJSON = { type, name: o.name, description: plainDescription(o.description), required: o.required };
  if (o.type === 'integer') {
    if (o.min !== undefined) out.min_value = o.min;
    if (o.max !== undefined) out.max_value = o.max;
  }
  if (o.type === 'string' && o.maxLength !== undefined) out.max_length = Math.min(6000, o.maxLength);
  if (o.choices?.length) out.choices = o.choices.slice(0, 25).map((c) => ({ name: c, value: c }));
  else if (o.complete) out.autocomplete = true;
  return out;
}

/** The options of a command (without subcommands), in argument order. */
export function argOptions(command: Command): SlashOption[] {
  return Object.values(command.args).flatMap((a) => a.slash.options);
}

function subcommandJSON(s: SlashSubcommand): OptionJSON {
  return { type: OptionType.SubCommand, name: s.name, description: plainDescription(s.description), options: (s.options ?? []).map(optionJSON) };
}

/** One command's slash definition. */
export function slashDefinition(command: Command, registry: CommandRegistry): SlashCommandJSON {
  const description = plainDescription(slashVoice(registry).render(command.description));
  const options = command.slash ? command.slash.subcommands.map(subcommandJSON) : argOptions(command).map(optionJSON);
  return {
    type: 1,
    name: command.name.toLowerCase(),
    description,
    options,
    default_member_permissions: command.ownerOnly ? '0' : null,
    contexts: command.guildOnly || command.ownerOnly ? [Context.Guild] : [Context.Guild, Context.BotDm],
  };
}

/** Every command's slash definition, split by where it is registered. */
export function slashDefinitions(registry: CommandRegistry): SlashDefinitions {
  const all = registry.cogs.flatMap((c) => c.commands).filter((c) => !c.hidden);
  return {
    player: all.filter((c) => !c.ownerOnly).map((c) => slashDefinition(c, registry)),
    owner: all.filter((c) => c.ownerOnly).map((c) => slashDefinition(c, registry)),
  };
}

/** A stable hash of definitions: registration is skipped when it hasn't changed. */
export function definitionsHash(defs: readonly SlashCommandJSON[]): string {
  return createHash('sha256').update(JSON.stringify(defs)).digest('hex');
}

/** An option as Discord delivers it in an interaction. */
export interface ReceivedOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: ReceivedOption[];
}

/** Where a received option tree points: the subcommand (if any) and the option values. */
export function readOptions(command: Command, options: readonly ReceivedOption[] = []): { sub?: SlashSubcommand; values: SlashValues; focused?: string } {
  let list = options;
  let sub: SlashSubcommand | undefined;
  if (command.slash) {
    const first = options[0];
    sub = command.slash.subcommands.find((s) => s.name === first?.name);
    list = first?.options ?? [];
  }
  const values: Record<string, string | number | boolean | undefined> = {};
  let focused: string | undefined;
  for (const o of list) {
    values[o.name] = o.value;
    if (o.focused) focused = o.name;
  }
  return { sub, values, focused };
}

/** The tokens a player would have typed for a slash command's options. */
export function tokensFromOptions(command: Command, options: readonly ReceivedOption[] = []): string[] {
  const { sub, values } = readOptions(command, options);
  if (command.slash) {
    if (!sub) return [];
    return [
      sub.name,
      ...(sub.options ?? []).flatMap((o) => (values[o.name] === undefined ? [] : [o.type === 'user' ? `<@${values[o.name]}>` : String(values[o.name])])),
    ];
  }
  return Object.values(command.args).flatMap((a) => a.slash.toTokens(values));
}

/** The option that a focused autocomplete value belongs to. */
export function focusedOption(command: Command, options: readonly ReceivedOption[] = []): { option: SlashOption; value: string; values: SlashValues } | null {
  const { sub, values, focused } = readOptions(command, options);
  if (!focused) return null;
  const list = command.slash ? (sub?.options ?? []) : argOptions(command);
  const option = list.find((o) => o.name === focused);
  return option ? { option, value: String(values[focused] ?? ''), values } : null;
}

/** Why a typed slash line can't become options (the playground answers as Discord's client would refuse it). */
export class SlashInputError extends Error {}

const MENTION = /^<@!?(\w{1,64})>$/;

function accepts(o: SlashOption, token: string): boolean {
  if (o.type === 'user') return MENTION.test(token) || /^\d{5,25}$/.test(token);
  if (o.type === 'integer') return /^[+-]?[\d,_]{1,20}$/.test(token.replace(/^#/, ''));
  if (o.choices) return o.choices.some((c) => c.toLowerCase() === token.toLowerCase());
  return !MENTION.test(token);
}

/**
 * The playground's stand-in for Discord's slash-command box: `/pull 10` or
 * `/raid attack` typed as text becomes the option tree Discord would send.
 * Tokens fill the options in order (a mention goes to the member option, a
 * choice word to its choice option); the last text option takes the rest.
 */
export function optionsFromText(command: Command, line: string): ReceivedOption[] {
  const tokens = tokenize(line);
  let list: SlashOption[];
  let wrap = (opts: ReceivedOption[]) => opts;
  if (command.slash) {
    const name = (tokens.shift() ?? '').toLowerCase();
    const sub = command.slash.subcommands.find((s) => s.name === name) ?? (name === '' ? command.slash.subcommands[0] : undefined);
    if (!sub) throw new SlashInputError(`\`/${command.name}\` has the subcommands ${command.slash.subcommands.map((s) => `\`${s.name}\``).join(', ')}.`);
    list = sub.options ?? [];
    wrap = (opts) => [{ name: sub.name, type: OptionType.SubCommand, options: opts }];
  } else list = argOptions(command);
  const out: ReceivedOption[] = [];
  const filled = new Set<string>();
  while (tokens.length) {
    const token = tokens[0]!;
    const o = list.find((x) => !filled.has(x.name) && accepts(x, token));
    if (!o)
      throw new SlashInputError(
        `\`${token.slice(0, 40)}\` doesn't fit any option of \`/${command.name}\`: ${list.map((x) => x.name).join(', ') || 'it has none'}.`,
      );
    filled.add(o.name);
    tokens.shift();
    const isLast = !list.some((x) => !filled.has(x.name));
    if (o.type === 'user') out.push({ name: o.name, type: OptionType.User, value: MENTION.exec(token)?.[1] ?? token });
    else if (o.type === 'integer') {
      const value = Number(token.replace(/^#/, '').replace(/[,_]/g, ''));
      if ((o.min !== undefined && value < o.min) || (o.max !== undefined && value > o.max)) {
        throw new SlashInputError(`\`${o.name}\` must be from ${(o.min ?? 0).toLocaleString('en-US')} to ${(o.max ?? 0).toLocaleString('en-US')}.`);
      }
      out.push({ name: o.name, type: OptionType.Integer, value });
    } else {
      const choice = o.choices?.find((c) => c.toLowerCase() === token.toLowerCase());
      const rest = isLast && !o.choices ? [token, ...tokens.splice(0)].join(' ') : token;
      out.push({ name: o.name, type: OptionType.String, value: choice ?? rest });
    }
  }
  const missing = list.filter((o) => o.required && !filled.has(o.name));
  if (missing.length) throw new SlashInputError(`\`/${command.name}\` needs ${missing.map((o) => `\`${o.name}\``).join(', ')}.`);
  return wrap(out);
}
